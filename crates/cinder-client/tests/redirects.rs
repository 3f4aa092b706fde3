//! Redirects stay within their origin: a server answering 3xx towards another origin (here
//! another port of 127.0.0.1) gets an error back, and that other server never sees the token
//! or a Keystone request body; a redirect within the origin is still followed.

mod support;

use std::sync::{Arc, Mutex};

use cinder_client::Run;
use cinder_client::{Auth, Cinder, Config, Error};
use support::*;

/// A server that records what reaches it and answers 404 to everything.
async fn bystander() -> (String, Arc<Mutex<Vec<Recorded>>>) {
    serve(Arc::new(|_, _| (404, json(), "{}".into()))).await
}

fn location(url: String) -> Vec<(String, String)> {
    vec![("location".into(), url)]
}

fn token_endpoint(base: &str) -> Config {
    Config::new(Auth::TokenEndpoint {
        token: "the-token".into(),
        endpoint: format!("{base}/v3/p1"),
    })
}

fn assert_refused(error: &Error, from: &str, to: &str) {
    let message = error.to_string();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        message.contains(from) && message.contains(to) && message.contains("not followed"),
        "{message}"
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_gets_no_token() {
    let (elsewhere, seen_elsewhere) = bystander().await;
    for status in [301, 302, 303, 307, 308] {
        let target = format!("{elsewhere}/v3/p1/volumes/detail");
        let (base, _) = serve(cinder_like(move |_| {
            (status, location(target.clone()), String::new())
        }))
        .await;
        let cinder = Cinder::connect(token_endpoint(&base)).await.unwrap();
        let error = cinder.raw().list_volumes_detail().run().await.unwrap_err();
        assert_refused(&error, &format!("{base}/v3/p1/volumes/detail"), &elsewhere);
    }
    let seen = seen_elsewhere.lock().unwrap().clone();
    assert!(seen.is_empty(), "the other origin was contacted: {seen:?}");
}

#[tokio::test]
async fn the_same_host_under_another_scheme_is_another_origin() {
    // A plain-HTTP server redirecting to https:// on its own port: refused before anything
    // is tried there.
    let versions = cinder_like(|_| (404, json(), "{}".into()));
    let (base, seen) = serve(Arc::new(move |request, base| {
        if request.path.starts_with("/v3/p1/") {
            let https = base.replacen("http://", "https://", 1);
            (
                302,
                location(format!("{https}/v3/p1/volumes/detail")),
                String::new(),
            )
        } else {
            versions(request, base)
        }
    }))
    .await;
    let cinder = Cinder::connect(token_endpoint(&base)).await.unwrap();
    let before = seen.lock().unwrap().len();
    let error = cinder.raw().list_volumes_detail().run().await.unwrap_err();
    let https = base.replacen("http://", "https://", 1);
    assert_refused(&error, &base, &https);
    assert_eq!(
        seen.lock().unwrap().len(),
        before + 1,
        "{:?}",
        seen.lock().unwrap()
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_token() {
    let (base, seen) = serve(cinder_like(|request| match request.path.as_str() {
        "/v3/p1/volumes/detail" => (302, location("/v3/p1/moved/detail".into()), String::new()),
        "/v3/p1/moved/detail" if request.token.as_deref() == Some("the-token") => {
            (200, json(), r#"{"volumes": []}"#.into())
        }
        _ => (
            401,
            json(),
            r#"{"error": {"code": 401, "message": "no token"}}"#.into(),
        ),
    }))
    .await;
    let cinder = Cinder::connect(token_endpoint(&base)).await.unwrap();
    let list = cinder.raw().list_volumes_detail().run().await.unwrap();
    assert!(list.volumes.is_empty());
    let paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        paths.ends_with(&["/v3/p1/volumes/detail".into(), "/v3/p1/moved/detail".into()]),
        "{paths:?}"
    );
}

#[tokio::test]
async fn keystone_credentials_are_not_sent_to_another_origin() {
    let (elsewhere, seen_elsewhere) = bystander().await;
    for status in [302, 307, 308] {
        let target = format!("{elsewhere}/v3/auth/tokens");
        let (base, seen) = serve(Arc::new(move |_, _| {
            (status, location(target.clone()), String::new())
        }))
        .await;
        let error = Cinder::connect(password_config(&base)).await.unwrap_err();
        assert_refused(&error, &format!("{base}/v3/auth/tokens"), &elsewhere);
        // The password went only where it was configured to go.
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].body.contains("secret-password"), "{seen:?}");
    }
    let seen = seen_elsewhere.lock().unwrap().clone();
    assert!(seen.is_empty(), "the other origin was contacted: {seen:?}");
}

#[tokio::test]
async fn keystone_may_move_its_token_api_within_its_origin() {
    // A 307 keeps the method and the body: the credentials reach the new path.
    let keystone = cinder_like(|_| (404, json(), "{}".into()));
    let (base, seen) = serve(Arc::new(move |request, base| {
        if request.path == "/v3/auth/tokens" {
            return (
                307,
                location(format!("{base}/identity/v3/auth/tokens")),
                String::new(),
            );
        }
        let moved = Recorded {
            path: request.path.replace("/identity", ""),
            ..request.clone()
        };
        keystone(&moved, base)
    }))
    .await;
    let cinder = Cinder::connect(password_config(&base)).await.unwrap();
    assert_eq!(cinder.project_id(), Some("p1"));
    let seen = seen.lock().unwrap().clone();
    let moved = seen
        .iter()
        .find(|r| r.path == "/identity/v3/auth/tokens")
        .unwrap_or_else(|| panic!("{seen:?}"));
    assert_eq!(moved.method, "POST");
    assert!(moved.body.contains("secret-password"), "{moved:?}");
}
