//! Secrets never show: commands that succeed and commands that fail (wrong password, wrong
//! application-credential secret, invalid token, unreachable endpoint, untrusted TLS
//! certificate) all run with --debug, and nothing they print holds the password, a token, an
//! application-credential secret, or a wrong guess at one of them.

mod common;
mod tls_support;

use common::*;
use serde_json::{json, Value};
use tls_support::{Pki, TlsCloud};

/// A port nothing listens on (bound, then released).
fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A run: what it shows, the cloud (if any), more environment, options before the command,
/// and whether it succeeds.
struct Case<'a>(
    &'a str,
    Option<&'a str>,
    Vec<(&'a str, &'a str)>,
    Vec<&'a str>,
    bool,
);

/// An application credential of the admin user with a secret of our choosing; deleted when
/// dropped.
struct AppCredential {
    identity: String,
    user: String,
    admin_token: String,
    id: String,
    secret: String,
}

impl AppCredential {
    async fn create(identity: &str, admin_token: &str, user: &str) -> Self {
        let secret = format!("{}-Secret", unique("appcred"));
        let created: Value = reqwest::Client::new()
            .post(format!("{identity}/users/{user}/application_credentials"))
            .header("X-Auth-Token", admin_token)
            .json(&json!({"application_credential": {"name": unique("appcred"), "secret": secret}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        AppCredential {
            identity: identity.into(),
            user: user.into(),
            admin_token: admin_token.into(),
            id: created["application_credential"]["id"]
                .as_str()
                .unwrap()
                .into(),
            secret,
        }
    }
}

impl Drop for AppCredential {
    fn drop(&mut self) {
        let url = format!(
            "{}/users/{}/application_credentials/{}",
            self.identity, self.user, self.id
        );
        let token = self.admin_token.clone();
        // Drop cannot await: a short-lived runtime of its own, on another thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let _ = reqwest::Client::new()
                    .delete(url)
                    .header("X-Auth-Token", token)
                    .send()
                    .await;
            });
        })
        .join();
    }
}

