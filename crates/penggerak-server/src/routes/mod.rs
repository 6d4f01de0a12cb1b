//! The HTTP surface: one module per area, all under [`penggerak_types::api::API_PREFIX`], and the layers
//! every request passes, outermost first: the metrics ([`crate::metrics`]: every answer counted and timed,
//! a refusal by a layer below included), the request id, liveness (answered before any limit), each
//! client's share of the in-flight requests ([`crate::Transport::max_in_flight_per_client`]), the in-flight
//! limit (one request over [`crate::Transport::max_in_flight`] is answered `503 server_busy` at once, never
//! queued), each user's share of them ([`crate::Transport::max_in_flight_per_user`]), tracing,
//! compression, `{code, message}` for any error answer a layer or axum made without one, the global body
//! maximum (a `Content-Length` over it is refused before a byte is read), the body idle timeout, then per
//! route: the JSON body limit, the route's deadline (`408 request_timeout`), the idempotency layer, and a
//! handler's panic answered `500 internal`.

mod auth;
mod communities;
mod json;
mod kinerja;
mod materials;
mod me;
pub mod openapi;
mod pkb;
mod programmes;
mod school;
mod sync;
mod updates;

use crate::error::{code_for_status, message_for, ServerError};
use crate::in_flight::Held;
use crate::{AppState, Transport};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, Extensions, HeaderMap, HeaderName, StatusCode, Version};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use penggerak_types::api::Health;
use penggerak_types::route;
use penggerak_types::{ApiError, ErrorCode};
use std::sync::Arc;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

pub use json::{ApiJson, ApiPath, ApiQuery};

pub fn router(state: AppState) -> Router {
    router_over(routes(), state)
}

/// Every route of the API, without the layers.
fn routes() -> Router<AppState> {
    Router::new()
        .route(route::HEALTH, get(health))
        .route(route::HEALTH_LIVE, get(live))
        .route(route::HEALTH_READY, get(ready))
        .route(route::LOGIN, post(auth::login))
        .route(route::REFRESH, post(auth::refresh))
        .route(route::LOGOUT, post(auth::logout))
        .route(route::ME, get(me::me))
        .route(route::OPENAPI, get(openapi::serve))
        .route(route::COMMUNITIES, get(communities::list))
        .route(route::COMMUNITY, get(communities::detail))
        .route(route::COMMUNITY_JOIN, post(communities::join))
        .route(route::COMMUNITY_LEAVE, post(communities::leave))
        .route(route::EVENT_ATTEND, post(communities::attend))
        .route(route::EVENT_UNATTEND, post(communities::unattend))
        .route(route::SYNC, get(sync::sync))
        .merge(programmes::router())
        .merge(pkb::router())
        .merge(kinerja::router())
        .merge(materials::router())
        .merge(school::router())
        .merge(updates::router())
}

