//! The transport's limits against the real server, over raw TCP where a well-behaved HTTP client cannot
//! misbehave enough: stalled headers, trickled bodies, too many requests at once, too-large bodies, and
//! every refusal answered as `{code, message}`. Also the idempotency layer's edges. Waits have deadlines
//! (a failure, never a hang); nothing asserts how fast the server is.

mod common;

use common::Api;
use penggerak_server::{Config, Transport};
use penggerak_testkit::TestServer;
use penggerak_types::api::IDEMPOTENT_REPLAYED;
use penggerak_types::{ApiError, Changed, ErrorCode};
use reqwest::{Method, StatusCode};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SITI: &str = "3471765432100001";
const AGUS: &str = "3471765432100003";

/// Far longer than any limit these tests set: reaching it means the server held on.
const FAILSAFE: Duration = Duration::from_secs(30);

fn config(transport: Transport) -> Config {
    Config { transport, ..Config::default() }
}

/// Everything the server sends until it closes the connection (a reset counts as closing), or `None`
/// when it is still open after [`FAILSAFE`].
async fn read_until_closed(stream: &mut (impl AsyncReadExt + Unpin)) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(FAILSAFE, read).await.ok().map(|()| out)
}

/// The status and `{code, message}` body of a raw HTTP/1.1 answer (`Content-Length` framed, as the
/// server's error answers are).
fn parse_answer(raw: &[u8]) -> (u16, Option<ApiError>) {
    let text = String::from_utf8_lossy(raw);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).ok())
}

#[tokio::test]
async fn a_connection_stalled_mid_header_is_closed() {
    let s = TestServer::start_with(config(Transport {
        header_read_timeout: Duration::from_secs(1),
        ..Transport::default()
    }));
    let mut tcp = TcpStream::connect(s.addr()).await.unwrap();
    tcp.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: loc").await.unwrap();
    let answer = read_until_closed(&mut tcp).await;
    assert!(
        answer.is_some(),
        "a client that stops half-way through its headers must not hold a connection: still open after {FAILSAFE:?}"
    );
}

