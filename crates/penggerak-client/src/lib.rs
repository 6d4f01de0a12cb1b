//! Typed HTTP client for the Penggerak API v1.
//!
//! One method per route, typed on `penggerak-types`. It knows HTTP and nothing else: no storage, no
//! retries across restarts, no tokens kept (callers pass the access token). TLS is rustls; plain `http://`
//! is refused except to loopback (`localhost` is pinned to 127.0.0.1, never resolved), so a token is never
//! sent in clear over a network; server certificates are checked against the operating system's trust
//! store ([`tls`]), and one refused is [`ClientError::Untrusted`], not "offline"; redirects are never
//! followed (a 3xx is a protocol error), so a password goes nowhere but the address the user gave.
//! Responses are asked for compressed (zstd, br, gzip) and inflated here (`encoding`), so that a
//! [`Meter`] counts the bytes that crossed the network; a body is capped both as it arrives and once
//! inflated. Failed requests are retried within one call where that is
//! safe ([`retry`]); everything longer-lived belongs to the engine's outbox and sync loop.
//!
//! One exception to "TLS beyond loopback": [`peer`], which asks colleagues' devices on the local network
//! (IP literals only) for public material files and texts over plain HTTP, with no token and nothing of
//! the account; the engine checks every byte against its catalogue's hashes before keeping it.

mod encoding;
pub mod meter;
pub mod peer;
pub mod retry;
pub mod tls;

pub use meter::{Meter, Traffic};
pub use peer::{PeerClient, PeerPart};
pub use tls::CertificateProblem;

use penggerak_types::api::{Health, LoginRequest, LoginResponse, Profile, RefreshRequest, IDEMPOTENCY_KEY};
use penggerak_types::material::MaterialContent;
use penggerak_types::route::{self, Write};
use penggerak_types::{limits, ApiError, Changed, ErrorCode, Reason, SyncPage};
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_RANGE, COOKIE, ETAG,
    IF_NONE_MATCH, IF_RANGE, RANGE, SET_COOKIE, USER_AGENT,
};
use reqwest::StatusCode;
use retry::{may_retry, Backoff, Replay};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use zeroize::Zeroize;

/// A source of random numbers in `[0, 1)` for backoff jitter (injected so tests can pin it).
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// What can go wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a `{code, message}` error.
    #[error("{0}")]
    Api(ApiError),
    /// The server could not be reached, did not answer in time, or the connection failed before the whole
    /// answer arrived. `request_sent` is false only when the connection was never made, so the server
    /// certainly did not see the request.
    #[error("server unreachable: {message}")]
    Offline { message: String, request_sent: bool },
    /// A 5xx answer without our error body (a proxy or load balancer in the way).
    #[error("server unavailable (HTTP {status})")]
    Unavailable { status: u16 },
    /// A 4xx answer without our error body (a proxy in the way, e.g. an HTML 413): the status is all that
    /// is known. 408 and 429 say "later"; any other will fail the same way again.
    #[error("request refused (HTTP {status}) without an error body")]
    Rejected { status: u16 },
    /// The server answered something that is not the contract (wrong JSON, unexpected status).
    #[error("unexpected response from server: {0}")]
    Protocol(String),
    /// The answer is not the API's: not its JSON, not its encoding, a status it never answers (another site
    /// at the address, a network's sign-in page). Worded to her by its reason.
    #[error("the answer is not the API's: {0}")]
    NotTheApi(String),
    /// The server answered with a redirect (3xx other than 304), which is never followed.
    #[error("the server redirects (HTTP {status}) to {to}")]
    Redirected { status: u16, to: String },
    /// The base URL is unusable: malformed, or (`needs_https`) plain http to a non-loopback host.
    #[error("invalid server address: {detail}")]
    BadUrl { needs_https: bool, detail: String },
    /// The server's TLS certificate was refused (or this device's trust store could not be read): no
    /// request was sent. `detail` is the TLS library's words, for the log only.
    #[error("server certificate not trusted ({problem:?}): {detail}")]
    Untrusted { problem: CertificateProblem, detail: String },
}

