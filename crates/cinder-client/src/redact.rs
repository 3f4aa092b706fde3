//! Keeping secrets out of the HTTP log: token headers become a hash, secret JSON members `***`.
//!
//! Tokens are hashed rather than blanked, exactly like keystoneauth (`{SHA256}` and the hex
//! digest), so one can still tell whether two requests used the same token, or match a line
//! with python-cinderclient's output; a token is long and random, so its hash gives nothing
//! away. Passwords and secrets are chosen by people and an unsalted hash of one can be guessed,
//! so those are replaced by `***` outright. A URL's `user:password@` is removed wherever a URL
//! is written into a log line or an error message.

use reqwest::header::HeaderValue;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a secret JSON value is replaced by.
pub const MASK: &str = "***";

/// Headers that carry credentials, lowercase.
const SECRET_HEADERS: [&str; 7] = [
    "authorization",
    "proxy-authorization",
    "x-auth-token",
    "x-subject-token",
    "x-service-token",
    "cookie",
    "set-cookie",
];

/// JSON member names containing one of these (case-insensitive) hold secrets: `password`,
/// `auth_password` (iSCSI CHAP), Keystone's `token`, application credentials' `secret`.
const SECRET_KEY_PARTS: [&str; 4] = ["password", "secret", "token", "passphrase"];

/// JSON member names that hold secrets when they are one of these or end with `_` and one of
/// these (case-insensitive): Ceph's `keyring` in connection info, a transfer's `auth_key`, a
/// backup's or volume's `encryption_key`, and keys and credentials generally
/// (`private_key`, `secret_access_key`, `credential`). Only a scalar value is masked: an
/// object such as Keystone's `application_credential` is searched instead.
const SECRET_KEY_WORDS: [&str; 5] = [
    "keyring",
    "auth_key",
    "encryption_key",
    "private_key",
    "access_key",
];
const SECRET_SCALAR_WORDS: [&str; 1] = ["credential"];

/// `{SHA256}<hex digest>`, keystoneauth's rendering of a token.
pub fn hash(value: &[u8]) -> String {
    let digest = Sha256::digest(value);
    let mut hex = String::with_capacity(8 + 64);
    hex.push_str("{SHA256}");
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// A header's value as it may be logged: hashed when it is a credential (by name, or marked
/// sensitive by whoever set it), as is otherwise.
pub fn header_value(name: &str, value: &HeaderValue) -> String {
    if value.is_sensitive() || SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        hash(value.as_bytes())
    } else {
        String::from_utf8_lossy(value.as_bytes()).into_owned()
    }
}