/// A sign-in whose body arrives a byte at a time, `gap` apart; what the server answered before closing.
async fn trickled_login(s: &TestServer, gap: Duration) -> Option<Vec<u8>> {
    let body = format!(r#"{{"identifier":"{SITI}","password":"{}"}}"#, penggerak_testkit::DEMO_PASSWORD);
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let tcp = TcpStream::connect(s.addr()).await.unwrap();
    let (mut rx, mut tx) = tcp.into_split();
    tx.write_all(head.as_bytes()).await.unwrap();
    let write = async {
        for b in body.bytes() {
            if tx.write_all(&[b]).await.is_err() {
                break; // the server hung up: what these tests want
            }
            tokio::time::sleep(gap).await;
        }
        // Keep the sending half open (closing it would say "no more requests" and hyper would hang up
        // without answering): the answer, or the cut, is what is being watched.
        std::future::pending::<Option<Vec<u8>>>().await
    };
    // Both halves are dropped on return, so the server sees the client go whatever happened.
    tokio::select! {
        answer = read_until_closed(&mut rx) => answer,
        never = write => never,
    }
}

fn assert_cut(answer: Option<Vec<u8>>, what: &str) {
    let raw = answer.unwrap_or_else(|| panic!("{what}: the server still waited after {FAILSAFE:?}"));
    if raw.is_empty() {
        return; // closed without an answer: cut too
    }
    let (status, body) = parse_answer(&raw);
    assert_eq!(status, 408, "{what}: answered 408, not served: {}", String::from_utf8_lossy(&raw));
    assert_eq!(
        body.map(|e| e.code),
        Some(ErrorCode::RequestTimeout),
        "{what}: the 408 is a {{code, message}} body"
    );
}

#[tokio::test]
async fn a_login_body_that_stalls_between_bytes_is_cut() {
    let s = TestServer::start_with(config(Transport {
        body_idle_timeout: Duration::from_millis(500),
        ..Transport::default()
    }));
    assert_cut(trickled_login(&s, Duration::from_millis(1500)).await, "pauses longer than the body timeout");
}

#[tokio::test]
async fn a_login_body_trickled_past_the_request_deadline_is_cut() {
    // Each pause is short enough for the body timeout; the whole body takes ~3 s more than the deadline.
    let s = TestServer::start_with(config(Transport {
        body_idle_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(2),
        ..Transport::default()
    }));
    assert_cut(trickled_login(&s, Duration::from_millis(100)).await, "a body slower than the deadline");
}

/// A sign-in whose body never comes: it holds one in-flight slot while its handler waits for the body.
async fn hold_a_slot(s: &TestServer) -> TcpStream {
    let mut held = TcpStream::connect(s.addr()).await.unwrap();
    held.write_all(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .await
    .unwrap();
    held
}

/// What the server has answered on `held` so far (empty while the request is still waiting).
async fn answer_so_far(held: &mut TcpStream) -> String {
    let mut answer = vec![0u8; 4096];
    match tokio::time::timeout(Duration::from_millis(5), held.read(&mut answer)).await {
        Ok(Ok(0)) => "(closed)".into(),
        Ok(Ok(n)) => String::from_utf8_lossy(&answer[..n]).into_owned(),
        Ok(Err(e)) => format!("(read error: {e})"),
        Err(_) => String::new(),
    }
}

#[tokio::test]
async fn with_every_slot_taken_a_request_is_refused_busy_not_queued() {
    // The held request's body and deadline outlast the whole test: only the limit can refuse the others.
    let s = TestServer::start_with(config(Transport {
        max_in_flight: 1,
        body_idle_timeout: Duration::from_secs(300),
        request_timeout: Duration::from_secs(300),
        ..Transport::default()
    }));
    let started = std::time::Instant::now();
    let mut held = hold_a_slot(&s).await;
    let c = reqwest::Client::new();
    let url = format!("{}/api/v1/health", s.base_url());
    let (mut last, mut holds) = (None, 1);
    // Up to 60 s: a loaded machine (tests run in parallel) may take a while to hand the held request over.
    while started.elapsed() < Duration::from_secs(60) {
        // A probe may have had the slot when the held request arrived, and the held request was refused
        // busy itself (seen on PostgreSQL, where a health probe takes longer): hold the slot again.
        let answered = answer_so_far(&mut held).await;
        if !answered.is_empty() {
            assert!(
                answered.contains(" 503 ") && answered.contains("server_busy"),
                "only the limit may end the held request: {answered}"
            );
            held = hold_a_slot(&s).await;
            holds += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let r = c.get(&url).send().await.unwrap();
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            let e: ApiError = r.json().await.expect("a 503 from the limit is {code, message}");
            assert_eq!(e.code, ErrorCode::ServerBusy, "{e:?}");
            let live = c.get(format!("{}/api/v1/health/live", s.base_url())).send().await.unwrap();
            assert_eq!(
                live.status(),
                StatusCode::OK,
                "liveness is answered however busy: no restart for that"
            );
            assert_eq!(answer_so_far(&mut held).await, "", "the slot was the held request's, still waiting");
            drop(held);
            // The slot is given back when the held request ends: the server serves again.
            let mut served = false;
            for _ in 0..100 {
                if c.get(&url).send().await.unwrap().status() == StatusCode::OK {
                    served = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(served, "once the held request is gone the server answers again");
            return;
        }
        last = Some(r.status());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "with one request in flight and a limit of 1, another must be refused with 503; last: {last:?} \
         after {:?} and {holds} held requests",
        started.elapsed()
    );
}

/// One client (one address) holding its share of the in-flight slots with bodies it never sends is refused
/// more at once, and the other slots stay for everyone else: the server attacked from one address served
/// nobody (every request, liveness included, `503` while 256 trickled sign-ins held every slot).
#[tokio::test]
async fn a_client_holding_its_share_of_the_slots_leaves_the_rest_to_others() {
    let s = TestServer::start_with(config(Transport {
        max_in_flight: 4,
        max_in_flight_per_client: 2,
        body_idle_timeout: Duration::from_secs(300),
        request_timeout: Duration::from_secs(300),
        ..Transport::default()
    }));
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(hold_a_slot(&s).await);
    }
    // Whichever two reach the server first hold their slots; the others are answered at once.
    let (waiting, refused) = sort_out(&mut held, Duration::from_secs(3)).await;
    assert_eq!((waiting, refused), (2, 2), "two of its requests in flight, the rest refused busy");
    // Another address (127.0.0.2 is this machine too) is served: the slots beyond the share are free.
    let other =
        reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build().unwrap();
    let r = other.get(format!("{}/api/v1/health", s.base_url())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "another client is served while the first holds its share");
    // And the first one's own liveness probe too: it is answered before any limit.
    let live = reqwest::get(format!("{}/api/v1/health/live", s.base_url())).await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    drop(held);
}

/// A change of `token`'s sent from `from` whose body is announced and barely begun: in flight (its user's
/// share taken) while the server waits for the rest, until the test lets go.
async fn hold_a_change(s: &TestServer, token: &str, from: [u8; 4]) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::from((from, 0))).unwrap();
    let mut tcp = socket.connect(s.addr()).await.unwrap();
    let head = format!(
        "PATCH /api/v1/pkb/items/{} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
         Idempotency-Key: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp
}

/// One user's requests in flight are bounded wherever they come from: one account sending changes whose
/// bodies never come, 40 from each of eight addresses (each address within its own share), held all 256
/// slots and every other teacher was answered `503`. Her share counts across addresses (each address is far
/// from its own share here) and sessions; her colleague on the same addresses is served meanwhile, and her
/// share comes back when her requests end.
#[tokio::test]
async fn one_user_has_her_share_of_the_requests_in_flight_from_any_address() {
    let s = TestServer::start_with(config(Transport {
        max_in_flight_per_user: 2,
        body_idle_timeout: Duration::from_secs(300),
        request_timeout: Duration::from_secs(300),
        ..Transport::default()
    }));
    let (siti, agus) = (Api::sign_in(&s, SITI).await, Api::sign_in(&s, AGUS).await);
    // Her phone and her laptop: two sessions, two tokens, one share.
    let laptop = Api::sign_in(&s, SITI).await;
    assert_ne!(siti.token, laptop.token, "two sessions");
    let mut held = Vec::new();
    for (token, from) in [
        (&siti.token, [127, 0, 0, 1]),
        (&laptop.token, [127, 0, 0, 2]),
        (&siti.token, [127, 0, 0, 3]),
        (&laptop.token, [127, 0, 0, 2]),
    ] {
        held.push(hold_a_change(&s, token, from).await);
    }
    // Whichever two reach the server first are in flight; the others are answered at once.
    let (waiting, refused) = sort_out(&mut held, Duration::from_secs(3)).await;
    assert_eq!((waiting, refused), (2, 2), "two of hers in flight, the rest refused busy");
    let r = siti.get("/me").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "her share is taken, from this address too");
    let e: ApiError = r.json().await.expect("the refusal is {code, message}");
    assert_eq!(e.code, ErrorCode::ServerBusy, "{e:?}");
    assert_eq!(agus.get("/me").await.status(), StatusCode::OK, "another user is served meanwhile");
    // A token that names nobody is nobody's share: answered for what it is.
    let r = reqwest::Client::new().get(siti.url("/me")).bearer_auth("tidak-ada").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "an unknown token is unauthorised, not busy");
    drop(held);
    let deadline = std::time::Instant::now() + FAILSAFE;
    loop {
        let status = siti.get("/me").await.status();
        if status == StatusCode::OK {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "her share comes back when her requests end: {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A keyed change runs on in its own task when its client hangs up (so its claim is answered and a retry
/// finds it), and its places in the in-flight shares go with it: they were given back when the client went,
/// so one account sending changes and hanging up at once had any number of them at work past its share
/// (each claiming its key in the database, queued in front of everyone for its connections) while the
/// database was slow (found by a read-only review).
#[tokio::test]
async fn a_change_whose_client_hung_up_keeps_its_share_until_it_ends() {
    let s = TestServer::start_with(config(Transport { max_in_flight_per_user: 1, ..Transport::default() }));
    let siti = Api::sign_in(&s, SITI).await;
    // The database held by the test, so her changes cannot end before it lets go (SQLite: any write holds
    // the file's one write lock; PostgreSQL: the records table's).
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    let mut hold = db.pool.begin().await.unwrap();
    let lock = if s.sqlite_path().is_some() {
        "UPDATE users SET full_name = full_name WHERE id = 'tidak-ada'"
    } else {
        "LOCK TABLE records IN EXCLUSIVE MODE"
    };
    sqlx::query(lock).execute(&mut *hold).await.unwrap();
    let mut answers = Vec::new();
    for n in 0..6 {
        let body = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(), "kind": "lainnya", "title": format!("Ditinggal {n}"), "jp": 2
        })
        .to_string();
        let mut tcp = TcpStream::connect(s.addr()).await.unwrap();
        let head = format!(
            "POST /api/v1/pkb/items HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\
             Idempotency-Key: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            siti.token,
            uuid::Uuid::new_v4(),
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        // Its answer if one comes (a refusal), then the client is gone. The first is only given the time
        // to reach the database (it waits there while the test holds it); each other one may take its
        // time on a busy machine: refused, it is answered at once, and otherwise it waits too.
        let wait = Duration::from_millis(if n == 0 { 500 } else { 3_000 });
        let mut buf = vec![0u8; 512];
        let answer = match tokio::time::timeout(wait, tcp.read(&mut buf)).await {
            Ok(Ok(k)) if k > 0 => String::from_utf8_lossy(&buf[..k]).into_owned(),
            _ => String::new(),
        };
        answers.push(answer.lines().next().unwrap_or("(none yet)").to_owned());
        drop(tcp);
    }
    hold.rollback().await.unwrap();
    db.pool.close().await;
    assert_eq!(answers[0], "(none yet)", "her first change waits for the database");
    assert!(
        answers[1..].iter().all(|a| a.starts_with("HTTP/1.1 503")),
        "while it waits, her share is its own, though she hung up: the rest are refused busy ({answers:?})"
    );
    // Her share comes back once the change she left has ended.
    let deadline = std::time::Instant::now() + FAILSAFE;
    while siti.get("/pkb").await.status() != StatusCode::OK {
        assert!(std::time::Instant::now() < deadline, "her share comes back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Half a request head: the connection is held open, waiting for the rest (as a download never read
/// holds one, or a head sent a byte at a time).
async fn hold_a_connection(s: &TestServer) -> TcpStream {
    let mut held = TcpStream::connect(s.addr()).await.unwrap();
    held.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: te").await.unwrap();
    held
}

#[tokio::test]
async fn one_address_holding_every_connection_gives_its_oldest_up_to_another() {
    // Heads may take longer than the test: only the fair share can free a connection.
    let s = TestServer::start_with(config(Transport {
        max_connections: 6,
        header_read_timeout: FAILSAFE * 4,
        ..Transport::default()
    }));
    // One address takes every connection. The server is not full before the last: a school's router
    // may hold many more than its fair share while there is room, and keeps them.
    let mut held = Vec::new();
    for _ in 0..6 {
        held.push(hold_a_connection(&s).await);
    }
    // The first is made the quietest beyond doubt: the others send a byte more, well after it. (Connected
    // in order is not enough: on a loaded machine the server may read the first's half head a millisecond
    // after another's, and CI once saw the second closed instead.)
    tokio::time::sleep(Duration::from_millis(100)).await;
    for h in held.iter_mut().skip(1) {
        h.write_all(b"s").await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Another address (127.0.0.2 is this machine too) is served all the same, queued behind the six.
    let other =
        reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build().unwrap();
    let asked = other.get(format!("{}/api/v1/health", s.base_url())).send();
    let r = tokio::time::timeout(FAILSAFE, asked)
        .await
        .expect("another client waited for a connection one address held")
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the other client is answered");
    // The place it took was the holder's quietest connection (its first: nothing moved on any since its
    // half head), closed unanswered.
    assert_eq!(
        read_until_closed(&mut held[0]).await.as_deref(),
        Some(&b""[..]),
        "the holder's quietest connection was closed to make room"
    );
    // Full again (five held, the other client's kept alive): one more from the holder is closed at
    // once, not queued until a place frees, and not given one of the others'.
    let mut more = TcpStream::connect(s.addr()).await.unwrap();
    more.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n").await.unwrap();
    assert_eq!(
        read_until_closed(&mut more).await.as_deref(),
        Some(&b""[..]),
        "a newcomer from the address holding the most, with none to spare, is closed"
    );
    for (i, h) in held.iter_mut().enumerate().skip(1) {
        assert_eq!(answer_so_far(h).await, "", "the holder's connection {i} was left open");
    }
    let again = other.get(format!("{}/api/v1/health", s.base_url())).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "the other client's connection was left open too");
}

#[tokio::test]
async fn clients_holding_every_connection_from_several_addresses_give_one_up_too() {
    let s = TestServer::start_with(config(Transport {
        max_connections: 6,
        header_read_timeout: FAILSAFE * 4,
        ..Transport::default()
    }));
    // Three from each of two addresses: no address holds a fixed share's worth, the server is full.
    let mut held = Vec::new();
    for from in [[127, 0, 0, 1], [127, 0, 0, 3]] {
        for _ in 0..3 {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind((std::net::Ipv4Addr::from(from), 0).into()).unwrap();
            let mut tcp = socket.connect(s.addr()).await.unwrap();
            tcp.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: te").await.unwrap();
            held.push(tcp);
        }
    }
    // One more from an address that holds its share already: closed at once, not waited for (while the
    // accept loop waited for a place for it, nobody behind it would be let in).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((std::net::Ipv4Addr::from([127, 0, 0, 3]), 0).into()).unwrap();
    let mut again = socket.connect(s.addr()).await.unwrap();
    again.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: te").await.unwrap();
    let other =
        reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build().unwrap();
    let asked = other.get(format!("{}/api/v1/health", s.base_url())).send();
    let r = tokio::time::timeout(FAILSAFE, asked)
        .await
        .expect("a client holding none waited while two others held three each")
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        read_until_closed(&mut again).await.as_deref(),
        Some(&b""[..]),
        "the newcomer of a client that has its share was closed"
    );
}

#[tokio::test]
async fn an_answer_the_client_stops_reading_is_given_up() {
    let s = TestServer::start_with(config(Transport {
        write_stall_timeout: Duration::from_secs(1),
        ..Transport::default()
    }));
    let siti = Api::sign_in(&s, SITI).await;
    // The largest attachment of the catalogue (over 5 MB).
    let all: Vec<penggerak_types::material::Material> = siti.get("/materials").await.json().await.unwrap();
    let (m, f) =
        all.iter().flat_map(|m| m.files.iter().map(move |f| (m, f))).max_by_key(|(_, f)| f.size).unwrap();
    // A receive buffer of a few kilobytes, never read: the server's writes stop once its own send buffer
    // is full.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut tcp = socket.connect(s.addr()).await.unwrap();
    let head = format!(
        "GET /api/v1/materials/{}/files/{} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\r\n",
        m.id, f.id, siti.token
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    // Read now: what was in the buffers, then the end.
    let got = read_until_closed(&mut tcp).await.expect("the server closed the connection");
    let text = String::from_utf8_lossy(&got[..got.len().min(2048)]).into_owned();
    assert!(text.starts_with("HTTP/1.1 200"), "the answer had begun: {}", &text[..text.len().min(200)]);
    let length: usize = text
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap())
        })
        .expect("the file's length is said");
    let body = got.len() - (text.find("\r\n\r\n").unwrap() + 4);
    assert!(body < length, "given up before its end ({body} of {length} bytes) while nobody read it");
}

#[tokio::test]
async fn over_tls_a_client_stalled_in_its_handshakes_gives_one_up_too() {
    let ca = penggerak_testkit::TestCa::new("Dinas test CA");
    let s = TestServer::start_tls(
        config(Transport { max_connections: 4, header_read_timeout: FAILSAFE * 4, ..Transport::default() }),
        &ca,
    );
    // Four connections that never say hello: each holds a place in its handshake.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(s.addr()).await.unwrap());
    }
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(ca.pem_path()).unwrap()).unwrap())
        .build()
        .unwrap();
    let asked = other.get(format!("{}/api/v1/health", s.base_url())).send();
    let r = tokio::time::timeout(FAILSAFE, asked)
        .await
        .expect("another client waited for a connection held in its handshake")
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(read_until_closed(&mut held[0]).await.as_deref(), Some(&b""[..]), "the oldest was closed");
}