impl ClientError {
    /// The structured error to show or send over IPC.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            ClientError::Api(e) => e.clone(),
            ClientError::Offline { .. } | ClientError::Unavailable { .. } => ApiError::new(
                ErrorCode::Offline,
                "Server tidak dapat dihubungi. Periksa koneksi internet atau alamat server.",
            ),
            ClientError::Rejected { status } => {
                let (code, message) = match status {
                    408 => (
                        ErrorCode::Offline,
                        "Server berhenti menunggu permintaan ini; koneksi terlalu lambat.",
                    ),
                    413 => {
                        (ErrorCode::PayloadTooLarge, "Server menolak permintaan ini karena terlalu besar.")
                    }
                    429 => (
                        ErrorCode::RateLimited,
                        "Server sedang menerima terlalu banyak permintaan. Coba lagi nanti.",
                    ),
                    403 => (ErrorCode::Forbidden, "Server menolak permintaan ini."),
                    404 => (ErrorCode::NotFound, "Alamat ini tidak ada di server."),
                    _ => (ErrorCode::BadRequest, "Server menolak permintaan ini."),
                };
                ApiError::new(code, format!("{message} (HTTP {status})"))
            }
            ClientError::Protocol(m) => {
                ApiError::new(ErrorCode::Internal, format!("Jawaban server tidak dikenali: {m}"))
            }
            // The reasons word these in the user's language; the library's words (a JSON parser's, the URL
            // parser's) stay in the message for the log.
            ClientError::NotTheApi(m) => ApiError {
                message: format!("Jawaban server tidak dikenali: {m}"),
                ..ApiError::refused(ErrorCode::Internal, Reason::AnswerNotUnderstood)
            },
            ClientError::Redirected { status, to } => ApiError {
                message: format!("Server meneruskan (HTTP {status}) ke {to}"),
                ..ApiError::refused(ErrorCode::Internal, Reason::ServerRedirects)
            },
            ClientError::BadUrl { needs_https, detail } => ApiError {
                message: format!("Alamat server tidak valid: {detail}"),
                ..ApiError::refused(
                    ErrorCode::Validation,
                    if *needs_https { Reason::AddressNotHttps } else { Reason::AddressNotValid },
                )
            },
            // The TLS library's words stay in the log: to a teacher they say nothing she can act on.
            ClientError::Untrusted { .. } => ApiError::new(
                ErrorCode::UntrustedServer,
                "Sertifikat keamanan server tidak dipercaya. Periksa alamat server atau hubungi admin Penggerak.",
            ),
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.to_api_error().code
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        // Before `is_connect`: a refused certificate is a connect error to reqwest, but no network problem.
        if let Some((problem, detail)) = tls::certificate_refusal(&e) {
            ClientError::Untrusted { problem, detail }
        } else if e.is_connect() {
            ClientError::Offline { message: e.to_string(), request_sent: false }
        } else if e.is_timeout() || e.is_request() || e.is_body() || e.is_decode() {
            // A connection cut or stalled mid-answer is the network failing, not the server misbehaving.
            // (reqwest reports a body cut short as a decode error; it decodes nothing else for us: the JSON
            // and the compression are ours.)
            ClientError::Offline { message: e.to_string(), request_sent: true }
        } else {
            ClientError::Protocol(e.to_string())
        }
    }
}

/// The answer of [`ApiClient::sync`].
#[derive(Debug, Clone, PartialEq)]
pub enum SyncAnswer {
    /// `304`: nothing changed since the cursor.
    NotModified,
    /// A page of changes, with the `ETag` to send back next time.
    Page { page: SyncPage, etag: Option<String> },
}

/// The answer of [`ApiClient::material_content`].
#[derive(Debug, Clone, PartialEq)]
pub enum ContentAnswer {
    /// `304`: the copy the caller holds is current.
    NotModified,
    /// The text, with the `ETag` to send back next time.
    Content { content: MaterialContent, etag: String },
}

/// The answer of [`ApiClient::material_file_part`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilePart {
    /// Bytes of the version asked for, starting at `from` (0 when the server sent the whole file instead
    /// of the range).
    Bytes { from: u64, bytes: Vec<u8> },
    /// The server has another version of the file now (its `ETag` is not the hash asked for): the bytes
    /// it sent belong to that version and were not kept.
    Changed,
}

