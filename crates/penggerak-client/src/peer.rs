//! A colleague's device on the school's network (Berbagi di sekolah): parts of a material's file, asked
//! for by the SHA-256 this device's own catalogue lists, and a material's text, by its catalogue tag.
//!
//! Plain HTTP to an IP literal on the local network ([`penggerak_types::peer::is_local`]): nothing secret
//! travels (no token, no account; a public learning material's file by its hash), and the engine keeps a
//! file only once its SHA-256 matches the catalogue, so what a peer sends is checked, not trusted. Nothing
//! is retried here: a peer that fails is left for the server. Every byte is counted in the client's own
//! [`Meter`], apart from the server's (it costs no mobile data).

use crate::{ClientError, Meter};
use penggerak_types::peer;
use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// What a peer answered for a file part.
#[derive(Debug, PartialEq, Eq)]
pub enum PeerPart {
    /// The bytes from the byte asked for (at most as many as asked for, at least one).
    Bytes(Vec<u8>),
    /// The peer has not saved this file.
    Missing,
}

/// Asks peers for file parts.
#[derive(Clone, Debug)]
pub struct PeerClient {
    http: reqwest::Client,
    meter: Arc<Meter>,
}

impl PeerClient {
    /// A client whose every request (connecting included) ends after `timeout`: a peer is on the same
    /// network, so a slow one is better left for the server.
    pub fn new(timeout: Duration) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(crate::tls::plain_http_only()?)
            .connect_timeout(timeout.min(Duration::from_secs(3)))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .no_gzip()
            .no_brotli()
            .no_zstd()
            .no_deflate()
            .user_agent(concat!("penggerak/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(Self { http, meter: Arc::default() })
    }

    /// What this client has received from peers, until the engine keeps it.
    pub fn meter(&self) -> &Arc<Meter> {
        &self.meter
    }

    /// Up to `len` bytes (at least one) of the file with `sha256` from byte `from`, from the peer at `at`.
    pub async fn file_part(
        &self,
        at: SocketAddr,
        sha256: &str,
        from: u64,
        len: u64,
    ) -> Result<PeerPart, ClientError> {
        if !peer::is_sha256(sha256) || !peer::is_local(at.ip()) {
            return Err(ClientError::Protocol(format!("not a peer's file: {at} {sha256}")));
        }
        let len = len.max(1);
        let last = from + len - 1;
        let url = format!("http://{at}{}", peer::file_path(sha256));
        let mut resp = self.http.get(&url).header(RANGE, format!("bytes={from}-{last}")).send().await?;
        match resp.status() {
            StatusCode::PARTIAL_CONTENT => {}
            StatusCode::NOT_FOUND => return Ok(PeerPart::Missing),
            s => return Err(ClientError::Protocol(format!("a peer answered HTTP {s} for a file part"))),
        }
        let first = resp
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes "))
            .and_then(|v| v.split('-').next())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if first != Some(from) {
            return Err(ClientError::Protocol(format!("a peer sent bytes from {first:?}, not from {from}")));
        }
        // Never more than was asked for, whatever the peer says it sends.
        let mut bytes = Vec::with_capacity(len.min(penggerak_types::limits::PEER_PART_MAX) as usize);
        while let Some(chunk) = resp.chunk().await? {
            if (bytes.len() + chunk.len()) as u64 > len {
                return Err(ClientError::Protocol(format!("a peer sent more than the {len} B asked for")));
            }
            bytes.extend_from_slice(&chunk);
            self.meter.received(chunk.len() as u64);
        }
        if bytes.is_empty() {
            return Err(ClientError::Protocol("a peer sent an empty part".into()));
        }
        Ok(PeerPart::Bytes(bytes))
    }

    /// The text of a material whose catalogue entry has `content_etag`, as the peer at `at` saved it
    /// (at most [`PEER_PART_MAX`](penggerak_types::limits::PEER_PART_MAX) bytes); `None` if it has not.
    /// Unchecked: the caller checks it against the tag before using it.
    pub async fn text(&self, at: SocketAddr, content_etag: &str) -> Result<Option<Vec<u8>>, ClientError> {
        let Some(path) = peer::text_path(content_etag).filter(|_| peer::is_local(at.ip())) else {
            return Err(ClientError::Protocol(format!("not a peer's text: {at} {content_etag}")));
        };
        let mut resp = self.http.get(format!("http://{at}{path}")).send().await?;
        match resp.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => return Ok(None),
            s => return Err(ClientError::Protocol(format!("a peer answered HTTP {s} for a text"))),
        }
        let max = penggerak_types::limits::PEER_PART_MAX;
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if (body.len() + chunk.len()) as u64 > max {
                return Err(ClientError::Protocol(format!("a peer sent a text over {max} B")));
            }
            body.extend_from_slice(&chunk);
            self.meter.received(chunk.len() as u64);
        }
        Ok(Some(body))
    }
}
