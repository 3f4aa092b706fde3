//! TLS verification against the real Keystone and Cinder behind local HTTPS proxies whose
//! certificate comes from a CA made for the test: an unknown CA is refused before anything is
//! sent, the CA given with --os-cacert, OS_CACERT or clouds.yaml's `cacert` is trusted, and
//! --insecure (or `verify: false`) works but always says so on stderr, and without any of
//! them the system's trust store decides.

mod common;
mod tls_support;

use common::*;
use serde_json::json;
use tls_support::{clouds_yaml_for, Pki, ServerCert, TlsCloud};

fn with_args<'a>(first: &'a [String], rest: &[&'a str]) -> Vec<&'a str> {
    first
        .iter()
        .map(String::as_str)
        .chain(rest.iter().copied())
        .collect()
}

async fn project() -> String {
    keystone_token(&admin_auth()).await.1
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-unknown-ca");
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), false);
    let project = project().await;

    // Keystone first: the password is never sent.
    let args = cloud.args(&project);
    let run = run(&with_args(&args, &["list"]));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let host = cloud.keystone.url().replace("https://", "");
    assert!(
        run.stderr.starts_with("ERROR: ")
            && run
                .stderr
                .contains(&format!("TLS certificate of {host} is not trusted"))
            && run
                .stderr
                .contains("not signed by a trusted certificate authority"),
        "{}",
        run.stderr
    );

    // Cinder alone (a token and its endpoint): the same refusal, naming Cinder's proxy.
    let (token, _, _) = keystone_token(&admin_auth()).await;
    let endpoint = cloud.endpoint(&project);
    let run = run_as(
        None,
        &["--os-token", &token, "--os-endpoint", &endpoint, "list"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let host = cloud.cinder.url().replace("https://", "");
    assert!(
        run.stderr
            .contains(&format!("TLS certificate of {host} is not trusted")),
        "{}",
        run.stderr
    );
    assert_eq!(cloud.forwarded(), 0, "a request went through");
}

/// Signed by the CA given with --os-cacert, yet refused: expired, or made for another name.
#[tokio::test]
async fn an_expired_or_misnamed_certificate_is_refused_even_from_a_trusted_ca() {
    require_cloud();
    let project = project().await;
    for (flaw, why) in [
        (ServerCert::Expired, "it has expired"),
        (ServerCert::OtherName, "it is not valid for that name"),
    ] {
        let pki = Pki::with_server(&workspace(), "tls-flawed", flaw);
        let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), false);
        let ca = pki.ca_pem();
        let args = cloud.args(&project);
        let run = run(&with_args(
            &args,
            &["--os-cacert", ca.to_str().unwrap(), "list"],
        ));
        assert_eq!(run.code, Some(1), "{why}: {}", run.stdout);
        let host = cloud.keystone.url().replace("https://", "");
        assert!(
            run.stderr
                .contains(&format!("TLS certificate of {host} is not trusted"))
                && run.stderr.contains(why),
            "{why}: {}",
            run.stderr
        );
        assert_eq!(cloud.forwarded(), 0, "{why}: a request went through");
    }
}

#[tokio::test]
async fn the_ca_given_as_option_variable_or_clouds_yaml_is_trusted() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-cacert");
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), false);
    let project = project().await;
    let ca = pki.ca_pem();
    let ca = ca.to_str().unwrap();
    let args = cloud.args(&project);

    let by_option = run(&with_args(&args, &["--os-cacert", ca, "list"]));
    let by_variable = run_with_env(
        Some("local"),
        &[("OS_CACERT", ca)],
        &with_args(&args, &["list"]),
    );
    let clouds = clouds_yaml_for(
        &pki,
        &clouds_yaml(),
        &cloud,
        &project,
        json!({"cacert": ca}),
    );
    let by_file = run_with_env(
        Some("tls"),
        &[("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap())],
        &["--no-cache", "list"],
    );
    for (how, run) in [
        ("option", by_option),
        ("variable", by_variable),
        ("clouds.yaml", by_file),
    ] {
        assert_eq!(run.code, Some(0), "{how}: {}", run.stderr);
        assert!(run.stdout.contains("| ID"), "{how}: {}", run.stdout);
        assert!(!run.stderr.contains("WARNING"), "{how}: {}", run.stderr);
    }
    // Keystone's token and Cinder's version document and list, three times over.
    assert!(cloud.keystone.forwarded() >= 3 && cloud.cinder.forwarded() >= 3);
}

/// With no CA option the system's trust store is used, read at the first handshake rather than
/// at start-up (crates/cinder-client/src/lazy_roots.rs): a store that holds the test CA
/// (`SSL_CERT_FILE`, which the platform verifier honours on Linux) is trusted.
#[tokio::test]
async fn the_system_trust_store_is_read_at_the_first_handshake() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-system-store");
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), false);
    let project = project().await;
    let args = cloud.args(&project);
    let store = pki.ca_pem();

    let run = run_with_env(
        Some("local"),
        &[("SSL_CERT_FILE", store.to_str().unwrap())],
        &with_args(&args, &["list"]),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("| ID"), "{}", run.stdout);
    assert!(!run.stderr.contains("WARNING"), "{}", run.stderr);
    assert!(cloud.keystone.forwarded() >= 1 && cloud.cinder.forwarded() >= 1);
}

#[tokio::test]
async fn insecure_connects_without_verifying_and_always_warns() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-insecure");
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), false);
    let project = project().await;
    let args = cloud.args(&project);
    let warning = "WARNING: TLS certificates are not verified";

    let plain = run(&with_args(&args, &["--insecure", "list"]));
    let debug = run(&with_args(&args, &["--insecure", "--debug", "list"]));
    let clouds = clouds_yaml_for(
        &pki,
        &clouds_yaml(),
        &cloud,
        &project,
        json!({"verify": false}),
    );
    let by_file = run_with_env(
        Some("tls"),
        &[("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap())],
        &["--no-cache", "list"],
    );
    for (how, run) in [
        ("--insecure", plain),
        ("--debug", debug),
        ("verify: false", by_file),
    ] {
        assert_eq!(run.code, Some(0), "{how}: {}", run.stderr);
        assert!(run.stdout.contains("| ID"), "{how}: {}", run.stdout);
        assert_eq!(
            run.stderr.matches(warning).count(),
            1,
            "{how}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("WARNING"), "{how}: {}", run.stdout);
    }

    // Verification stays on by default: the same cloud without the option is refused.
    let run = run(&with_args(&args, &["list"]));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!run.stderr.contains(warning), "{}", run.stderr);
}

#[test]
fn a_ca_bundle_that_is_not_pem_is_named() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-bad-ca");
    let garbage = pki.write("garbage.pem", "this is not a certificate\n");
    let truncated = pki.write(
        "truncated.pem",
        "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBBQUAMA0x\n",
    );
    for (file, says) in [
        (&garbage, "holds no PEM certificate"),
        (&truncated, "is not a valid PEM file"),
    ] {
        let path = file.to_str().unwrap();
        let run = run(&["--no-cache", "--os-cacert", path, "list"]);
        assert_eq!(run.code, Some(1), "{}", run.stdout);
        assert!(
            run.stderr.contains(path) && run.stderr.contains(says),
            "{}",
            run.stderr
        );
    }
}