/// Checks and normalises a server base URL: `https://` anywhere, `http://` only to loopback.
pub fn parse_base_url(input: &str) -> Result<Url, ClientError> {
    let bad = |detail: String| ClientError::BadUrl { needs_https: false, detail };
    let mut url = Url::parse(input.trim()).map_err(|e| bad(format!("{input}: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ClientError::BadUrl {
                needs_https: true,
                detail: format!("{input}: use https:// (plain http is only allowed to this device)"),
            })
        }
        other => return Err(bad(format!("{input}: unsupported scheme {other}"))),
    }
    if url.host().is_none() {
        return Err(bad(format!("{input}: no host")));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// A client for one server.
#[derive(Clone)]
pub struct ApiClient {
    base: Url,
    http: reqwest::Client,
    /// The headers every request carries (also what the [`Meter`] counts for them).
    headers: HeaderMap,
    backoff: Backoff,
    jitter: Jitter,
    meter: Arc<Meter>,
    /// Each request's whole duration, but an upload's (see [`ApiClient::upload`]).
    timeout: Duration,
}

/// A response read whole: its body already inflated.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// The headers every request carries: JSON wanted, compressed if possible, and who is asking.
fn default_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(ACCEPT, HeaderValue::from_static("application/json"));
    h.insert(ACCEPT_ENCODING, HeaderValue::from_static(encoding::ACCEPTED));
    h.insert(USER_AGENT, HeaderValue::from_static(concat!("penggerak/", env!("CARGO_PKG_VERSION"))));
    h
}

fn http_client(headers: &HeaderMap, total: Duration) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        // The operating system's trust store decides which servers are genuine (see `tls`).
        .tls_backend_preconfigured(tls::client_config()?)
        .connect_timeout(total.min(Duration::from_secs(10)))
        .timeout(total)
        // Never follow a redirect: a 307/308 would resend a password or token to wherever it points,
        // plain http included. The API never redirects; a 3xx is a protocol error (see `exchange`).
        .redirect(reqwest::redirect::Policy::none())
        // `localhost` is loopback whatever the resolver says (plain http is allowed to it, and only
        // because it never leaves the device). Port 0: the URL's port is used.
        .resolve("localhost", std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        // Bodies are inflated by `encoding`, after the meter saw them. Said here and not only by leaving
        // reqwest's features off: another crate in the build (the server's tests) turns them on, and
        // reqwest would then inflate first and drop `Content-Encoding`.
        .no_gzip()
        .no_brotli()
        .no_zstd()
        .no_deflate()
        .default_headers(headers.clone())
        .build()
        .map_err(|e| ClientError::Protocol(e.to_string()))
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base.as_str())
            .field("backoff", &self.backoff)
            .finish()
    }
}