/// After `wait`, how many of `held` are still waiting for their answer and how many were refused busy
/// (any other answer fails the test).
async fn sort_out(held: &mut [TcpStream], wait: Duration) -> (usize, usize) {
    tokio::time::sleep(wait).await;
    let (mut waiting, mut refused) = (0, 0);
    for h in held.iter_mut() {
        let answer = answer_so_far(h).await;
        if answer.is_empty() {
            waiting += 1;
        } else {
            assert!(
                answer.contains(" 503 ") && answer.contains("server_busy"),
                "refused busy, or nothing: {answer}"
            );
            refused += 1;
        }
    }
    (waiting, refused)
}

/// An upload of `token`'s whose body is announced (1 MB) and barely begun: held until the test lets go.
async fn hold_an_upload(s: &TestServer, token: &str) -> TcpStream {
    let mut tcp = TcpStream::connect(s.addr()).await.unwrap();
    let head = format!(
        "PUT /api/v1/kinerja/evidence/{}?plan_id=x&title=t&file_name=f.pdf HTTP/1.1\r\nHost: test\r\n\
         Authorization: Bearer {token}\r\nIdempotency-Key: {}\r\nContent-Length: 1000000\r\n\r\n%PDF-1.4\n",
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp
}

/// Uploads are held whole in memory until stored: one account sending them slowly could hold gigabytes
/// (60 uploads of 11 MB one byte short of whole took the server from 538 to 1,117 MB). Two of one user's
/// at once; a third is refused at once, and another user's is not held up.
#[tokio::test]
async fn one_user_receives_two_uploads_at_once_and_is_refused_a_third() {
    let s = TestServer::start_with(config(Transport {
        body_idle_timeout: Duration::from_secs(300),
        upload_timeout: Duration::from_secs(300),
        ..Transport::default()
    }));
    let (siti, agus) = (Api::sign_in(&s, SITI).await, Api::sign_in(&s, AGUS).await);
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(hold_an_upload(&s, &siti.token).await);
    }
    // Whichever two reach the server first are received; the others are answered at once.
    let (waiting, refused) = sort_out(&mut held, Duration::from_secs(3)).await;
    assert_eq!((waiting, refused), (2, 2), "two of hers received at once, the rest refused busy");
    // Removing evidence (the route's DELETE) sends no file and takes no turn.
    let r = siti
        .send(
            Method::DELETE,
            &format!("/kinerja/evidence/{}", uuid::Uuid::new_v4()),
            Some(serde_json::json!({"base_version": 1})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "answered for what it is, not refused busy");
    let mut other = hold_an_upload(&s, &agus.token).await;
    let answer = tokio::time::timeout(Duration::from_secs(2), read_until_closed(&mut other)).await;
    assert!(answer.is_err(), "another user's upload is received meanwhile: {answer:?}");
    drop(held);
}

/// Until `upload`s of hers are both received (waiting for their files) rather than refused busy: her
/// turns are free. Fails after [`FAILSAFE`].
async fn until_two_of_hers_are_received(s: &TestServer, token: &str, why: &str) {
    let deadline = std::time::Instant::now() + FAILSAFE;
    loop {
        let mut two = vec![hold_an_upload(s, token).await, hold_an_upload(s, token).await];
        let (waiting, refused) = sort_out(&mut two, Duration::from_millis(300)).await;
        if waiting == 2 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{why}: {waiting} received, {refused} refused busy");
    }
}

#[tokio::test]
async fn an_upload_that_fails_or_is_left_gives_its_turn_back() {
    // Files that stop coming are cut after a second: the turns come back with the 408.
    let s = TestServer::start_with(config(Transport {
        body_idle_timeout: Duration::from_secs(1),
        ..Transport::default()
    }));
    let siti = Api::sign_in(&s, SITI).await;
    let mut held = vec![hold_an_upload(&s, &siti.token).await, hold_an_upload(&s, &siti.token).await];
    for h in &mut held {
        let (status, _) = parse_answer(&read_until_closed(h).await.expect("a stalled file is cut"));
        assert_eq!(status, 408, "the stalled file is cut");
    }
    until_two_of_hers_are_received(&s, &siti.token, "turns given back after the 408").await;

    // Files that would wait for minutes: only her leaving (the app killed, the link gone) can end them.
    let s = TestServer::start_with(config(Transport {
        body_idle_timeout: Duration::from_secs(300),
        upload_timeout: Duration::from_secs(300),
        ..Transport::default()
    }));
    let siti = Api::sign_in(&s, SITI).await;
    let mut held = vec![hold_an_upload(&s, &siti.token).await, hold_an_upload(&s, &siti.token).await];
    let (waiting, _) = sort_out(&mut held, Duration::from_millis(300)).await;
    assert_eq!(waiting, 2, "both received");
    drop(held);
    until_two_of_hers_are_received(&s, &siti.token, "turns given back when she left").await;
}

#[tokio::test]
async fn every_refusal_of_a_malformed_request_is_code_and_message() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let cases = [
        ("a query value that is not a number", siti.get("/sync?limit=abc").await, StatusCode::BAD_REQUEST),
        (
            "a query value that is not a boolean",
            siti.get("/communities?mine=maybe").await,
            StatusCode::BAD_REQUEST,
        ),
        ("a path segment that is not UTF-8", siti.get("/communities/%FF").await, StatusCode::BAD_REQUEST),
        (
            "JSON that does not parse",
            siti.c
                .post(siti.url("/auth/login"))
                .header("content-type", "application/json")
                .body("{")
                .send()
                .await
                .unwrap(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a body that is not JSON",
            siti.c
                .post(siti.url("/auth/login"))
                .header("content-type", "text/plain")
                .body("identifier=x")
                .send()
                .await
                .unwrap(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a sign-in body over the JSON limit",
            siti.c
                .post(siti.url("/auth/login"))
                .header("content-type", "application/json")
                .body(vec![b' '; Transport::default().max_json_body + 1])
                .send()
                .await
                .unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (what, r, status) in cases {
        assert_eq!(r.status(), status, "{what}");
        let text = r.text().await.unwrap();
        let e: ApiError = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{what}: the refusal is {{code, message}}, not {text:?}"));
        assert_eq!(e.code.http_status(), status.as_u16(), "{what}: the code matches the status: {e:?}");
        assert!(!e.message.contains("Failed") && !e.message.contains("serde"), "{what}: {e:?}");
    }
}

#[tokio::test]
async fn a_keyed_body_over_the_route_limit_is_413_before_it_is_buffered() {
    // JSON routes take 1 KiB here; the global (upload) maximum stays 11 MB. A 64 KiB JSON body to a keyed
    // route must be refused with the route's limit, not read up to the upload maximum first.
    let s = TestServer::start_with(config(Transport { max_json_body: 1024, ..Transport::default() }));
    let agus = Api::sign_in(&s, AGUS).await;
    let big = serde_json::json!({ "title": "x".repeat(64 * 1024) });
    let r = agus.send(Method::POST, "/communities/kom-02/join", Some(big)).await;
    common::expect_error(r, StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge).await;
    // Over the global maximum, announced by Content-Length: refused on the head alone, no byte of the
    // body sent.
    let mut tcp = TcpStream::connect(s.addr()).await.unwrap();
    let head = format!(
        "PUT /api/v1/kinerja/evidence/{}?plan_id=x&title=t&file_name=f.pdf HTTP/1.1\r\nHost: test\r\n\
         Authorization: Bearer {}\r\nIdempotency-Key: {}\r\nContent-Length: {}\r\n\r\n",
        uuid::Uuid::new_v4(),
        agus.token,
        uuid::Uuid::new_v4(),
        Transport::default().hard_body_cap() + 1
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let answered = tokio::time::timeout(FAILSAFE, async {
        while !String::from_utf8_lossy(&raw).contains("}") {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(answered.is_ok(), "the server answers a too-large upload without waiting for its body");
    let (status, body) = parse_answer(&raw);
    assert_eq!(status, 413, "over the global maximum: {}", String::from_utf8_lossy(&raw));
    assert_eq!(body.map(|e| e.code), Some(ErrorCode::PayloadTooLarge), "as {{code, message}}");
}

#[tokio::test]
async fn a_path_with_auth_in_it_is_still_keyed() {
    let s = TestServer::start();
    let agus = Api::sign_in(&s, AGUS).await;
    // A community whose id is "auth": the idempotency layer must not take this for a sign-in route.
    let r = agus.send_keyed(Method::POST, "/communities/auth/join", None, None).await;
    let e = common::expect_error(r, StatusCode::BAD_REQUEST, ErrorCode::BadRequest).await;
    assert!(e.message.contains("Idempotency-Key"), "the key is asked for: {e:?}");
}

#[tokio::test]
async fn an_answer_too_large_to_store_is_replayed_as_done() {
    // Every answer is larger than 16 bytes: none can be kept whole for a replay.
    let s = TestServer::start_with(config(Transport { max_stored_response: 16, ..Transport::default() }));
    let agus = Api::sign_in(&s, AGUS).await;
    let key = uuid::Uuid::new_v4().to_string();
    let first = agus.send_keyed(Method::POST, "/communities/kom-02/join", None, Some(&key)).await;
    assert_eq!(first.status(), StatusCode::OK, "the change applies and its whole answer goes to the client");
    let first: Changed = first.json().await.unwrap();
    assert!(!first.records.is_empty(), "the first answer carries the changed records");
    let again = agus.send_keyed(Method::POST, "/communities/kom-02/join", None, Some(&key)).await;
    assert_eq!(again.status(), StatusCode::OK, "a retry learns the change was applied, once");
    assert_eq!(
        again.headers().get(IDEMPOTENT_REPLAYED).map(|v| v.as_bytes()),
        Some(&b"true"[..]),
        "the retry is a replay, not a second run"
    );
    let again: Changed = again.json().await.unwrap();
    assert!(again.records.is_empty(), "the replay names no records: the next sync brings them");
}

#[tokio::test]
async fn a_user_makes_at_most_the_days_changes_and_what_was_answered_is_still_replayed() {
    let s = TestServer::start_with(config(Transport { changes_per_day: 3, ..Transport::default() }));
    let siti = Api::sign_in(&s, SITI).await;
    // Four activities added to her plan, each a change of its own with its own key.
    let ids: Vec<String> = (0..4).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let keys: Vec<String> = (0..4).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let siti = &siti;
    let add = |i: usize| {
        let (id, key) = (ids[i].clone(), keys[i].clone());
        async move {
            let body =
                serde_json::json!({"id": id, "kind": "lainnya", "title": format!("Kegiatan {i}"), "jp": 2});
            siti.send_keyed(Method::POST, "/pkb/items", Some(body), Some(&key)).await
        }
    };
    for i in 0..3 {
        assert_eq!(add(i).await.status(), StatusCode::OK, "within the day's count");
    }
    let over = add(3).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS, "the day's fourth change is refused for now");
    assert!(over.headers().get(IDEMPOTENT_REPLAYED).is_none(), "refused, not a replay");
    let wait: u64 = over.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait), "Retry-After says when the next UTC day begins: {wait}");
    let e = over.json::<ApiError>().await.unwrap();
    assert_eq!(e.code, ErrorCode::RateLimited, "the app waits on it");
    assert_eq!(
        e.reason,
        Some(penggerak_types::Reason::ChangesPerDay { max: 3 }),
        "the refusal says which limit, so the app words it (not \"too many attempts\")"
    );
    let again = add(3).await;
    assert_eq!(
        again.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "its key was given back, not kept as its answer"
    );
    assert!(again.headers().get(IDEMPOTENT_REPLAYED).is_none(), "nor replayed");
    let (records, _) = siti.sync_all().await;
    assert!(records.iter().any(|r| r.id == ids[2]), "the third was added");
    assert!(!records.iter().any(|r| r.id == ids[3]), "the fourth did not run");
    // A change already answered is answered again whatever the count: a device that lost the answer
    // learns it was applied.
    let replay = add(1).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.headers().get(IDEMPOTENT_REPLAYED).map(|v| v.as_bytes()), Some(&b"true"[..]));
    // Another user's day is his own.
    let agus = Api::sign_in(&s, AGUS).await;
    let r = agus.send(Method::POST, "/communities/kom-02/join", None).await;
    assert_eq!(r.status(), StatusCode::OK, "another user is not held back by her count");
}

#[tokio::test]
async fn past_the_days_kept_bytes_an_answer_is_replayed_as_done() {
    // The size of one answer, from a server with the usual bounds.
    let usual = TestServer::start();
    let agus = Api::sign_in(&usual, AGUS).await;
    let one = agus.send(Method::POST, "/communities/kom-02/join", None).await.bytes().await.unwrap().len();
    // Room for one such answer a day, not two.
    let s = TestServer::start_with(config(Transport {
        kept_bytes_per_day: one + one / 2,
        ..Transport::default()
    }));
    let agus = Api::sign_in(&s, AGUS).await;
    let (first, second) = (uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string());
    for key in [&first, &second] {
        let r = agus.send_keyed(Method::POST, "/communities/kom-02/join", None, Some(key)).await;
        let answer: Changed = r.json().await.unwrap();
        assert!(!answer.records.is_empty(), "each answer goes whole to the client, kept or not");
    }
    let agus = &agus;
    let replayed = |key: String| async move {
        let r = agus.send_keyed(Method::POST, "/communities/kom-02/join", None, Some(&key)).await;
        assert_eq!(r.headers().get(IDEMPOTENT_REPLAYED).map(|v| v.as_bytes()), Some(&b"true"[..]));
        r.json::<Changed>().await.unwrap()
    };
    assert!(!replayed(first).await.records.is_empty(), "the day's first answer was kept whole");
    assert!(
        replayed(second).await.records.is_empty(),
        "the second, past the day's bytes, was kept as done: the next sync brings its records"
    );
}

#[test]
fn a_database_password_is_never_printed_when_the_server_cannot_start() {
    const PASSWORD: &str = "s3cret-Pa55word";
    for url in [
        format!("postgres://penggerak:{PASSWORD}@127.0.0.1:1/penggerak"),
        format!("mysql://penggerak:{PASSWORD}@127.0.0.1:1/penggerak"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
            .args(["--listen", "127.0.0.1:0", "--database", &url])
            .output()
            .expect("the server binary runs");
        let printed =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "no database answers on port 1: the server cannot start ({url})");
        assert!(printed.contains("127.0.0.1:1"), "the error says which database failed: {printed}");
        assert!(!printed.contains(PASSWORD), "the password is redacted from what is printed: {printed}");
    }
}
