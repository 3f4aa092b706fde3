//! The authenticated state shared by every request: the current token and how to renew it.

use std::sync::{Arc, RwLock};

use crate::config::Auth;
use crate::error::Result;
use crate::keystone::{self, Token};
use crate::token_cache::{Discovery, Entry, Slot};

/// Where the session's token is cached, to replace it there when it is renewed or refused.
pub struct CacheSlot {
    pub slot: Slot,
    pub discovery: Option<Discovery>,
}

/// Holds the token; renews it at most once per expiry even under concurrent 401s.
pub struct Session {
    http: reqwest::Client,
    auth: Auth,
    token: RwLock<Arc<str>>,
    renewal: tokio::sync::Mutex<()>,
    cache: Option<CacheSlot>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub fn new(http: reqwest::Client, auth: Auth, token: &Token, cache: Option<CacheSlot>) -> Self {
        Session {
            http,
            auth,
            token: RwLock::new(Arc::from(token.value.as_str())),
            renewal: tokio::sync::Mutex::new(()),
            cache,
        }
    }

    /// The server refused `rejected` and it cannot be renewed: keep it out of the cache.
    pub fn forget(&self, rejected: &str) {
        if let Some(slot) = &self.cache {
            if &*self.token() == rejected {
                slot.slot.remove();
            }
        }
    }

    pub fn token(&self) -> Arc<str> {
        self.token.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether a new token can be had without the user (not for a bare token).
    pub fn can_renew(&self) -> bool {
        matches!(
            self.auth,
            Auth::Password { .. } | Auth::ApplicationCredential { .. }
        )
    }

    /// Called after `rejected` got a 401: fetches a new token unless another request already
    /// did, and returns the token to retry with.
    pub async fn renew(&self, rejected: &str) -> Result<Arc<str>> {
        let _guard = self.renewal.lock().await;
        let current = self.token();
        if &*current != rejected {
            return Ok(current);
        }
        if let Some(slot) = &self.cache {
            slot.slot.remove();
        }
        let fresh = keystone::authenticate(&self.http, &self.auth).await?;
        if let (Some(slot), Some(_)) = (&self.cache, fresh.expires_at) {
            let mut entry = Entry::new(&fresh);
            entry.discovery = slot.discovery.clone();
            slot.slot.store(&entry);
        }
        let fresh: Arc<str> = Arc::from(fresh.value.as_str());
        *self.token.write().unwrap_or_else(|e| e.into_inner()) = fresh.clone();
        Ok(fresh)
    }
}
