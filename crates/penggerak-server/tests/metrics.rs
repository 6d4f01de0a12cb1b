//! Prometheus metrics against the real server, on the lane's backend (SQLite or PostgreSQL): scraped from
//! the metrics listener, parsed, and compared before and after requests. Each server counts only its own
//! requests; a scanner's random paths share one `unmatched` series; refusals by the router's own layers
//! are counted; the pool gauges are read; the public API port does not serve the metrics; the binary's
//! `--metrics-listen` serves them and stops with the server.

use penggerak_testkit::{ServerConfig, TestServer};
use penggerak_types::{route, ApiError, ErrorCode};
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const REQUESTS: &str = "penggerak_http_requests_total";
const LATENCY_COUNT: &str = "penggerak_http_request_duration_seconds_count";
const IN_FLIGHT: &str = "penggerak_http_requests_in_flight";

/// One sample line of a scrape: `name{label="value",…} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The samples of a Prometheus or OpenMetrics text exposition (comments skipped). Panics on a line that
/// is neither, so a malformed exposition fails the test rather than reading as "no such series".
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let name_end = line.find(['{', ' ']).unwrap_or_else(|| malformed(line));
        let name = line[..name_end].to_owned();
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(mut inner) = rest.strip_prefix('{') {
            loop {
                if let Some(after) = inner.strip_prefix('}') {
                    rest = after;
                    break;
                }
                let eq = inner.find("=\"").unwrap_or_else(|| malformed(line));
                let key = inner[..eq].to_owned();
                // The value runs to the first quote not escaped (route templates hold `{` and `}`).
                let mut value = String::new();
                let mut chars = inner[eq + 2..].char_indices();
                let end = loop {
                    match chars.next() {
                        Some((_, '\\')) => match chars.next() {
                            Some((_, 'n')) => value.push('\n'),
                            Some((_, c)) => value.push(c),
                            None => malformed(line),
                        },
                        Some((i, '"')) => break eq + 2 + i + 1,
                        Some((_, c)) => value.push(c),
                        None => malformed(line),
                    }
                };
                labels.insert(key, value);
                inner = inner[end..].strip_prefix(',').unwrap_or(&inner[end..]);
            }
        }
        let value = rest.split_whitespace().next().unwrap_or_else(|| malformed(line));
        let value = value.parse().unwrap_or_else(|_| malformed(line));
        samples.push(Sample { name, labels, value });
    }
    samples
}

fn malformed(line: &str) -> ! {
    panic!("not a sample line: {line:?}")
}

/// The value of the series `name` with exactly the labels `labels` (0 when it does not exist yet: a
/// counter that was never incremented has no series).
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let want: BTreeMap<String, String> = labels.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
    let found: Vec<_> = samples.iter().filter(|s| s.name == name && s.labels == want).collect();
    assert!(found.len() <= 1, "one series per name and label set: {found:?}");
    found.first().map_or(0.0, |s| s.value)
}

/// The one series `name` (no labels) of a scrape, which must be there.
fn gauge(samples: &[Sample], name: &str) -> f64 {
    samples
        .iter()
        .find(|s| s.name == name && s.labels.is_empty())
        .unwrap_or_else(|| panic!("{name} is exposed: {samples:?}"))
        .value
}