/// A request or response body as it may be logged. JSON is returned as received unless it held
/// a secret, in which case it is re-serialised with the secrets masked; anything else is
/// returned as text.
pub fn body(bytes: &[u8]) -> String {
    if let Ok(mut value) = serde_json::from_slice::<Value>(bytes) {
        if mask_secrets(&mut value) {
            return value.to_string();
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEY_PARTS.iter().any(|part| key.contains(part))
        || ends_with_word(&key, &SECRET_KEY_WORDS)
}

fn ends_with_word(key: &str, words: &[&str]) -> bool {
    words.iter().any(|word| {
        key == *word
            || key
                .strip_suffix(word)
                .is_some_and(|head| head.ends_with('_'))
    })
}

/// `text` with the `user:password@` of every URL in it removed.
pub fn without_userinfo(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('@') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("://") {
        let (head, tail) = rest.split_at(start + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '\'' | '"' | '`' | ')' | '>') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(at) => out.push_str(&authority[at + 1..]),
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out.into()
}

/// Masks secret members anywhere in `value`; true if anything was masked.
fn mask_secrets(value: &mut Value) -> bool {
    let mut masked = false;
    match value {
        Value::Object(members) => {
            for (key, member) in members.iter_mut() {
                if is_secret_key(key) {
                    masked |= mask_secret_member(member);
                } else if ends_with_word(&key.to_ascii_lowercase(), &SECRET_SCALAR_WORDS)
                    && matches!(member, Value::String(_) | Value::Number(_))
                {
                    *member = Value::String(MASK.into());
                    masked = true;
                }
                masked |= mask_secrets(member);
            }
        }
        Value::Array(items) => {
            for item in items {
                masked |= mask_secrets(item);
            }
        }
        _ => {}
    }
    masked
}

/// The value of a secret member: a scalar is masked. An object is not masked whole, because
/// Keystone's token response is `{"token": {...}}` holding the catalog one needs to see; but
/// its `id` is, because that is where token authentication puts the token
/// (`{"token": {"id": "<token>"}}`).
fn mask_secret_member(member: &mut Value) -> bool {
    match member {
        Value::String(_) | Value::Number(_) => {
            *member = Value::String(MASK.into());
            true
        }
        Value::Object(inner) => match inner.get_mut("id") {
            Some(id @ (Value::String(_) | Value::Number(_))) => {
                *id = Value::String(MASK.into());
                true
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn masked(value: Value) -> Value {
        serde_json::from_str(&body(value.to_string().as_bytes())).unwrap()
    }

    #[test]
    fn tokens_in_headers_are_hashed_like_keystoneauth() {
        // sha256("abc"), as `printf abc | sha256sum` gives it.
        let expected = "{SHA256}ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let value = HeaderValue::from_static("abc");
        assert_eq!(header_value("X-Auth-Token", &value), expected);
        assert_eq!(header_value("x-subject-token", &value), expected);
        let mut marked = HeaderValue::from_static("abc");
        marked.set_sensitive(true);
        assert_eq!(header_value("x-anything", &marked), expected);
        assert_eq!(header_value("Accept", &value), "abc");
    }

    #[test]
    fn keystone_request_secrets_are_masked() {
        let password = json!({"auth": {"identity": {"methods": ["password"], "password": {
            "user": {"name": "admin", "domain": {"name": "Default"}, "password": "pw"}}}}});
        let out = masked(password);
        assert_eq!(
            out["auth"]["identity"]["password"]["user"]["password"],
            MASK
        );
        assert_eq!(out["auth"]["identity"]["password"]["user"]["name"], "admin");
        assert_eq!(out["auth"]["identity"]["methods"][0], "password");

        let token = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "gAAAA"}}}});
        assert_eq!(masked(token)["auth"]["identity"]["token"]["id"], MASK);

        let credential = json!({"auth": {"identity": {"methods": ["application_credential"],
            "application_credential": {"id": "c1", "secret": "s3cret"}}}});
        let out = masked(credential);
        assert_eq!(
            out["auth"]["identity"]["application_credential"]["secret"],
            MASK
        );
        assert_eq!(
            out["auth"]["identity"]["application_credential"]["id"],
            "c1"
        );
    }

    #[test]
    fn the_keystone_catalog_stays_readable() {
        let response = json!({"token": {"methods": ["password"], "user": {"id": "u1"},
            "catalog": [{"type": "block-storage", "endpoints": [{"url": "http://c/v3/p"}]}]}});
        let text = response.to_string();
        assert_eq!(
            body(text.as_bytes()),
            text,
            "nothing to mask, so byte for byte"
        );
    }

    #[test]
    fn nested_and_listed_secrets_are_masked() {
        let out = masked(json!({"connection_info": {"data": {"auth_password": "chap",
            "auth_username": "u"}}, "items": [{"name": "x"}, {"secret": 42}]}));
        assert_eq!(out["connection_info"]["data"]["auth_password"], MASK);
        assert_eq!(out["connection_info"]["data"]["auth_username"], "u");
        assert_eq!(out["items"][0]["name"], "x");
        assert_eq!(out["items"][1]["secret"], MASK);
    }

    #[test]
    fn keys_and_credentials_in_cinder_answers_are_masked() {
        let out = masked(json!({
            "connection_info": {"data": {"keyring": "AQBq==", "auth_enabled": true,
                "name": "volumes/v1", "secret_type": "ceph", "secret_uuid": "u"}},
            "transfer": {"id": "t1", "auth_key": "a1b2c3"},
            "backup": {"encryption_key": "k", "encryption_key_id": "kid"},
            "x": {"private_key": "-----BEGIN", "secret_access_key": "s", "access_key": "a",
                "credential": "c", "ec2_credential": "e", "Keyring": "K"},
            "auth": {"application_credential": {"id": "c1", "secret": "s"}},
        }));
        assert_eq!(out["connection_info"]["data"]["keyring"], MASK);
        assert_eq!(out["connection_info"]["data"]["name"], "volumes/v1");
        assert_eq!(out["transfer"]["auth_key"], MASK);
        assert_eq!(out["transfer"]["id"], "t1");
        assert_eq!(out["backup"]["encryption_key"], MASK);
        assert_eq!(out["backup"]["encryption_key_id"], "kid");
        for key in [
            "private_key",
            "secret_access_key",
            "access_key",
            "credential",
            "ec2_credential",
            "Keyring",
        ] {
            assert_eq!(out["x"][key], MASK, "{key}");
        }
        assert_eq!(out["auth"]["application_credential"]["id"], "c1");
        assert_eq!(out["auth"]["application_credential"]["secret"], MASK);
    }

    #[test]
    fn transfer_auth_keys_never_reach_the_log() {
        // transfer-accept's request (Cinder's schema takes a string or an integer key) and the
        // create answers of both routes (the only place the key is shown).
        for request in [
            json!({"accept": {"auth_key": "9266c59563c84664"}}),
            json!({"accept": {"auth_key": 9266559563846640_u64}}),
        ] {
            let logged = body(request.to_string().as_bytes());
            assert!(!logged.contains("9266"), "{logged}");
            assert_eq!(masked(request)["accept"]["auth_key"], MASK);
        }
        let answer = br#"{"transfer": {"id": "3d26db0c", "auth_key": "dbccabcdbad19e07",
            "name": "first volume", "volume_id": "59fe2097", "no_snapshots": false}}"#;
        let logged = body(answer);
        assert!(!logged.contains("dbccabcdbad19e07"), "{logged}");
        assert!(logged.contains("3d26db0c") && logged.contains("first volume"));
    }

    #[test]
    fn user_and_password_are_removed_from_urls() {
        assert_eq!(
            without_userinfo("cannot reach Keystone at http://admin:pw@k:5000/v3/auth/tokens: x"),
            "cannot reach Keystone at http://k:5000/v3/auth/tokens: x"
        );
        assert_eq!(
            without_userinfo("'https://u@h' and http://h/p@q?x=a@b, https://a:b@c"),
            "'https://h' and http://h/p@q?x=a@b, https://c"
        );
        assert_eq!(without_userinfo("mail me@host"), "mail me@host");
    }

    #[test]
    fn non_json_bodies_are_shown_as_text() {
        assert_eq!(body(b"<html>502</html>"), "<html>502</html>");
        assert_eq!(body(b""), "");
    }
}
