//! Prometheus metrics of one server instance, and the internal listener that exposes them.
//!
//! Every [`crate::AppState`] has its own [`Metrics`] (its own registry, no process-wide recorder), so two
//! servers in one process — the tests run many — each count only their own requests.
//!
//! What is measured:
//! - `penggerak_http_requests_total{route, method, status}`: answers given, a refusal by the router's own
//!   layers (`503` busy, `408` deadline, `413` too large) included;
//! - `penggerak_http_request_duration_seconds{route, method}`: time until the answer's head is ready (a long
//!   download's body is not timed: its length is the client's link, not the server);
//! - `penggerak_http_requests_in_flight`: requests being handled now;
//! - `penggerak_db_pool_connections_open`, `…_idle` and `…_max`: the database pool, read at each scrape;
//! - `penggerak_password_checks_running` and `…_peak`: argon2 password checks running now, and the most
//!   that ever ran at once since the start (at `Transport::password_checks` when sign-ins queue).
//!
//! Labels are bounded, so no caller can grow the series without end: `route` is the route's template as
//! matched (`/api/v1/communities/{id}`, never the id), or `unmatched` for any path that matched no route;
//! `method` is one of the methods HTTP defines, or `other`; `status` is a status the server itself answered.
//!
//! The metrics are operational data (load, error rates), not the public API's: they are served only by
//! [`serve`] on its own listener (`--metrics-listen`), which an operator keeps on an internal address.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

/// The `route` label of a request that matched no route: one series for every such path, whatever it is.
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds (seconds) of the latency histogram's buckets: an API answer is expected in milliseconds;
/// 10 s is near the request deadline's scale, past it everything is `+Inf`.
const LATENCY_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Connections the metrics listener serves at once: a scraper or two, and an operator's look.
const MAX_SCRAPE_CONNECTIONS: usize = 8;

/// One server instance's metrics and the registry they are encoded from.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    password_checks: Gauge,
    password_checks_peak: Gauge,
}

/// A password check running: counted in `penggerak_password_checks_running` until dropped.
#[derive(Debug)]
pub struct PasswordCheck(Gauge);

impl Drop for PasswordCheck {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

impl Metrics {
    /// Metrics counting from zero, with the gauges of `pool` read at each scrape.
    pub fn new(pool: sqlx::AnyPool) -> Self {
        let mut registry = Registry::with_prefix("penggerak");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "http_request_duration",
            "Time until an HTTP answer's head is ready, by route template and method",
            Unit::Seconds,
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register("http_requests_in_flight", "HTTP requests being handled now", in_flight.clone());
        registry.register_collector(Box::new(PoolGauges(pool)));
        let password_checks = Gauge::default();
        registry.register(
            "password_checks_running",
            "Password checks (argon2) running now",
            password_checks.clone(),
        );
        let password_checks_peak = Gauge::default();
        registry.register(
            "password_checks_peak",
            "The most password checks that ran at once since the server started",
            password_checks_peak.clone(),
        );
        Self { registry, requests, latency, in_flight, password_checks, password_checks_peak }
    }

    /// Counts a password check as running until the guard is dropped, and the peak with it.
    pub fn password_check(&self) -> PasswordCheck {
        let now = self.password_checks.inc() + 1;
        self.password_checks_peak.inner().fetch_max(now, std::sync::atomic::Ordering::Relaxed);
        PasswordCheck(self.password_checks.clone())
    }

    /// The registry in the text format `accept` asks for (OpenMetrics when the scraper accepts it, as
    /// Prometheus does; else Prometheus' 0.0.4 text), and that format's content type.
    fn scrape(&self, accept: Option<&HeaderValue>) -> Result<(String, &'static str), std::fmt::Error> {
        let mut text = String::new();
        let openmetrics = accept
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.to_ascii_lowercase().contains("application/openmetrics-text"));
        if openmetrics {
            prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
            Ok((text, OPENMETRICS_CONTENT_TYPE))
        } else {
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
            Ok((text, prometheus_client::encoding::prometheus_text::CONTENT_TYPE))
        }
    }
}

/// The content type of the OpenMetrics 1.0 text format.
pub const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The database pool's connections, read when scraped (a stored gauge would be as old as its last update).
#[derive(Debug)]
struct PoolGauges(sqlx::AnyPool);

impl Collector for PoolGauges {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let open = self.0.size();
        // Read one after the other, a connection may close in between: idle is never reported above open.
        let idle = u32::try_from(self.0.num_idle()).unwrap_or(u32::MAX).min(open);
        let max = self.0.options().get_max_connections();
        for (name, help, value) in [
            ("db_pool_connections_open", "Database connections open (idle or in use)", open),
            ("db_pool_connections_idle", "Database connections open and idle", idle),
            ("db_pool_connections_max", "The most database connections the pool opens", max),
        ] {
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}

/// The outermost layer of [`crate::routes::router`]: counts and times every request, a refused one too.
pub(crate) async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str).to_owned();
    let method = method_label(req.method());
    let started = Instant::now();
    // Decremented when the request ends, however it ends (a client gone mid-request drops this future).
    metrics.in_flight.inc();
    let _in_flight = InFlight(&metrics.in_flight);
    let resp = next.run(req).await;
    let labels = RouteLabels { route, method };
    metrics.latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    let RouteLabels { route, method } = labels;
    metrics.requests.get_or_create(&RequestLabels { route, method, status: resp.status().as_u16() }).inc();
    resp
}

struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The `method` label: the methods HTTP defines by name, any other (a client may send any token) `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Serves `GET /metrics` (and `404` for anything else) on `listener` until `shutdown` resolves: the
/// metrics of the server whose `state` this is. Same transport as [`crate::serve`] (the header timeout),
/// with a few connections at most.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let transport = state.config.transport.clone();
    let app = Router::new()
        .route("/metrics", get(scrape))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(Arc::clone(&state.metrics));
    let holders = crate::connections::Holders::new(Vec::new());
    crate::serve_router(listener, app, &transport, MAX_SCRAPE_CONNECTIONS, holders, None, shutdown).await
}

async fn scrape(State(metrics): State<Arc<Metrics>>, headers: HeaderMap) -> Response {
    match metrics.scrape(headers.get(header::ACCEPT)) {
        Ok((text, content_type)) => ([(header::CONTENT_TYPE, content_type)], text).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "encoding the metrics failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_no_one_defined_is_one_label_not_one_each() {
        let custom = |m: &str| method_label(&Method::from_bytes(m.as_bytes()).unwrap());
        assert_eq!(custom("GET"), "GET");
        assert_eq!(custom("FROBNICATE"), "other", "a client's invented method would be a series of its own");
        assert_eq!(custom("X-AB12"), custom("X-CD34"), "every invented method shares one series");
    }
}
