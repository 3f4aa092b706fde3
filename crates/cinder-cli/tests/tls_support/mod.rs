//! TLS for the tests: a throwaway certificate authority made with rcgen, the certificates it
//! signs written as PEM files to a scratch folder, and (in [`proxy`]) a TLS-terminating proxy
//! in front of the local cloud's Keystone and Cinder.

#![allow(dead_code)]

pub mod proxy;

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it.
pub struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
    server: (CertificateDer<'static>, Vec<u8>),
    /// The folder holding the PEM files.
    pub dir: PathBuf,
}

/// A certificate and its key.
pub struct Leaf {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// Its private key, PKCS#8 PEM.
    pub key_pem: String,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::default();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn leaf(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> (rcgen::Certificate, KeyPair) {
    sign(issuer, leaf_params(names, usage))
}

fn leaf_params(names: &[&str], usage: ExtendedKeyUsagePurpose) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names.clone()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, &names[0]);
    params.extended_key_usages = vec![usage];
    params
}

fn sign(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    params: CertificateParams,
) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    (params.signed_by(&key, issuer).unwrap(), key)
}

/// What is wrong with the server certificate of a [`Pki::with_server`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ServerCert {
    /// Nothing: valid now, for 127.0.0.1 and localhost.
    Good,
    /// Its validity ended in 2001.
    Expired,
    /// Made for another host name.
    OtherName,
}

impl Pki {
    /// A new CA and server certificate, with the folder `target/test-scratch/<name>-...`.
    pub fn new(workspace: &Path, name: &str) -> Pki {
        Pki::with_server(workspace, name, ServerCert::Good)
    }

    /// A new CA and a server certificate with the given flaw.
    pub fn with_server(workspace: &Path, name: &str, flaw: ServerCert) -> Pki {
        let ca = ca("cinder-rs test CA");
        let names: &[&str] = match flaw {
            ServerCert::OtherName => &["cinder.example.org"],
            _ => &["127.0.0.1", "localhost"],
        };
        let mut params = leaf_params(names, ExtendedKeyUsagePurpose::ServerAuth);
        if flaw == ServerCert::Expired {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let (cert, key) = sign(&ca, params);
        let dir = workspace.join("target/test-scratch").join(format!(
            "{name}-{}-{}",
            std::process::id(),
            nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let pki = Pki {
            server: (cert.der().clone(), key.serialize_der()),
            ca,
            dir,
        };
        pki.write("ca.pem", &pki.ca.pem());
        pki
    }

    /// Writes `contents` to `name` in the scratch folder, readable by its owner only (keys,
    /// clouds.yaml with a password), and returns its path.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    /// The CA certificate's PEM file.
    pub fn ca_pem(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The CA certificate, to trust client certificates it signed.
    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.ca.der().clone()
    }

    /// The server certificate and its key, for the proxy.
    pub fn server_identity(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = PrivatePkcs8KeyDer::from(self.server.1.clone());
        (vec![self.server.0.clone()], key.into())
    }

    /// A client certificate signed by this CA.
    pub fn client(&self, name: &str) -> Leaf {
        let (cert, key) = leaf(&self.ca, &[name], ExtendedKeyUsagePurpose::ClientAuth);
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// A client certificate signed by a CA nobody trusts.
    pub fn stranger(name: &str) -> Leaf {
        let other = ca("a stranger's CA");
        let (cert, key) = leaf(&other, &[name], ExtendedKeyUsagePurpose::ClientAuth);
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// The local cloud's Keystone and Cinder behind one TLS proxy each, with the server
/// certificate of a [`Pki`].
pub struct TlsCloud {
    /// In front of Keystone.
    pub keystone: proxy::TlsProxy,
    /// In front of Cinder.
    pub cinder: proxy::TlsProxy,
}

impl TlsCloud {
    /// Proxies to the given ports; with `require_client_cert`, only clients with a certificate
    /// from `pki`'s CA get through.
    pub fn start(
        pki: &Pki,
        keystone_port: u16,
        cinder_port: u16,
        require_client_cert: bool,
    ) -> Self {
        let client_ca = require_client_cert.then(|| pki.ca_der());
        TlsCloud {
            keystone: proxy::TlsProxy::start(
                keystone_port,
                pki.server_identity(),
                client_ca.clone(),
            ),
            cinder: proxy::TlsProxy::start(cinder_port, pki.server_identity(), client_ca),
        }
    }

    /// `https://127.0.0.1:PORT/v3`, Keystone's URL through its proxy.
    pub fn auth_url(&self) -> String {
        format!("{}/v3", self.keystone.url())
    }

    /// Cinder's project endpoint through its proxy (the catalog names the plain-HTTP one).
    pub fn endpoint(&self, project: &str) -> String {
        format!("{}/v3/{project}", self.cinder.url())
    }

    /// Options pointing the cloud's settings at the proxies, without the token cache (every
    /// run then talks TLS to Keystone too).
    pub fn args(&self, project: &str) -> Vec<String> {
        vec![
            "--no-cache".into(),
            "--os-auth-url".into(),
            self.auth_url(),
            "--os-endpoint".into(),
            self.endpoint(project),
        ]
    }

    /// Connections that got through the TLS handshake, on both proxies.
    pub fn forwarded(&self) -> usize {
        self.keystone.forwarded() + self.cinder.forwarded()
    }
}

/// A clouds.yaml in `pki`'s folder with one cloud, `tls`: cloud `local` of `clouds_yaml`
/// pointed at `cloud`'s proxies, plus `settings` (e.g. `cacert: ...`).
pub fn clouds_yaml_for(
    pki: &Pki,
    clouds_yaml: &Path,
    cloud: &TlsCloud,
    project: &str,
    settings: serde_json::Value,
) -> PathBuf {
    let text = std::fs::read_to_string(clouds_yaml).unwrap();
    let all: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let mut tls = all["clouds"]["local"].clone();
    tls["auth"]["auth_url"] = cloud.auth_url().into();
    tls["block_storage_endpoint_override"] = cloud.endpoint(project).into();
    for (key, value) in settings.as_object().unwrap() {
        tls[key] = value.clone();
    }
    let file = serde_json::json!({ "clouds": { "tls": tls } });
    pki.write("clouds.yaml", &serde_norway::to_string(&file).unwrap())
}