impl ApiClient {
    /// A client for `base_url` (see [`parse_base_url`]).
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let base = parse_base_url(base_url)?;
        let headers = default_headers();
        let timeout = Duration::from_secs(30);
        let http = http_client(&headers, timeout)?;
        Ok(Self {
            base,
            http,
            headers,
            backoff: Backoff::default(),
            jitter: Arc::new(rand::random::<f64>),
            meter: Arc::default(),
            timeout,
        })
    }

    /// The same client with another limit on each request's whole duration (default 30 s; tests of hung
    /// connections shorten it).
    pub fn with_timeout(mut self, total: Duration) -> Result<Self, ClientError> {
        self.http = http_client(&self.headers, total)?;
        self.timeout = total;
        Ok(self)
    }

    /// The same client counting its traffic into `meter` (shared with other clients; each client has its
    /// own otherwise).
    pub fn with_meter(mut self, meter: Arc<Meter>) -> Self {
        self.meter = meter;
        self
    }

    /// The meter this client counts into.
    pub fn meter(&self) -> &Arc<Meter> {
        &self.meter
    }

    /// The same client with another backoff schedule and jitter source (tests pin both).
    pub fn with_backoff(mut self, backoff: Backoff, jitter: Jitter) -> Self {
        self.backoff = backoff;
        self.jitter = jitter;
        self
    }

    /// Sends the request `build` makes, again after a backoff where [`retry::may_retry`] allows.
    async fn send(
        &self,
        replay: Replay,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Answer, ClientError> {
        let mut failures = 0;
        loop {
            let error = match self.exchange(build()).await {
                Ok(answer) if answer.status.is_server_error() => error_from(answer),
                Ok(answer) => return Ok(answer),
                Err(e) => e,
            };
            failures += 1;
            if failures >= self.backoff.max_attempts || !may_retry(&error, replay) {
                return Err(error);
            }
            tokio::time::sleep(self.backoff.delay(failures, (self.jitter)())).await;
        }
    }

    /// One request and its whole answer, counted into the meter and inflated.
    async fn exchange(&self, request: reqwest::RequestBuilder) -> Result<Answer, ClientError> {
        let request = request.build().map_err(|e| ClientError::Protocol(e.to_string()))?;
        let out = meter::request_size(&request, &self.headers);
        let resp = match self.http.execute(request).await {
            Ok(resp) => resp,
            Err(e) => {
                if !e.is_connect() {
                    self.meter.sent(out);
                }
                return Err(e.into());
            }
        };
        self.meter.sent(out);
        let status = resp.status();
        let headers = resp.headers().clone();
        self.meter.received(meter::head_size(status, &headers));
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let to = headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("?");
            return Err(ClientError::Redirected {
                status: status.as_u16(),
                to: to.chars().take(200).collect(),
            });
        }
        // A body cut short is not counted: only what arrived whole is known to have arrived.
        let body = read_capped(resp).await?;
        self.meter.received(body.len() as u64);
        let coding = headers.get(CONTENT_ENCODING).and_then(|v| v.to_str().ok());
        let body = encoding::inflate(coding, body).map_err(ClientError::NotTheApi)?;
        Ok(Answer { status, headers, body })
    }

    /// The normalised base URL (no trailing slash).
    pub fn base_url(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// The URL of `template` (one of [`route`]'s) with its parameters filled by `ids`, each
    /// percent-encoded as one path segment (ids come from the server, and a `/` or `?` in one must not
    /// change the route).
    fn url(&self, template: &str, ids: &[&str]) -> Result<String, ClientError> {
        let path =
            route::fill(template, ids).map_err(|r| ClientError::Protocol(format!("{template}: {r}")))?;
        Ok(format!("{}{path}", self.base_url()))
    }

    /// A material's text. With the `ETag` of the copy the caller holds in `if_none_match`, an unchanged
    /// text answers [`ContentAnswer::NotModified`] without a body.
    pub async fn material_content(
        &self,
        access_token: &str,
        id: &str,
        if_none_match: Option<&str>,
    ) -> Result<ContentAnswer, ClientError> {
        let url = self.url(route::MATERIAL_CONTENT, &[id])?;
        let answer = self
            .send(Replay::Safe, || {
                let r = self.http.get(&url).bearer_auth(access_token);
                match if_none_match {
                    Some(tag) => r.header(IF_NONE_MATCH, tag),
                    None => r,
                }
            })
            .await?;
        if answer.status == StatusCode::NOT_MODIFIED {
            return Ok(ContentAnswer::NotModified);
        }
        let etag = answer.headers.get(ETAG).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        Ok(ContentAnswer::Content { content: decode(answer)?, etag })
    }

    /// Up to `len` bytes of a material's file from byte `from`, asked for only if the file is still the
    /// version with this `sha256` (`If-Range`); if it is not, the server sends the whole new file, and
    /// the answer is [`FilePart::Changed`].
    pub async fn material_file_part(
        &self,
        access_token: &str,
        id: &str,
        file_id: &str,
        sha256: &str,
        from: u64,
        len: u64,
    ) -> Result<FilePart, ClientError> {
        let url = self.url(route::MATERIAL_FILE, &[id, file_id])?;
        let last = from + len.max(1) - 1;
        let answer = self
            .send(Replay::Safe, || {
                self.http
                    .get(&url)
                    .bearer_auth(access_token)
                    .header(RANGE, format!("bytes={from}-{last}"))
                    .header(IF_RANGE, format!("\"{sha256}\""))
            })
            .await?;
        match answer.status {
            StatusCode::OK => {
                let tag = answer.headers.get(ETAG).and_then(|v| v.to_str().ok()).unwrap_or_default();
                if tag.trim() == format!("\"{sha256}\"") {
                    Ok(FilePart::Bytes { from: 0, bytes: answer.body })
                } else {
                    Ok(FilePart::Changed)
                }
            }
            StatusCode::PARTIAL_CONTENT => {
                // `Content-Range: bytes <first>-<last>/<size>`: where these bytes go.
                let first = answer
                    .headers
                    .get(CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("bytes "))
                    .and_then(|v| v.split('-').next())
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| ClientError::Protocol("206 without a readable Content-Range".into()))?;
                Ok(FilePart::Bytes { from: first, bytes: answer.body })
            }
            s if s.is_success() => Err(ClientError::Protocol(format!("HTTP {s} for a file part"))),
            _ => Err(error_from(answer)),
        }
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        let url = self.url(route::HEALTH, &[])?;
        decode(self.send(Replay::Safe, || self.http.get(&url)).await?)
    }

    pub async fn login(&self, identifier: &str, password: &str) -> Result<LoginResponse, ClientError> {
        Ok(self.login_from(identifier, password, None).await?.response)
    }

    /// Signs in from a device the server may know: `device` is the value of the
    /// [`DEVICE_COOKIE`](penggerak_types::api::DEVICE_COOKIE) it gave this account's last sign-in here, sent
    /// back so that someone else guessing the account's password cannot keep this device out. Returns the
    /// answer and the device value to keep for the next sign-in (the server's newest, or none).
    pub async fn login_from(
        &self,
        identifier: &str,
        password: &str,
        device: Option<&str>,
    ) -> Result<SignedIn, ClientError> {
        let mut body = LoginRequest { identifier: identifier.to_owned(), password: password.to_owned() };
        let cookie = device.filter(|d| is_cookie_value(d)).and_then(|d| {
            HeaderValue::from_str(&format!("{}={d}", penggerak_types::api::DEVICE_COOKIE)).ok()
        });
        let url = self.url(route::LOGIN, &[])?;
        // A repeated sign-in only opens a second session; the first one's tokens expire unused.
        let answer = self
            .send(Replay::Safe, || {
                let request = self.http.post(&url).json(&body);
                match &cookie {
                    Some(c) => request.header(COOKIE, c.clone()),
                    None => request,
                }
            })
            .await;
        body.password.zeroize();
        let answer = answer?;
        let device = device_from(&answer.headers);
        Ok(SignedIn { response: decode(answer)?, device })
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<LoginResponse, ClientError> {
        // A replayed refresh token looks stolen and revokes the session: only resend an unsent one.
        let mut body = RefreshRequest { refresh_token: refresh_token.to_owned() };
        let answer = self.post(Replay::IfNotSent, route::REFRESH, &body).await;
        body.refresh_token.zeroize();
        answer
    }

    /// Revokes the session `refresh_token` belongs to, waiting at most `wait` (never longer than the
    /// client's own timeout).
    ///
    /// One try: when someone waits on it (signing out, or signing in after a sign-out made offline) they
    /// pass [`LOGOUT_WAIT`], and a session not revoked now is revoked later by the caller, which keeps what
    /// that takes (for every error [`revoke_later`] names). Retried here, as other requests are, a network
    /// that takes requests and never answers kept a teacher on "Sedang keluar…" for two minutes (four tries of the
    /// 30 s timeout, and the waits between them).
    pub async fn logout(&self, refresh_token: &str, wait: Duration) -> Result<(), ClientError> {
        let mut body = RefreshRequest { refresh_token: refresh_token.to_owned() };
        let url = self.url(route::LOGOUT, &[])?;
        let answer = self.exchange(self.http.post(&url).timeout(wait.min(self.timeout)).json(&body)).await;
        body.refresh_token.zeroize();
        let answer = answer?;
        if answer.status.is_success() {
            Ok(())
        } else {
            Err(error_from(answer))
        }
    }

    pub async fn me(&self, access_token: &str) -> Result<Profile, ClientError> {
        let url = self.url(route::ME, &[])?;
        decode(self.send(Replay::Safe, || self.http.get(&url).bearer_auth(access_token)).await?)
    }

    /// One page of `/sync` after `cursor`. With the `ETag` of the previous answer for the same cursor in
    /// `if_none_match`, an unchanged feed answers [`SyncAnswer::NotModified`] without a body.
    pub async fn sync(
        &self,
        access_token: &str,
        cursor: Option<&str>,
        if_none_match: Option<&str>,
        limit: Option<u32>,
    ) -> Result<SyncAnswer, ClientError> {
        self.sync_given(access_token, cursor, if_none_match, limit, Duration::ZERO).await
    }

    /// [`ApiClient::sync`] given `more` time than the usual: a page of one record that did not arrive in the
    /// usual time is given [`limits::RECORD_BYTES`] at [`limits::SLOWEST_LINK_BYTES_PER_SEC`] more.
    pub async fn sync_given(
        &self,
        access_token: &str,
        cursor: Option<&str>,
        if_none_match: Option<&str>,
        limit: Option<u32>,
        more: Duration,
    ) -> Result<SyncAnswer, ClientError> {
        let url = self.url(route::SYNC, &[])?;
        let timeout = self.timeout + more;
        // A page cut short or late is not asked again whole here: the engine asks for a smaller one.
        let answer = self
            .send(Replay::SafeUnlessCut, || {
                let mut query: Vec<(&str, String)> = Vec::new();
                if let Some(c) = cursor {
                    query.push(("cursor", c.to_owned()));
                }
                if let Some(l) = limit {
                    query.push(("limit", l.to_string()));
                }
                let mut r = self.http.get(&url).timeout(timeout).query(&query).bearer_auth(access_token);
                if let Some(tag) = if_none_match {
                    r = r.header(IF_NONE_MATCH, tag);
                }
                r
            })
            .await?;
        if answer.status == StatusCode::NOT_MODIFIED {
            return Ok(SyncAnswer::NotModified);
        }
        let etag = answer.headers.get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(SyncAnswer::Page { page: decode(answer)?, etag })
    }

    /// A change the app queued ([`Write`]: its route and ids) with its optional JSON body, keyed like
    /// [`ApiClient::mutate`].
    pub async fn write(
        &self,
        access_token: &str,
        write: &Write,
        body: Option<&serde_json::Value>,
        idempotency_key: &str,
    ) -> Result<Changed, ClientError> {
        self.write_given(access_token, write, body, idempotency_key, Duration::ZERO).await
    }

    /// [`ApiClient::write`] given `more` time than its size is given, in one try (not sent again if cut):
    /// a change whose answer did not come in that time before is given [`limits::RECORD_BYTES`] at
    /// [`limits::SLOWEST_LINK_BYTES_PER_SEC`] more (its answer holds the records it changed, which may be
    /// that large, whatever the size of the change).
    pub async fn write_given(
        &self,
        access_token: &str,
        write: &Write,
        body: Option<&serde_json::Value>,
        idempotency_key: &str,
        more: Duration,
    ) -> Result<Changed, ClientError> {
        let (template, ids) = write.route();
        self.mutate_given(access_token, write.method(), template, &ids, body, idempotency_key, more).await
    }

    /// A keyed write: `method` (`POST`, `PUT`, `PATCH`, `DELETE`) to `template` filled with `ids`, with an
    /// optional JSON body. Safe to resend with the same `idempotency_key`: the server answers a repeat with
    /// the first answer. It may take the usual time plus its body at
    /// [`limits::SLOWEST_LINK_BYTES_PER_SEC`], twice (the body sent, and a record about as large coming
    /// back): within the usual 30 s alone, a performance plan with its results written out could never
    /// leave a phone on a slow link, and every try would send it again. (A small change to a large record
    /// gets the large record back: the engine's next try of a change whose answer did not come gives it
    /// the time that takes, [`ApiClient::write_given`].) A body over a second on the slowest link is not
    /// sent again within the call when cut after it was sent.
    pub async fn mutate(
        &self,
        access_token: &str,
        method: &str,
        template: &str,
        ids: &[&str],
        body: Option<&serde_json::Value>,
        idempotency_key: &str,
    ) -> Result<Changed, ClientError> {
        self.mutate_given(access_token, method, template, ids, body, idempotency_key, Duration::ZERO).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn mutate_given(
        &self,
        access_token: &str,
        method: &str,
        template: &str,
        ids: &[&str],
        body: Option<&serde_json::Value>,
        idempotency_key: &str,
        more: Duration,
    ) -> Result<Changed, ClientError> {
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| ClientError::Protocol(format!("not an HTTP method: {method}")))?;
        let url = self.url(template, ids)?;
        let body =
            body.map(serde_json::to_vec).transpose().map_err(|e| ClientError::Protocol(e.to_string()))?;
        let size = body.as_ref().map_or(0, Vec::len);
        let timeout = self.timeout + at_slowest(2 * size as u64) + more;
        // A patient try, or one whose body takes over a second on the slowest link, is one try when cut
        // after it was sent: each replay would send the body again, and a server that hangs would hold the
        // sync that long for each. The next sync pass tries it again, patient.
        let large = size as u64 > limits::SLOWEST_LINK_BYTES_PER_SEC;
        let replay = if more.is_zero() && !large { Replay::Safe } else { Replay::SafeUnlessCut };
        decode(
            self.send(replay, || {
                let mut r = self
                    .http
                    .request(method.clone(), &url)
                    .timeout(timeout)
                    .bearer_auth(access_token)
                    .header(IDEMPOTENCY_KEY, idempotency_key);
                if let Some(b) = &body {
                    r = r.header(reqwest::header::CONTENT_TYPE, "application/json").body(b.clone());
                }
                r
            })
            .await?,
        )
    }

    /// A keyed upload: the bytes of a file `PUT` to [`route::KINERJA_EVIDENCE`] for evidence `id`, with
    /// its `query` (`plan_id`, `title`, `file_name`), safe to resend with the same key like
    /// [`ApiClient::mutate`]. It may take the usual time plus its bytes at
    /// [`limits::SLOWEST_LINK_BYTES_PER_SEC`]: within the usual 30 s alone a photo of a few megabytes
    /// could never leave a phone on a slow link, and every try would send it again.
    pub async fn upload(
        &self,
        access_token: &str,
        id: &str,
        query: &[(&str, &str)],
        bytes: Vec<u8>,
        idempotency_key: &str,
    ) -> Result<Changed, ClientError> {
        let url = self.url(route::KINERJA_EVIDENCE, &[id])?;
        let timeout = self.timeout + at_slowest(bytes.len() as u64);
        decode(
            self.send(Replay::Safe, || {
                self.http
                    .put(&url)
                    .timeout(timeout)
                    .query(query)
                    .bearer_auth(access_token)
                    .header(IDEMPOTENCY_KEY, idempotency_key)
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .body(bytes.clone())
            })
            .await?,
        )
    }

    /// A signed-in GET of any JSON route: `template` filled with `ids`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        access_token: &str,
        template: &str,
        ids: &[&str],
    ) -> Result<T, ClientError> {
        let url = self.url(template, ids)?;
        decode(self.send(Replay::Safe, || self.http.get(&url).bearer_auth(access_token)).await?)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        replay: Replay,
        template: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let url = self.url(template, &[])?;
        decode(self.send(replay, || self.http.post(&url).json(body)).await?)
    }
}