/// `routes` under the layers every request passes (see the module's documentation).
fn router_over(routes: Router<AppState>, state: AppState) -> Router {
    let transport = state.config.transport.clone();
    let api = routes
        // A bug that panics in a handler is answered `500 internal` (and logged with what it said),
        // never a connection closed with no answer: the client counts a 500 towards giving the change
        // up, and the idempotency layer above releases the key for the retry.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(from_fn_with_state(state.clone(), crate::idempotency::guard))
        .layer(from_fn_with_state(transport.clone(), deadline))
        .layer(DefaultBodyLimit::max(transport.max_json_body));
    Router::new()
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(transport.body_idle_timeout))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(transport.hard_body_cap()))
        .layer(from_fn(json_errors))
        // Teachers pay for every byte: compress any response the client accepts compressed (zstd, br, gzip).
        // File downloads (they advertise `Accept-Ranges`) are sent as stored, so that a byte range means
        // the same bytes whatever the client accepts and an interrupted download can resume.
        .layer(tower_http::compression::CompressionLayer::new().compress_when(DefaultPredicate::new().and(
            |_: StatusCode, _: Version, h: &HeaderMap, _: &Extensions| !h.contains_key(header::ACCEPT_RANGES),
        )))
        // One line per answer at `info` (method, path, status, latency), inside a span that carries the
        // request's id, so every line a request logs can be found by it.
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
                    let path = logged_path(req.uri().path());
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %path)
                })
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
                // A 5xx is that line already (and an internal error its own `error` line, with its cause):
                // not an `error` line more, or any client could fill the error log with refusals it causes
                // (busy, its share taken, its uploads' turns taken).
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        // Each user's share of the slots, inside one of them: finding whose token it is reads the database,
        // which a request refused by the limits above never reaches.
        .layer(from_fn_with_state(state.clone(), user_share))
        // The in-flight slots: one semaphore for every route.
        .layer(from_fn_with_state(state.clone(), slot))
        // Each client's share of those slots, taken before one of them.
        .layer(from_fn_with_state(state.clone(), client_share))
        // Liveness before any limit: the process answers however busy it is.
        .layer(from_fn(live_first))
        // No answer is read as another type than it says (an evidence file that starts like a PDF and holds
        // HTML stays a PDF), whatever opens it.
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            header::HeaderValue::from_static("nosniff"),
        ))
        // Every request has an id (the caller's or a new UUID; a proxy's passes through), and
        // every answer, a refusal included, says it.
        .layer(tower_http::request_id::PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(tower_http::request_id::SetRequestIdLayer::new(
            REQUEST_ID,
            tower_http::request_id::MakeRequestUuid,
        ))
        .layer(from_fn(bounded_request_id))
        // Outside everything: every answer is counted and timed, a refusal by the layers above included
        // (busy, deadline, too large), under its route's template or `unmatched`.
        .layer(from_fn_with_state(Arc::clone(&state.metrics), crate::metrics::track))
        .with_state(state)
}

/// At most [`crate::Transport::max_in_flight_per_client`] requests of one client at once (see there); a
/// request beyond it is answered `503 server_busy` before it takes one of the in-flight slots.
async fn client_share(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let Some(peer) = peer else {
        return next.run(req).await; // not over a socket (an in-process call)
    };
    let client = crate::limits::client_address(
        peer,
        req.headers(),
        &state.config.trusted_proxies,
        state.config.forwarded_header,
    );
    let most = state.config.transport.max_in_flight_per_client.max(1);
    let Some(share) = state.in_flight.take(crate::limits::share_key(client), most) else {
        tracing::debug!(%client, "a client's share of the in-flight requests is taken");
        return ServerError::new(ErrorCode::ServerBusy, message_for(ErrorCode::ServerBusy)).into_response();
    };
    let _share = Held::add(&mut req, share);
    next.run(req).await
}

/// At most [`crate::Transport::max_in_flight`] requests at once, every route together; a request beyond it
/// is answered `503 server_busy` at once (not queued: a queue's wait would only move the refusal later).
async fn slot(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Ok(slot) = Arc::clone(&state.slots).try_acquire_owned() else {
        return ServerError::new(ErrorCode::ServerBusy, message_for(ErrorCode::ServerBusy)).into_response();
    };
    let _slot = Held::add(&mut req, slot);
    next.run(req).await
}

/// At most [`crate::Transport::max_in_flight_per_user`] requests of one user at once, from any address and
/// any of the user's sessions (see there); a request beyond it is answered `503 server_busy`. Whose token it
/// is is found here once and handed to [`crate::auth::AuthUser`] in the request's extensions, so it costs
/// no second lookup. A request without a token (sign-in, health, the catalogue's files) passes.
async fn user_share(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(token) = crate::auth::bearer(req.headers()) else {
        return next.run(req).await;
    };
    let user = match crate::auth::user_of_token(&state, token).await {
        Ok(user) => user,
        Err(e) => return e.into_response(),
    };
    let _share = match &user {
        Some(user_id) => {
            let most = state.config.transport.max_in_flight_per_user.max(1);
            let Some(share) = state.users_in_flight.take(user_id.clone(), most) else {
                tracing::debug!(user = %user_id, "a user's share of the in-flight requests is taken");
                return ServerError::new(ErrorCode::ServerBusy, message_for(ErrorCode::ServerBusy))
                    .into_response();
            };
            Some(Held::add(&mut req, share))
        }
        None => None,
    };
    req.extensions_mut().insert(crate::auth::Resolved(user));
    next.run(req).await
}

