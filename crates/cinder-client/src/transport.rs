//! A failed exchange told in words: a refused redirect, a TLS failure (whose reason reqwest
//! buries among its causes), or reqwest's message with its causes.

use rustls::{AlertDescription, CertificateError};

/// What went wrong on the way: a TLS failure or a refused redirect in words, otherwise
/// reqwest's message plus its causes (the top level alone often just says "error sending
/// request").
pub(crate) fn describe(error: &reqwest::Error) -> String {
    if let Some(refused) = crate::redirect::refusal(error) {
        return refused.to_string();
    }
    if let Some(tls) = describe_tls_failure(error) {
        return tls;
    }
    if let Some(too_large) = crate::response::body_too_large(error) {
        return too_large.to_string();
    }
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    if error.is_timeout() {
        detail.push_str(" (timed out)");
    }
    detail
}

/// A TLS failure in `error`'s chain of causes, told in words; `None` for other failures.
fn describe_tls_failure(error: &reqwest::Error) -> Option<String> {
    let tls = find_rustls_error(error)?;
    let host = error
        .url()
        .and_then(|url| {
            Some(format!(
                "{}:{}",
                url.host_str()?,
                url.port_or_known_default()?
            ))
        })
        .unwrap_or_else(|| "the server".into());
    let untrusted = |why: &str| format!("the TLS certificate of {host} is not trusted: {why}");
    Some(match tls {
        rustls::Error::InvalidCertificate(cause) => match cause {
            CertificateError::UnknownIssuer => untrusted(
                "it is not signed by a trusted certificate authority (trust its CA with \
                 `cacert`, OS_CACERT or --os-cacert)",
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                untrusted(&format!("it is not valid for that name ({tls})"))
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                untrusted(&format!("it has expired ({tls})"))
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                untrusted(&format!("it is not valid yet ({tls})"))
            }
            _ => untrusted(&tls.to_string()),
        },
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired) => format!(
            "{host} requires a TLS client certificate and none was sent (give one with `cert` \
             and `key`, OS_CERT and OS_KEY, or --os-cert and --os-key)"
        ),
        rustls::Error::AlertReceived(
            alert @ (AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::AccessDenied),
        ) => format!("{host} refused the TLS client certificate (TLS alert {alert:?})"),
        other => format!("the TLS connection to {host} failed: {other}"),
    })
}

/// The first `rustls::Error` among `error`'s causes, looking inside `std::io::Error`s too
/// (whose `source()` skips the error they wrap).
fn find_rustls_error(error: &reqwest::Error) -> Option<&rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = current {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        current = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}