#[tokio::test]
async fn debug_output_of_good_and_bad_runs_holds_no_secret() {
    require_cloud();
    let auth = admin_auth();
    let password = auth["password"].as_str().unwrap().to_string();
    let identity = auth["auth_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let (token, project, user) = keystone_token(&auth).await;
    let credential = AppCredential::create(&identity, &token, &user).await;
    let endpoint = format!("http://127.0.0.1:{}/v3/{project}", cinder_port());
    let nowhere = format!("http://127.0.0.1:{}/v3/{project}", closed_port());
    let pki = Pki::new(&workspace(), "secrets-tls");
    let tls = TlsCloud::start(&pki, keystone_port(), cinder_port(), false);
    let tls_args = tls.args(&project);
    let tls_args: Vec<&str> = tls_args.iter().map(String::as_str).collect();
    let wrong_password = format!("{}-Wrong", unique("password"));
    let wrong_secret = format!("{}-Wrong", unique("secret"));
    let invalid_token = format!("gAAAAA{}", unique("token").replace('-', "x"));
    let app = |secret: &str, auth_url: &str| -> Vec<String> {
        [
            "--os-auth-type",
            "v3applicationcredential",
            "--os-auth-url",
            auth_url,
            "--os-application-credential-id",
            &credential.id,
            "--os-application-credential-secret",
            secret,
        ]
        .map(String::from)
        .to_vec()
    };
    let good_app = app(&credential.secret, &identity);
    let bad_app = app(&wrong_secret, &identity);
    let tls_app = app(&credential.secret, &tls.auth_url());
    let tls_endpoint = tls.endpoint(&project);

    let cases = vec![
        Case("password", Some("local"), vec![], vec![], true),
        Case(
            "wrong password",
            Some("local"),
            vec![("OS_PASSWORD", &wrong_password)],
            vec![],
            false,
        ),
        Case(
            "password, endpoint down",
            Some("local"),
            vec![],
            vec!["--os-endpoint", &nowhere],
            false,
        ),
        Case(
            "password, untrusted TLS",
            Some("local"),
            vec![],
            tls_args.clone(),
            false,
        ),
        Case(
            "password, --insecure",
            Some("local"),
            vec![],
            [&tls_args[..], &["--insecure"]].concat(),
            true,
        ),
        Case(
            "token and endpoint",
            None,
            vec![],
            vec!["--os-token", &token, "--os-endpoint", &endpoint],
            true,
        ),
        Case(
            "token, endpoint down",
            None,
            vec![("OS_TOKEN", &token)],
            vec!["--os-endpoint", &nowhere],
            false,
        ),
        Case(
            "token, untrusted TLS",
            None,
            vec![],
            vec!["--os-token", &token, "--os-endpoint", &tls_endpoint],
            false,
        ),
        Case(
            "invalid token",
            None,
            vec![],
            vec!["--os-token", &invalid_token, "--os-endpoint", &endpoint],
            false,
        ),
        Case(
            "token re-scoped",
            None,
            vec![],
            vec![
                "--os-auth-type",
                "token",
                "--os-auth-url",
                &identity,
                "--os-token",
                &token,
                "--os-project-id",
                &project,
            ],
            true,
        ),
        Case(
            "application credential",
            None,
            vec![],
            strs(&good_app),
            true,
        ),
        Case(
            "wrong credential secret",
            None,
            vec![],
            strs(&bad_app),
            false,
        ),
        Case(
            "credential, untrusted TLS",
            None,
            vec![],
            strs(&tls_app),
            false,
        ),
        Case(
            "credential secret in the environment",
            None,
            vec![("OS_APPLICATION_CREDENTIAL_SECRET", &wrong_secret)],
            strs(&bad_app)[..6].to_vec(),
            false,
        ),
    ];
    let mut outputs = Vec::new();
    for Case(what, cloud, env, options, succeeds) in cases {
        let mut args = vec!["--debug"];
        if !options.contains(&"--no-cache") {
            args.push("--no-cache");
        }
        args.extend(options);
        args.push("list");
        let run = run_with_env(cloud, &env, &args);
        assert_eq!(
            run.code == Some(0),
            succeeds,
            "{what}: {}\n{}",
            run.stdout,
            run.stderr
        );
        if succeeds {
            assert!(run.stdout.contains("| ID"), "{what}: {}", run.stdout);
        } else {
            assert!(run.stderr.contains("ERROR: "), "{what}: {}", run.stderr);
        }
        // The debug log was on: requests were shown, only without their secrets.
        assert!(run.stderr.contains("REQ: curl"), "{what}: {}", run.stderr);
        outputs.push((what, run.stdout + &run.stderr));
    }
    // The secrets were in what was logged, masked there.
    let output_of = |what: &str| &outputs.iter().find(|(w, _)| *w == what).unwrap().1;
    for (what, masked) in [
        ("wrong password", r#""password":"***""#),
        ("wrong credential secret", r#""secret":"***""#),
        ("invalid token", "-H 'X-Auth-Token: {SHA256}"),
        ("token re-scoped", r#""token":{"id":"***"}"#),
    ] {
        assert!(
            output_of(what).contains(masked),
            "{what}: {}",
            output_of(what)
        );
    }
    let secrets = [
        ("the password", password.as_str()),
        ("a wrong password", wrong_password.as_str()),
        ("the token", token.as_str()),
        ("an invalid token", invalid_token.as_str()),
        (
            "the application credential secret",
            credential.secret.as_str(),
        ),
        ("a wrong secret", wrong_secret.as_str()),
    ];
    for (what, output) in &outputs {
        for (name, secret) in secrets {
            assert!(!output.contains(secret), "{what}: {name} leaked:\n{output}");
        }
        assert!(
            longest_token_like_run(output) < 100,
            "{what}: something token-like:\n{output}"
        );
        assert!(!output.contains("panicked"), "{what}:\n{output}");
    }
}