/// The answer to a handler's panic: logged as an error with its message, answered as any internal error.
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let said = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %said, "a handler panicked");
    ServerError::new(ErrorCode::Internal, message_for(ErrorCode::Internal)).into_response()
}

/// `GET /health/live` answered before the in-flight limits: it says the process runs, which it does however
/// busy it is. Refused `503` with everything else, an orchestrator would restart a healthy server that is
/// busy (or whose slots a client holds). Counted in the metrics and given its request id like every answer,
/// but not logged: an orchestrator's probe every few seconds is not news.
async fn live_first(req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::GET && req.uri().path() == route::HEALTH_LIVE {
        return live().await.into_response();
    }
    next.run(req).await
}

/// The header a request's id travels in (set by a proxy in front, or by this server).
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id kept from the caller (a UUID is 36): a longer one, or one with anything but
/// visible ASCII, is replaced by a new UUID, so no caller can make every log line of its requests long.
const REQUEST_ID_MAX: usize = 128;

/// The most of a request's path its log lines carry (the routes' paths are far shorter): a path is as long
/// as a client makes it (up to hyper's 64 KiB), and every line of the request carries it.
const LOGGED_PATH_MAX: usize = 256;

/// `path` as logged: its first [`LOGGED_PATH_MAX`] bytes, and `…` when there was more.
fn logged_path(path: &str) -> std::borrow::Cow<'_, str> {
    if path.len() <= LOGGED_PATH_MAX {
        return path.into();
    }
    let cut = (0..=LOGGED_PATH_MAX).rev().find(|&i| path.is_char_boundary(i)).unwrap_or(0);
    format!("{}…", &path[..cut]).into()
}

async fn bounded_request_id(mut req: Request, next: Next) -> Response {
    let fits = |v: &axum::http::HeaderValue| {
        v.len() <= REQUEST_ID_MAX && !v.is_empty() && v.as_bytes().iter().all(|b| b.is_ascii_graphic())
    };
    if req.headers().get_all(&REQUEST_ID).iter().count() > 1
        || req.headers().get(&REQUEST_ID).is_some_and(|v| !fits(v))
    {
        req.headers_mut().remove(&REQUEST_ID);
    }
    next.run(req).await
}

/// The route's whole deadline, body included ([`Transport::deadline`]: uploads get longer): past it the
/// client is answered `408 request_timeout`. (A keyed change goes on in its own task and its answer is
/// kept for the retry.) Not tower-http's `TimeoutLayer` because the deadline depends on the matched route.
async fn deadline(State(transport): State<Transport>, req: Request, next: Next) -> Response {
    let limit = transport.deadline(req.extensions().get::<MatchedPath>().map(MatchedPath::as_str));
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ServerError::new(ErrorCode::RequestTimeout, message_for(ErrorCode::RequestTimeout))
            .into_response(),
    }
}

/// Every error answer in the API's shape: one that a layer or axum made without a `{code, message}` body
/// (a `Content-Length` over the global maximum, for one) gets the code of its status and a generic sentence.
async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let code = code_for_status(status);
    let (parts, _) = resp.into_parts();
    let mut out = (status, Json(ApiError::new(code, message_for(code)))).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}

/// Whether the server and its database answer.
#[utoipa::path(
    get,
    path = route::HEALTH,
    tag = "server",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 500, description = "`internal`: the database does not answer", body = ApiError),
    )
)]
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> crate::error::Result<Json<Health>> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(healthy())
}

/// What every health route answers when all is well.
fn healthy() -> Json<Health> {
    Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}

/// Liveness: the process answers. Asks nothing of the database, so a database outage never makes an
/// orchestrator restart healthy instances.
#[utoipa::path(
    get,
    path = route::HEALTH_LIVE,
    tag = "server",
    responses((status = 200, description = "The process answers", body = Health))
)]
async fn live() -> Json<Health> {
    healthy()
}

