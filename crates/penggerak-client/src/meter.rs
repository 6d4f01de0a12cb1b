//! [`Meter`]: the bytes a client sends and receives, for the data-use figure a teacher on paid mobile data
//! sees.
//!
//! Every exchange is counted as the HTTP/1.1 message it is on the wire: request line, headers and body out;
//! status line, headers and the body as it arrived (still compressed) in. Retries count again, because
//! they cost again; a request whose connection never opened costs nothing. Not visible from here, so not
//! counted: HTTP/1.1 chunk framing (a few bytes per chunk), TLS records and handshakes, and TCP/IP
//! packet headers. The client speaks HTTP/1.1 only, so this is how its messages travel.

use reqwest::header::{HeaderMap, CONTENT_LENGTH, HOST};
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes sent and received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub sent: u64,
    pub received: u64,
}

/// A running count of [`Traffic`], shared by every client that should add to it.
#[derive(Debug, Default)]
pub struct Meter {
    sent: AtomicU64,
    received: AtomicU64,
}

impl Meter {
    /// What was counted since the last `take`, leaving zero (the engine moves it into the store).
    pub fn take(&self) -> Traffic {
        Traffic {
            sent: self.sent.swap(0, Ordering::SeqCst),
            received: self.received.swap(0, Ordering::SeqCst),
        }
    }

    /// What was counted since the last `take`, left in place.
    pub fn peek(&self) -> Traffic {
        Traffic { sent: self.sent.load(Ordering::SeqCst), received: self.received.load(Ordering::SeqCst) }
    }

    /// Puts back a count that could not be kept elsewhere (so a failed write to the store loses nothing).
    pub fn put_back(&self, t: Traffic) {
        self.sent.fetch_add(t.sent, Ordering::SeqCst);
        self.received.fetch_add(t.received, Ordering::SeqCst);
    }

    pub(crate) fn sent(&self, bytes: u64) {
        self.sent.fetch_add(bytes, Ordering::SeqCst);
    }

    pub(crate) fn received(&self, bytes: u64) {
        self.received.fetch_add(bytes, Ordering::SeqCst);
    }
}

/// `name: value\r\n` for each header.
fn headers_size(headers: &HeaderMap) -> u64 {
    headers.iter().map(|(name, value)| (name.as_str().len() + 2 + value.len() + 2) as u64).sum()
}

/// The size of `request` as HTTP/1.1 writes it: the request line, its headers, the client's `defaults`
/// that it does not override, the `host` and `content-length` headers the connection adds, the blank line
/// and the body.
pub(crate) fn request_size(request: &reqwest::Request, defaults: &HeaderMap) -> u64 {
    let url = request.url();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    // "GET /path HTTP/1.1\r\n"
    let line = request.method().as_str().len() + 1 + target.len() + " HTTP/1.1\r\n".len();
    let own = request.headers();
    let defaults: u64 = defaults
        .iter()
        .filter(|(name, _)| !own.contains_key(*name))
        .map(|(name, value)| (name.as_str().len() + 2 + value.len() + 2) as u64)
        .sum();
    let body = request.body().and_then(|b| b.as_bytes()).map_or(0, |b| b.len());
    let mut added = 0;
    if !own.contains_key(HOST) {
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        added += "host: \r\n".len() + authority.len();
    }
    if body > 0 && !own.contains_key(CONTENT_LENGTH) {
        added += "content-length: \r\n".len() + body.to_string().len();
    }
    line as u64 + headers_size(own) + defaults + added as u64 + 2 + body as u64
}

/// The size of a response's head as HTTP/1.1 sends it: the status line, the headers and the blank line.
pub(crate) fn head_size(status: reqwest::StatusCode, headers: &HeaderMap) -> u64 {
    // "HTTP/1.1 200 OK\r\n"
    let reason = status.canonical_reason().unwrap_or("");
    let line = "HTTP/1.1 ".len() + 3 + 1 + reason.len() + 2;
    line as u64 + headers_size(headers) + 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn a_request_counts_its_line_headers_defaults_host_length_and_body() {
        // Built as the app builds its clients: reqwest has no crypto provider of its own here.
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(crate::tls::plain_http_only().expect("a TLS setup"))
            .build()
            .expect("a client");
        let request = client
            .post("http://127.0.0.1:8080/api/v1/x?a=1")
            .header("authorization", "Bearer t")
            .body("hello")
            .build()
            .expect("a valid request");
        let mut defaults = HeaderMap::new();
        defaults.insert("user-agent", HeaderValue::from_static("p/1"));
        defaults.insert("authorization", HeaderValue::from_static("never counted: the request has its own"));
        let expected = "POST /api/v1/x?a=1 HTTP/1.1\r\n\
                        authorization: Bearer t\r\n\
                        user-agent: p/1\r\n\
                        host: 127.0.0.1:8080\r\n\
                        content-length: 5\r\n\
                        \r\n\
                        hello";
        assert_eq!(
            request_size(&request, &defaults),
            expected.len() as u64,
            "the size is that of the message HTTP/1.1 writes, the overridden default left out"
        );
    }

    #[test]
    fn a_response_head_counts_its_status_line_and_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("content-encoding", HeaderValue::from_static("zstd"));
        let expected = "HTTP/1.1 304 Not Modified\r\ncontent-encoding: zstd\r\n\r\n";
        assert_eq!(head_size(reqwest::StatusCode::NOT_MODIFIED, &headers), expected.len() as u64);
    }

    #[test]
    fn take_empties_the_count_and_put_back_restores_it() {
        let m = Meter::default();
        m.sent(10);
        m.received(100);
        assert_eq!(m.peek(), Traffic { sent: 10, received: 100 });
        let t = m.take();
        assert_eq!(m.peek(), Traffic::default(), "what was taken is no longer counted here");
        m.received(1);
        m.put_back(t);
        assert_eq!(m.take(), Traffic { sent: 10, received: 101 }, "nothing lost, nothing counted twice");
    }
}
