//! A TLS reverse proxy on 127.0.0.1 in front of a plain-HTTP service of the local cloud: it
//! terminates TLS with a test certificate (optionally requiring a client certificate from a
//! given CA) and splices the decrypted bytes to the service, so the client gets the real
//! service's answers over HTTPS. It runs on its own thread and runtime, so synchronous tests
//! can run the `cinder` binary against it; it stops when dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{crypto, RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A running proxy.
pub struct TlsProxy {
    addr: SocketAddr,
    forwarded: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TlsProxy {
    /// Serves `identity` (certificate chain and key) on a free port and forwards to
    /// `127.0.0.1:<upstream_port>`; with `client_ca`, only clients presenting a certificate
    /// signed by it get through the handshake.
    pub fn start(
        upstream_port: u16,
        identity: (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>),
        client_ca: Option<CertificateDer<'static>>,
    ) -> TlsProxy {
        let acceptor = TlsAcceptor::from(Arc::new(server_config(identity, client_ca)));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let forwarded = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = oneshot::channel();
        let counter = forwarded.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(serve(listener, acceptor, upstream_port, counter, stopped));
        });
        TlsProxy {
            addr,
            forwarded,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// How many connections completed the TLS handshake and were passed to the service.
    pub fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn server_config(
    (chain, key): (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>),
    client_ca: Option<CertificateDer<'static>>,
) -> ServerConfig {
    let provider = Arc::new(crypto::aws_lc_rs::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    builder.with_single_cert(chain, key).unwrap()
}

async fn serve(
    listener: std::net::TcpListener,
    acceptor: TlsAcceptor,
    upstream_port: u16,
    forwarded: Arc<AtomicUsize>,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = TcpListener::from_std(listener).unwrap();
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => return,
            },
        };
        let (acceptor, forwarded) = (acceptor.clone(), forwarded.clone());
        tokio::spawn(async move {
            // A failed handshake (untrusted server certificate on the client's side, missing
            // client certificate on ours) ends the connection once rustls has sent its alert;
            // what the client sent meanwhile is read first, so that closing sends no reset
            // that could overtake the alert.
            let mut tls = match acceptor.accept(stream).into_fallible().await {
                Ok(tls) => tls,
                Err((_, mut tcp)) => {
                    let _ = tcp.shutdown().await;
                    let _ = tokio::io::copy(&mut tcp, &mut tokio::io::sink()).await;
                    return;
                }
            };
            let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", upstream_port)).await else {
                return;
            };
            forwarded.fetch_add(1, Ordering::SeqCst);
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
        });
    }
}