/// Readiness: the database answers and every migration this build knows is applied; a load balancer sends
/// requests to this instance only then.
#[utoipa::path(
    get,
    path = route::HEALTH_READY,
    tag = "server",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "`server_busy`: not ready (the database does not answer, or misses a migration); send again later", body = ApiError),
    )
)]
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> crate::error::Result<Json<Health>> {
    let not_ready = |why: String| {
        tracing::warn!(why, "not ready");
        ServerError::new(ErrorCode::ServerBusy, "Server belum siap melayani. Coba lagi sebentar lagi.")
    };
    match state.db.migrations_missing().await {
        Ok(missing) if missing.is_empty() => Ok(healthy()),
        Ok(missing) => Err(not_ready(format!("migrations not applied: {missing:?}"))),
        Err(e) => Err(not_ready(format!("the database does not answer: {e}"))),
    }
}

/// A list's search text and filter values within their bounds ([`penggerak_types::limits::SEARCH`],
/// [`penggerak_types::limits::FILTER`]), or `422`.
pub(crate) fn check_search<'a>(
    q: Option<&str>,
    filters: impl IntoIterator<Item = &'a Option<String>>,
) -> crate::error::Result<()> {
    use penggerak_types::limits::{fits, FILTER, SEARCH};
    let filters_fit = filters.into_iter().all(|v| v.as_deref().is_none_or(|v| fits(v, FILTER)));
    if q.is_none_or(|q| fits(q, SEARCH)) && filters_fit {
        return Ok(());
    }
    Err(ServerError::new(
        ErrorCode::Validation,
        format!("Kata pencarian paling panjang {SEARCH} karakter, nilai saring {FILTER} karakter."),
    ))
}

async fn not_found() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Alamat tidak ditemukan.")
}

async fn method_not_allowed() -> ServerError {
    ServerError::new(ErrorCode::BadRequest, "Metode HTTP ini tidak didukung untuk alamat ini.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Db};
    use axum::body::Body;
    use tower::ServiceExt;

    /// A handler that panics (a bug) must still answer: a connection closed with no answer is a lost
    /// answer to the client, which would wait for it as for a bad link; a 500 in the API's shape is
    /// counted and given up after its bound. Its places in the in-flight limits are given back.
    #[tokio::test]
    async fn a_handler_that_panics_is_answered_500_in_the_apis_shape() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_file(&dir.path().join("panics.sqlite")).await.unwrap();
        let state = AppState::new(db, Config::default());
        let slots = state.slots.available_permits();
        async fn bug() -> &'static str {
            panic!("a bug in a handler")
        }
        let boom = Router::new().route("/api/v1/boom", get(bug).post(bug));
        let app = router_over(boom, state.clone());
        for method in ["GET", "POST"] {
            let request = Request::builder()
                .method(method)
                .uri("/api/v1/boom")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let resp = app.clone().oneshot(request).await.unwrap();
            assert_eq!(
                resp.status(),
                StatusCode::INTERNAL_SERVER_ERROR,
                "{method}: a 500, not a dropped answer"
            );
            let body = axum::body::to_bytes(resp.into_body(), 64 * 1024).await.unwrap();
            let error: ApiError = serde_json::from_slice(&body).expect("the API's {code, message}");
            assert_eq!(error.code, ErrorCode::Internal, "{method}: {error:?}");
            assert!(!error.message.contains("a bug"), "the panic's words stay in the log: {error:?}");
        }
        assert_eq!(state.slots.available_permits(), slots, "the in-flight slots are given back");

        // A keyed change (signed in, with an Idempotency-Key) runs in its own task: its panic answered 500
        // releases the key, so the retry runs again (and fails the same way, to be counted) instead of
        // waiting out a claim nobody holds (409 in_progress until the claim is stale).
        crate::demo::seed_if_empty(&state.db).await.unwrap();
        let token = crate::auth::start_session(&state, "guru-siti").await.unwrap().access_token;
        for attempt in ["first", "retry"] {
            let request = Request::builder()
                .method("POST")
                .uri("/api/v1/boom")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(penggerak_types::api::IDEMPOTENCY_KEY, "6f1c2d3e-4a5b-4c6d-8e7f-000000000b00")
                .body(Body::from("{}"))
                .unwrap();
            let resp = app.clone().oneshot(request).await.unwrap();
            assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR, "the keyed change's {attempt}");
        }
        assert_eq!(state.slots.available_permits(), slots, "and its slot is given back");
    }
}
