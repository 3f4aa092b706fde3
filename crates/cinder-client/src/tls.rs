//! TLS: the CA bundle and the client certificate of the configuration, checked when the HTTP
//! client is built so that a wrong file is named before anything is sent. (TLS failures are
//! told in words by [`crate::transport`].)

use std::path::Path;

use rustls::pki_types::pem::{PemObject, SectionKind};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};

/// A PEM block: its kind (from the `-----BEGIN ...-----` line) and its DER bytes.
type Section = (SectionKind, Vec<u8>);

/// The PEM sections of the file at `path` (a `what`), and its bytes.
fn pem_file(path: &Path, what: &str) -> Result<(Vec<u8>, Vec<Section>)> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Config(format!("cannot read the {what} {}: {e}", path.display())))?;
    let sections = <Section>::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::Config(format!(
                "the {what} {} is not a valid PEM file: {}",
                path.display(),
                pem_problem(&e)
            ))
        })?;
    Ok((bytes, sections))
}

/// A PEM syntax error in words (the library's own message shows bytes as numbers).
fn pem_problem(error: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error as Pem;
    match error {
        Pem::MissingSectionEnd { end_marker } => format!(
            "its -----BEGIN {0}----- block has no -----END {0}----- line",
            String::from_utf8_lossy(end_marker)
        ),
        Pem::IllegalSectionStart { line } => {
            format!("malformed line {:?}", String::from_utf8_lossy(line))
        }
        Pem::Base64Decode(_) => "a block is not valid base64".into(),
        other => other.to_string(),
    }
}

/// The certificates of the PEM bundle at `path`, each checked to be a usable trust anchor.
pub(crate) fn ca_bundle(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let (_, sections) = pem_file(path, "CA bundle")?;
    let mut store = rustls::RootCertStore::empty();
    let mut certificates = Vec::new();
    for (_, der) in sections
        .iter()
        .filter(|(k, _)| *k == SectionKind::Certificate)
    {
        let unusable = |e: &dyn std::fmt::Display| {
            Error::Config(format!(
                "the CA bundle {} holds a certificate that cannot be used: {e}",
                path.display()
            ))
        };
        store
            .add(CertificateDer::from(der.as_slice()))
            .map_err(|e| unusable(&e))?;
        certificates.push(reqwest::Certificate::from_der(der).map_err(|e| unusable(&e))?);
    }
    if certificates.is_empty() {
        return Err(Error::Config(format!(
            "the CA bundle {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        )));
    }
    Ok(certificates)
}

/// The TLS client identity from a PEM certificate (chain) and its private key, in the same
/// file or in `key`; the key must belong to the certificate.
pub(crate) fn client_identity(cert: &Path, key: Option<&Path>) -> Result<reqwest::Identity> {
    let (mut pem, cert_sections) = pem_file(cert, "client certificate")?;
    let (key_path, key_sections) = match key {
        Some(key) => {
            let (key_pem, sections) = pem_file(key, "client key")?;
            pem.push(b'\n');
            pem.extend(key_pem);
            (key, sections)
        }
        None => (cert, Vec::new()),
    };
    let mut chain = Vec::new();
    let mut keys = Vec::new();
    for (path, (kind, der)) in cert_sections
        .into_iter()
        .map(|s| (cert, s))
        .chain(key_sections.into_iter().map(|s| (key_path, s)))
    {
        match kind {
            SectionKind::Certificate => chain.push(CertificateDer::from(der)),
            SectionKind::PrivateKey => keys.push(PrivateKeyDer::Pkcs8(der.into())),
            SectionKind::RsaPrivateKey => keys.push(PrivateKeyDer::Pkcs1(der.into())),
            SectionKind::EcPrivateKey => keys.push(PrivateKeyDer::Sec1(der.into())),
            other => {
                return Err(Error::Config(format!(
                    "{} holds a {other:?} PEM section; a client certificate and its key may \
                     come with certificates and one private key only",
                    path.display()
                )))
            }
        }
    }
    if chain.is_empty() {
        return Err(Error::Config(format!(
            "the client certificate {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            cert.display()
        )));
    }
    let key_der = match (keys.pop(), keys.is_empty(), key) {
        (Some(key), true, _) => key,
        (Some(_), false, _) => {
            return Err(Error::Config(format!(
                "{} holds more than one private key; keep the client certificate's only",
                key_path.display()
            )))
        }
        (None, _, Some(key)) => {
            return Err(Error::Config(format!(
                "the client key {} holds no PEM private key (-----BEGIN PRIVATE KEY-----)",
                key.display()
            )))
        }
        (None, _, None) => {
            return Err(Error::Config(format!(
                "the client certificate {} holds no private key: give the key's file as well \
                 (`key`, OS_KEY, --os-key) or append the key to the certificate's file",
                cert.display()
            )))
        }
    };
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    rustls::sign::CertifiedKey::from_der(chain, key_der, &provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => Error::Config(format!(
            "the private key in {} does not belong to the client certificate {}",
            key_path.display(),
            cert.display()
        )),
        other => Error::Config(format!(
            "the client certificate {} and its key cannot be used: {other}",
            cert.display()
        )),
    })?;
    reqwest::Identity::from_pem(&pem).map_err(|e| {
        Error::Config(format!(
            "the client certificate {} and its key cannot be used: {}",
            cert.display(),
            crate::transport::describe(&e)
        ))
    })
}