async fn scrape(c: &reqwest::Client, server: &TestServer) -> Vec<Sample> {
    let r = c.get(server.metrics_url()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the metrics listener answers GET /metrics");
    parse(&r.text().await.unwrap())
}

#[tokio::test]
async fn a_request_raises_its_own_route_counter_and_histogram_by_one_on_its_own_server_only() {
    let (server, other) = (TestServer::start(), TestServer::start());
    let c = reqwest::Client::new();
    let live = [("route", route::HEALTH_LIVE), ("method", "GET"), ("status", "200")];
    let live_route = [("route", route::HEALTH_LIVE), ("method", "GET")];
    let before = scrape(&c, &server).await;
    let other_before = scrape(&c, &other).await;

    let r = c.get(format!("{}{}", server.base_url(), route::HEALTH_LIVE)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let after = scrape(&c, &server).await;
    assert_eq!(
        value(&after, REQUESTS, &live) - value(&before, REQUESTS, &live),
        1.0,
        "one answered request is one more in its route/method/status series (the scrapes themselves, on \
         the metrics listener, are not API requests)"
    );
    assert_eq!(
        value(&after, LATENCY_COUNT, &live_route) - value(&before, LATENCY_COUNT, &live_route),
        1.0,
        "the request's latency is observed once under its route and method"
    );
    assert_eq!(gauge(&after, IN_FLIGHT), 0.0, "nothing is in flight once the answer is back");
    let other_after = scrape(&c, &other).await;
    assert_eq!(
        value(&other_after, REQUESTS, &live),
        value(&other_before, REQUESTS, &live),
        "another server in the same process has a registry of its own and did not count the request"
    );

    // Prometheus asks for OpenMetrics, and gets it; a plain client gets the 0.0.4 text.
    let om = c
        .get(server.metrics_url())
        .header("accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
        .send()
        .await
        .unwrap();
    let content_type = om.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "OpenMetrics when accepted: {content_type}"
    );
    let text = om.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"), "an OpenMetrics exposition ends with its EOF marker");
    assert_eq!(
        value(&parse(&text), REQUESTS, &live),
        value(&after, REQUESTS, &live),
        "both formats say the same"
    );
    let plain = c.get(server.metrics_url()).send().await.unwrap();
    let content_type = plain.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "the classic text otherwise: {content_type}"
    );
    let elsewhere = c.get(server.metrics_url().replace("/metrics", "/other")).send().await.unwrap();
    assert_eq!(
        elsewhere.status(),
        StatusCode::NOT_FOUND,
        "the metrics listener serves /metrics and nothing else"
    );
}

#[tokio::test]
async fn a_scanners_random_paths_share_one_unmatched_series() {
    let server = TestServer::start();
    let c = reqwest::Client::new();
    let unmatched = [("route", "unmatched"), ("method", "GET"), ("status", "404")];
    let before = scrape(&c, &server).await;
    let series = |s: &[Sample]| s.iter().filter(|s| s.name == REQUESTS).count();
    let mut paths = Vec::new();
    for i in 0..50 {
        let random = uuid::Uuid::new_v4().simple().to_string();
        let path = if i % 2 == 0 { format!("/api/v1/{random}") } else { format!("/{random}/wp-login.php") };
        let r = c.get(format!("{}{path}", server.base_url())).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path} matches no route");
        paths.push(random);
    }
    let after = scrape(&c, &server).await;
    assert_eq!(
        value(&after, REQUESTS, &unmatched) - value(&before, REQUESTS, &unmatched),
        50.0,
        "every path that matched no route is counted, all in the one `unmatched` series"
    );
    assert_eq!(
        series(&after),
        series(&before) + 1,
        "50 distinct paths made one new series, not 50: a scanner cannot grow the metrics without end"
    );
    let unmatched_route = [("route", "unmatched"), ("method", "GET")];
    assert_eq!(
        value(&after, LATENCY_COUNT, &unmatched_route) - value(&before, LATENCY_COUNT, &unmatched_route),
        50.0,
        "their latencies share one histogram too"
    );
    for s in &after {
        let route = s.labels.get("route").map_or("", String::as_str);
        assert!(
            !paths.iter().any(|p| route.contains(p.as_str())),
            "no label carries a requested path: {s:?}"
        );
    }
}

