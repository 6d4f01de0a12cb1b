//! Whom the client trusts: the operating system's certificate store, through `rustls-platform-verifier`
//! (Windows' and macOS's own verifiers, Android's through JNI, on Linux and other Unixes the system's CA
//! files, `SSL_CERT_FILE` and `SSL_CERT_DIR` honoured). A province running its own CA installs it on the
//! devices as any other root; the app needs no rebuild, and no CA bundle of its own.
//!
//! And how a refusal is told apart: a certificate the verifier rejects is [`ClientError::Untrusted`] with
//! its [`CertificateProblem`], never "offline" (retrying would not help) and never the TLS library's text
//! on the screen.

use crate::ClientError;
use rustls::CertificateError;
use rustls_platform_verifier::BuilderVerifierExt;
use std::sync::{Arc, Mutex};

/// Why the server's certificate was refused (for logs and tests; the user sees one sentence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateProblem {
    /// Issued by a CA this device does not trust (self-signed, a private CA not installed).
    UnknownIssuer,
    /// Expired, or not valid yet (the device's clock may be wrong).
    Expired,
    /// Valid, but for another name than the address the app was given.
    WrongHost,
    /// Revoked, malformed, not for TLS servers, or refused by the platform for another reason.
    Other,
    /// The device's trust store could not be read at all (no CA certificates found).
    NoTrustStore,
}

impl From<&CertificateError> for CertificateProblem {
    fn from(e: &CertificateError) -> Self {
        match e {
            CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => CertificateProblem::Expired,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertificateProblem::WrongHost
            }
            _ => CertificateProblem::Other,
        }
    }
}

/// The rustls configuration of every API client: ring (the provider reqwest is built with), the
/// platform's verifier, HTTP/1.1 only (the client never speaks h2, see the crate's Cargo.toml).
///
/// Built once per process and then cloned: on Linux the verifier reads and parses every CA file of the
/// system, which is not worth repeating for each client. A CA installed while the app runs counts from its
/// next start. A failure is not kept, so the next client tries again.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, ClientError> {
    static BUILT: Mutex<Option<rustls::ClientConfig>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(config) = built.as_ref() {
        return Ok(config.clone());
    }
    let no_store = |e: rustls::Error| ClientError::Untrusted {
        problem: CertificateProblem::NoTrustStore,
        detail: format!("the device's certificate store: {e}"),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Protocol(format!("TLS setup: {e}")))?
        .with_platform_verifier()
        .map_err(no_store)?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    *built = Some(config.clone());
    Ok(config)
}

/// The rustls configuration of a client that only speaks plain http (a peer on the school's network, see
/// `peer`): reqwest builds a TLS setup for every client, and the app's reqwest has no crypto provider of
/// its own (ring is ours). It trusts no certificate at all, so an https address could never be reached
/// through it; and it costs nothing to build (no store read).
pub(crate) fn plain_http_only() -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Protocol(format!("TLS setup: {e}")))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}

/// The certificate refusal somewhere in `error`'s chain of causes, if that is why it failed.
///
/// The TLS error travels inside `io::Error`s (one inside another), and `io::Error::source()` skips the
/// error it wraps (it returns that error's own source), so an `io::Error` is followed into what it wraps.
pub(crate) fn certificate_refusal(
    error: &(dyn std::error::Error + 'static),
) -> Option<(CertificateProblem, String)> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(rustls::Error::InvalidCertificate(c)) = e.downcast_ref::<rustls::Error>() {
            return Some((CertificateProblem::from(c), c.to_string()));
        }
        next = match e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    /// As hyper-rustls and hyper-util hand it over: the TLS error in an `io::Error` in an `io::Error`.
    fn nested(tls: rustls::Error) -> Error {
        Error::other(Error::new(ErrorKind::InvalidData, tls))
    }

    #[test]
    fn a_refused_certificate_is_found_inside_nested_io_errors() {
        let table = [
            (CertificateError::UnknownIssuer, CertificateProblem::UnknownIssuer),
            (CertificateError::Expired, CertificateProblem::Expired),
            (CertificateError::NotValidYet, CertificateProblem::Expired),
            (CertificateError::NotValidForName, CertificateProblem::WrongHost),
            (CertificateError::Revoked, CertificateProblem::Other),
        ];
        for (refusal, problem) in table {
            let e = nested(rustls::Error::InvalidCertificate(refusal.clone()));
            assert_eq!(
                certificate_refusal(&e).map(|(p, _)| p),
                Some(problem),
                "{refusal:?} is a certificate refusal, told apart from a network failure"
            );
        }
    }

    #[test]
    fn other_failures_are_not_certificate_refusals() {
        let tls = nested(rustls::Error::DecryptError);
        assert_eq!(certificate_refusal(&tls), None, "a TLS failure that is not about trust");
        let net = Error::new(ErrorKind::ConnectionRefused, "refused");
        assert_eq!(certificate_refusal(&net), None, "a refused connection is the network");
    }
}