/// How long `bytes` take on the slowest link the app is made for ([`limits::SLOWEST_LINK_BYTES_PER_SEC`]).
pub fn at_slowest(bytes: u64) -> Duration {
    Duration::from_secs_f64(bytes as f64 / limits::SLOWEST_LINK_BYTES_PER_SEC as f64)
}

/// The body of `resp` as it came over the wire, refused once it passes [`encoding::MAX_RAW`] (announced by
/// `Content-Length` or counted as it arrives), so a hostile or broken server cannot fill the memory.
async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, ClientError> {
    let too_large =
        || ClientError::Protocol(format!("a body larger than {} MiB", encoding::MAX_RAW / 1024 / 1024));
    if resp.content_length().is_some_and(|n| n > encoding::MAX_RAW) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if (body.len() + chunk.len()) as u64 > encoding::MAX_RAW {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A sign-in's answer, and the device value the server gave (see [`ApiClient::login_from`]).
#[derive(Debug)]
pub struct SignedIn {
    pub response: LoginResponse,
    pub device: Option<String>,
}

/// The longest device value kept and sent back (the server's are 43 characters).
const MAX_DEVICE_VALUE: usize = 128;

/// How long [`ApiClient::logout`] waits for its one try when someone waits on it.
pub const LOGOUT_WAIT: Duration = Duration::from_secs(8);

/// Whether a revocation that failed with `error` is to be tried again later (the session kept for it): the
/// server was not reached, could not take it, failed, or said "later" (a 408 or 429, its own or a
/// proxy's), or its certificate was refused (the token was not sent). Any other answer is the server's
/// word on the session (already revoked, unknown): nothing to keep.
pub fn revoke_later(error: &ClientError) -> bool {
    match error {
        ClientError::Untrusted { .. } | ClientError::Rejected { status: 408 | 429 } => true,
        ClientError::Api(e) if e.code == ErrorCode::RateLimited => true,
        _ => may_retry(error, Replay::Safe),
    }
}

/// Whether `v` can travel as a cookie value as it is (RFC 6265 `cookie-octet`s, bounded).
fn is_cookie_value(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= MAX_DEVICE_VALUE
        && v.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

/// The device value in a sign-in answer's `Set-Cookie` headers, if the server set one.
fn device_from(headers: &HeaderMap) -> Option<String> {
    let name = penggerak_types::api::DEVICE_COOKIE;
    headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let pair = v.split(';').next()?.trim();
        let (n, value) = pair.split_once('=')?;
        (n.trim() == name && is_cookie_value(value.trim())).then(|| value.trim().to_owned())
    })
}

fn decode<T: DeserializeOwned>(answer: Answer) -> Result<T, ClientError> {
    if answer.status.is_success() {
        serde_json::from_slice(&answer.body).map_err(|e| ClientError::NotTheApi(e.to_string()))
    } else {
        Err(error_from(answer))
    }
}

fn error_from(answer: Answer) -> ClientError {
    let status = answer.status;
    match serde_json::from_slice::<ApiError>(&answer.body) {
        Ok(e) => ClientError::Api(e),
        Err(_) if status.is_server_error() => ClientError::Unavailable { status: status.as_u16() },
        Err(_) if status.is_client_error() => ClientError::Rejected { status: status.as_u16() },
        Err(_) => ClientError::NotTheApi(format!("HTTP {status} without an error body")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A revocation is kept for later on every answer that says "not now", and forgotten only on the
    /// server's word about the session itself.
    #[test]
    fn a_revocation_is_kept_for_later_unless_the_server_spoke_of_the_session() {
        let api = |code| ClientError::Api(ApiError::new(code, "x"));
        let offline = |sent| ClientError::Offline { message: "x".into(), request_sent: sent };
        let later = [
            (offline(false), "never sent"),
            (offline(true), "sent, no answer in time"),
            (ClientError::Unavailable { status: 503 }, "a proxy's 503 page"),
            (ClientError::Unavailable { status: 502 }, "a proxy's 502"),
            (api(ErrorCode::ServerBusy), "the server too busy"),
            (api(ErrorCode::Internal), "the server failed"),
            (api(ErrorCode::RequestTimeout), "the server gave up waiting for it"),
            (api(ErrorCode::RateLimited), "the server's own \"later\""),
            (ClientError::Rejected { status: 429 }, "a proxy's bare 429"),
            (ClientError::Rejected { status: 408 }, "a proxy's bare 408"),
            (
                ClientError::Untrusted { problem: CertificateProblem::UnknownIssuer, detail: "x".into() },
                "not sent",
            ),
        ];
        for (e, why) in later {
            assert!(revoke_later(&e), "kept for later: {why} ({e:?})");
        }
        let settled = [
            (api(ErrorCode::SessionExpired), "already revoked"),
            (api(ErrorCode::Unauthorized), "not a session it knows"),
            (api(ErrorCode::BadRequest), "refused as asked"),
            (ClientError::Rejected { status: 400 }, "refused as asked, by a proxy"),
        ];
        for (e, why) in settled {
            assert!(!revoke_later(&e), "nothing to keep: {why} ({e:?})");
        }
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in ["https://api.example.id", "http://127.0.0.1:8080/", "http://localhost:1", "http://[::1]:9"]
        {
            assert!(parse_base_url(ok).is_ok(), "{ok} must be accepted");
        }
        for bad in ["http://api.example.id", "http://10.0.0.1", "ftp://x", "nonsense", "https://"] {
            assert!(
                parse_base_url(bad).is_err(),
                "{bad} must be refused: tokens would travel in clear or nowhere"
            );
        }
        assert_eq!(
            parse_base_url("https://api.example.id/base/?q=1#x").unwrap().as_str(),
            "https://api.example.id/base",
            "query, fragment and trailing slash are dropped"
        );
    }
}