#[tokio::test]
async fn the_pool_gauges_are_read_at_scrape_time_and_sane() {
    let server = TestServer::start();
    let c = reqwest::Client::new();
    // The database is asked, so the pool has opened at least one connection.
    let r = c.get(format!("{}{}", server.base_url(), route::HEALTH_READY)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let since = Instant::now();
    loop {
        let s = scrape(&c, &server).await;
        let open = gauge(&s, "penggerak_db_pool_connections_open");
        let idle = gauge(&s, "penggerak_db_pool_connections_idle");
        let max = gauge(&s, "penggerak_db_pool_connections_max");
        assert_eq!(max, f64::from(penggerak_server::db::MAX_CONNECTIONS), "the pool's maximum as configured");
        assert!(open >= 1.0, "the readiness check used a connection, which the pool keeps open: {open}");
        assert!(open >= idle, "idle connections are among the open ones: open {open}, idle {idle}");
        assert!(open <= max, "the pool never opens more than its maximum: open {open}, max {max}");
        // The pool takes a connection back in a task of its own, so idle may lag the answer a moment.
        if idle == open {
            break;
        }
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "with no request running every open connection comes back idle: open {open}, idle {idle}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn refusals_by_the_routers_own_layers_are_counted_and_in_flight_requests_are_seen() {
    let mut config = ServerConfig::default();
    config.transport.max_in_flight = 1;
    let server = TestServer::start_with(config.clone());
    let c = reqwest::Client::new();
    let before = scrape(&c, &server).await;

    // A body over the global maximum is refused on its head (413) by a layer well outside the handlers.
    let mut big = TcpStream::connect(server.addr()).unwrap();
    let too_large = config.transport.hard_body_cap() + 1;
    write!(
        big,
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {too_large}\r\n\r\n",
        route::LOGIN
    )
    .unwrap();
    let mut head = [0u8; 12];
    big.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413", "a body over the cap is refused");
    drop(big);

    // A sign-in whose body stalls half-way holds the one in-flight place ...
    let mut stalled = TcpStream::connect(server.addr()).unwrap();
    write!(
        stalled,
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"ident",
        route::LOGIN
    )
    .unwrap();
    let since = Instant::now();
    while gauge(&scrape(&c, &server).await, IN_FLIGHT) != 1.0 {
        assert!(since.elapsed() < Duration::from_secs(10), "the stalled sign-in is seen in flight");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // ... so the next request is shed at once (503). (Not liveness: it is answered before any limit.)
    let r = c.get(format!("{}{}", server.base_url(), route::HEALTH)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "over the in-flight limit");
    drop(stalled);
    while gauge(&scrape(&c, &server).await, IN_FLIGHT) != 0.0 {
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "a request whose client went away is no longer in flight"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let after = scrape(&c, &server).await;
    let rose = |labels: &[(&str, &str)]| value(&after, REQUESTS, labels) - value(&before, REQUESTS, labels);
    assert_eq!(
        rose(&[("route", route::LOGIN), ("method", "POST"), ("status", "413")]),
        1.0,
        "the body-limit layer's 413 is counted under the route: the metrics layer is outside it"
    );
    assert_eq!(
        rose(&[("route", route::HEALTH), ("method", "GET"), ("status", "503")]),
        1.0,
        "the load-shed 503 is counted: the metrics layer is outside the in-flight limit"
    );
}

#[tokio::test]
async fn the_public_api_port_does_not_serve_the_metrics() {
    let server = TestServer::start();
    let c = reqwest::Client::new();
    for path in ["/metrics", "/api/v1/metrics"] {
        let r = c.get(format!("{}{path}", server.base_url())).send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{path}: operational data is not on the internet-facing port"
        );
        let error: ApiError = r.json().await.unwrap();
        assert_eq!(error.code, ErrorCode::NotFound, "the API's own not-found answer: {error:?}");
    }
}

/// The real binary's log until its `listening on` line, read from `lines`: the metrics address it logged
/// (`None` when it logged none) and the API's. `stderr`: where the binary's errors went, to say why it ended.
fn addresses(lines: &mut impl Iterator<Item = String>, stderr: &std::path::Path) -> (Option<String>, String) {
    let mut metrics = None;
    for line in lines {
        if let Some(rest) = line.split("metrics on http://").nth(1) {
            metrics = Some(rest.trim().trim_end_matches("/metrics").to_owned());
        }
        if let Some(api) = line.split("listening on http://").nth(1) {
            return (metrics, api.trim().to_owned());
        }
    }
    let why = std::fs::read_to_string(stderr).unwrap_or_default();
    panic!("the server ended without saying where it listens: {why}");
}

/// The real binary on a database of its own (`name` in `dir`), its errors in `dir/name.stderr`.
fn binary(
    dir: &std::path::Path,
    name: &str,
    args: &[&str],
) -> (std::process::Child, impl Iterator<Item = String>, std::path::PathBuf) {
    let stderr = dir.join(format!("{name}.stderr"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
        .args(args)
        .env("PENGGERAK_LISTEN", "127.0.0.1:0")
        .env("PENGGERAK_DATABASE", format!("sqlite://{}", dir.join(format!("{name}.sqlite")).display()))
        .env_remove("PENGGERAK_METRICS_LISTEN")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let lines = BufReader::new(server.stdout.take().unwrap()).lines().map_while(Result::ok);
    (server, lines, stderr)
}

#[test]
fn the_binary_serves_metrics_only_when_asked_and_stops_them_with_the_server() {
    let dir = tempfile::tempdir().unwrap();
    // Unasked: no metrics listener.
    let (mut plain, mut lines, stderr) = binary(dir.path(), "plain", &[]);
    let (metrics, _) = addresses(&mut lines, &stderr);
    assert_eq!(metrics, None, "without --metrics-listen no metrics address is opened");
    let _ = plain.kill();
    let _ = plain.wait();

    let (mut server, mut lines, stderr) =
        binary(dir.path(), "metrics", &["--metrics-listen", "127.0.0.1:0", "--database-connections", "3"]);
    let (metrics, api) = addresses(&mut lines, &stderr);
    let metrics = metrics.expect("with --metrics-listen the server says where the metrics are");
    std::thread::spawn(move || lines.for_each(drop));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let r = c.get(format!("http://{api}{}", route::HEALTH_LIVE)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = c.get(format!("http://{metrics}/metrics")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "the metrics are on the address the server logged");
        let s = parse(&r.text().await.unwrap());
        let live = [("route", route::HEALTH_LIVE), ("method", "GET"), ("status", "200")];
        assert_eq!(value(&s, REQUESTS, &live), 1.0, "the binary counts the one request made to it");
        assert_eq!(
            gauge(&s, "penggerak_db_pool_connections_max"),
            3.0,
            "--database-connections sets the instance's pool (the default is 8)"
        );
        let r = c.get(format!("http://{api}/metrics")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "and not on the API's port");
    });

    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let since = Instant::now();
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "SIGTERM stops the server and its metrics listener"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit: {status}");
    assert!(TcpStream::connect(&metrics).is_err(), "the metrics listener is closed with the server");
}

/// Sign-ins check passwords (argon2: ~19 MiB and a core each) at most `Transport::password_checks` at a
/// time. Sixteen sign-ins at once, each for another identifier (each has its own delays; one that names
/// nobody is checked against a decoy hash as a real one is, so it costs the same), with one turn: never two
/// checks together, and every sign-in is still answered (the others wait their turn). An account's own
/// delays hold one account to a few attempts at once, but identifiers are free: without the turns every
/// request slot could be an argon2 run at once (~5 GB for 256).
#[tokio::test]
async fn password_checks_take_turns_and_every_sign_in_is_still_answered() {
    let mut config = ServerConfig::default();
    config.transport.password_checks = 1;
    let server = TestServer::start_with(config);
    let c = reqwest::Client::new();
    let url = format!("{}/api/v1/auth/login", server.base_url());
    let sign_ins: Vec<_> = (0..16)
        .map(|i| {
            let (c, url) = (c.clone(), url.clone());
            let body = serde_json::json!({"identifier": format!("tamu-{i}@contoh.id"), "password": "salah"});
            tokio::spawn(async move { c.post(url).json(&body).send().await.unwrap().status() })
        })
        .collect();
    let mut answers = Vec::new();
    for s in sign_ins {
        answers.push(s.await.unwrap());
    }
    assert!(
        answers.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "every sign-in is checked in its turn and refused for its password, none turned away: {answers:?}"
    );
    let samples = scrape(&c, &server).await;
    assert_eq!(gauge(&samples, "penggerak_password_checks_peak"), 1.0, "never two checks at once");
    assert_eq!(gauge(&samples, "penggerak_password_checks_running"), 0.0, "every check has ended");
}
