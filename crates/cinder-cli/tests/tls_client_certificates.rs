//! TLS client certificates, against the real Keystone and Cinder behind local HTTPS proxies
//! that require a certificate from the test's CA: refused without one or with a stranger's,
//! accepted from --os-cert/--os-key (split files or one), OS_CERT/OS_KEY and clouds.yaml's
//! `cert`/`key`; a wrong or garbled file is named before anything is sent.

mod common;
mod tls_support;

use common::*;
use serde_json::json;
use tls_support::{clouds_yaml_for, Pki, TlsCloud};

/// The cloud's options, the CA trusted, then `rest`.
fn args<'a>(cloud_args: &'a [String], ca: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut all: Vec<&str> = cloud_args.iter().map(String::as_str).collect();
    all.extend(["--os-cacert", ca]);
    all.extend(rest);
    all
}

fn assert_lists(how: &str, run: &Run) {
    assert_eq!(run.code, Some(0), "{how}: {}", run.stderr);
    assert!(run.stdout.contains("| ID"), "{how}: {}", run.stdout);
}

fn assert_fails_with(how: &str, run: &Run, needles: &[&str]) {
    assert_eq!(run.code, Some(1), "{how}: {}", run.stdout);
    assert!(run.stderr.starts_with("ERROR: "), "{how}: {}", run.stderr);
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "{how}: no {needle:?} in {}",
            run.stderr
        );
    }
}

#[tokio::test]
async fn a_server_requiring_a_client_certificate_gets_one_from_any_setting() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-client-ok");
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), true);
    let project = keystone_token(&admin_auth()).await.1;
    let cloud_args = cloud.args(&project);
    let ca = pki.ca_pem();
    let ca = ca.to_str().unwrap();

    let client = pki.client("cinder-rs test client");
    let cert = pki.write("client.pem", &client.cert_pem);
    let key = pki.write("client.key", &client.key_pem);
    let both = pki.write(
        "client-and-key.pem",
        &(client.cert_pem.clone() + &client.key_pem),
    );
    let (cert, key, both) = (
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
        both.to_str().unwrap(),
    );

    let split = run(&args(
        &cloud_args,
        ca,
        &["--os-cert", cert, "--os-key", key, "list"],
    ));
    assert_lists("--os-cert and --os-key", &split);
    let one_file = run(&args(&cloud_args, ca, &["--os-cert", both, "list"]));
    assert_lists("--os-cert with the key inside", &one_file);
    let variables = run_with_env(
        Some("local"),
        &[("OS_CERT", cert), ("OS_KEY", key)],
        &args(&cloud_args, ca, &["list"]),
    );
    assert_lists("OS_CERT and OS_KEY", &variables);
    let settings = json!({"cacert": ca, "cert": cert, "key": key});
    let clouds = clouds_yaml_for(&pki, &clouds_yaml(), &cloud, &project, settings);
    let from_file = run_with_env(
        Some("tls"),
        &[("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap())],
        &["--no-cache", "list"],
    );
    assert_lists("clouds.yaml cert and key", &from_file);
}

#[tokio::test]
async fn no_certificate_or_a_strangers_is_refused_by_the_server() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-client-refused");
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), true);
    let project = keystone_token(&admin_auth()).await.1;
    let cloud_args = cloud.args(&project);
    let ca = pki.ca_pem();
    let ca = ca.to_str().unwrap();
    let keystone = cloud.keystone.url().replace("https://", "");

    let none = run(&args(&cloud_args, ca, &["list"]));
    assert_fails_with(
        "no certificate",
        &none,
        &[
            &keystone,
            "requires a TLS client certificate and none was sent",
        ],
    );

    let stranger = Pki::stranger("someone else");
    let both = pki.write("stranger.pem", &(stranger.cert_pem + &stranger.key_pem));
    let refused = run(&args(
        &cloud_args,
        ca,
        &["--os-cert", both.to_str().unwrap(), "list"],
    ));
    assert_fails_with(
        "a stranger's certificate",
        &refused,
        &[&keystone, "refused the TLS client certificate"],
    );
    assert_eq!(cloud.forwarded(), 0, "a request went through");
}

#[test]
fn a_wrong_or_garbled_certificate_file_is_named_before_anything_is_sent() {
    require_cloud();
    let pki = Pki::new(&workspace(), "tls-client-bad");
    let client = pki.client("cinder-rs test client");
    let other = pki.client("another client");
    let cert = pki.write("client.pem", &client.cert_pem);
    let key = pki.write("client.key", &client.key_pem);
    let wrong_key = pki.write("other.key", &other.key_pem);
    let garbled = pki.write("garbled.pem", &client.cert_pem.replace('M', "*"));
    let text = pki.write("text.pem", "not a certificate at all\n");
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let (wrong_key, garbled, text) = (
        wrong_key.to_str().unwrap(),
        garbled.to_str().unwrap(),
        text.to_str().unwrap(),
    );
    let missing = "/nonexistent/client.pem";
    // Were anything sent, it would get through these proxies and be counted.
    let cloud = TlsCloud::start(&pki, keystone_port(), cinder_port(), true);
    let cloud_args = cloud.args("any-project");
    let ca = pki.ca_pem();
    let ca = ca.to_str().unwrap();

    let cases: [(&str, Vec<&str>, Vec<&str>); 6] = [
        (
            "garbled",
            vec!["--os-cert", garbled, "--os-key", key],
            vec![garbled, "is not a valid PEM file"],
        ),
        (
            "not PEM",
            vec!["--os-cert", text, "--os-key", key],
            vec![text, "holds no PEM certificate"],
        ),
        (
            "no key",
            vec!["--os-cert", cert],
            vec![cert, "holds no private key"],
        ),
        (
            "key as cert",
            vec!["--os-cert", key, "--os-key", key],
            vec![key, "holds no PEM certificate"],
        ),
        (
            "another key",
            vec!["--os-cert", cert, "--os-key", wrong_key],
            vec![wrong_key, "does not belong to the client certificate", cert],
        ),
        (
            "missing",
            vec!["--os-cert", missing, "--os-key", key],
            vec![missing, "cannot read the client certificate"],
        ),
    ];
    for (how, mut options, needles) in cases {
        options.push("list");
        assert_fails_with(how, &run(&args(&cloud_args, ca, &options)), &needles);
    }
    let run = run(&args(&cloud_args, ca, &["--os-key", key, "list"]));
    assert_fails_with("a key alone", &run, &[key, "without its certificate"]);
    assert_eq!(cloud.forwarded(), 0, "a request went through");
}
