//! Berbagi di sekolah with two real engines on this machine (two data folders, two accounts), the real
//! reference server behind counting proxies, and the real door each engine opens.

use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, ChaosMode, ChaosProxy, TestServer};
use penggerak_types::ipc::{PreferencesChange, Saved};
use penggerak_types::peer;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "3471765432100002";
/// The demo catalogue's big module: one ~6 MB PDF.
const BIG: &str = "materi-01";

fn sharing(on: bool) -> PreferencesChange {
    PreferencesChange { share_on_network: Some(on), ..Default::default() }
}

/// A teacher's engine in its own folder, signed in and synced through `proxy` (which counts what the
/// server sends her), with sharing on; discovery on the network only in the namespace test (the others
/// multicast nothing onto the machine's network).
async fn teacher(who: &str, proxy: &ChaosProxy) -> (tempfile::TempDir, Arc<Engine>) {
    teacher_with(who, proxy, false).await
}

async fn teacher_with(who: &str, proxy: &ChaosProxy, discovery: bool) -> (tempfile::TempDir, Arc<Engine>) {
    let dir = tempfile::tempdir().unwrap();
    let mut engine =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    engine.set_discovery(discovery);
    // Any free port, not the app's own: test binaries run side by side, and a door closed here must
    // not find another test's door on the shared port when it checks that nothing listens there.
    engine.set_door_port(0);
    engine.sign_in(demo_sign_in(who, &proxy.base_url())).await.unwrap();
    engine.sync_now().await.unwrap();
    engine.set_preferences(sharing(true)).await.unwrap();
    (dir, Arc::new(engine))
}

async fn port(e: &Engine) -> Option<u16> {
    e.sharing().await.unwrap().port
}

async fn door(e: &Engine) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port(e).await.expect("the door is open while sharing is on")))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The big module's file as B saved it: whole and the catalogue's version.
async fn assert_saved_whole(e: &Engine) {
    let r = e.material(BIG).await.unwrap();
    assert_eq!(r.item.saved, Saved::Yes, "{:?}", r.item);
    for f in &r.files {
        let bytes = std::fs::read(f.path.as_deref().unwrap()).unwrap();
        assert_eq!(sha256_hex(&bytes), f.file.sha256, "{} is the catalogue's version", f.file.name);
    }
}

/// One raw `GET` to a door; the status code it answers.
async fn status_of(at: SocketAddr, path: &str, range: Option<&str>) -> u16 {
    let mut s = tokio::net::TcpStream::connect(at).await.unwrap();
    let range = range.map(|r| format!("Range: {r}\r\n")).unwrap_or_default();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n{range}Connection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).await.unwrap();
    std::str::from_utf8(&head[9..12]).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_gets_a_big_material_from_a_colleague_and_not_from_the_server() {
    let server = TestServer::start();
    let to_a = ChaosProxy::start(server.addr(), 1);
    let to_b = ChaosProxy::start(server.addr(), 2);
    let (_a_dir, a) = teacher(SITI, &to_a).await;
    a.save_material(BIG).await.unwrap();
    let (_b_dir, b) = teacher(BAMBANG, &to_b).await;
    let size = b.material(BIG).await.unwrap().item.material.files[0].size;
    assert!(size > 5_000_000, "the big module's file is ~6 MB: {size} B");

    let shown = b.add_peer(&door(&a).await.to_string()).await.unwrap();
    assert!(shown.serving && shown.peers.iter().any(|p| p.added && !p.dropped), "{shown:?}");
    // The school's link to the internet is down: only the colleague's device can help.
    to_b.set_mode(ChaosMode::Down);
    let before = to_b.bytes().0;
    let saved = b.save_material(BIG).await.expect("saved from the colleague's device alone");
    let from_server = to_b.bytes().0 - before;
    println!("{size} B file; the server sent B {from_server} B while she saved it (its link was down)");
    assert_eq!(saved.item.saved, Saved::Yes);
    assert_eq!(from_server, 0, "the text and the file came from Siti's device: nothing from the server");
    assert_eq!(
        saved.content,
        a.material(BIG).await.unwrap().content,
        "the text is the catalogue's version, checked against its tag"
    );
    to_b.set_mode(ChaosMode::Pass);
    assert_saved_whole(&b).await;
    let used = b.data_use().await.unwrap();
    assert!(
        used.total_from_peers() >= size && used.total().1 < 64 * 1024,
        "data use says the material came from a colleague, not over paid data: {used:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_door_serves_only_saved_files_by_their_hash() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 3);
    let (_dir, a) = teacher(SITI, &proxy).await;
    a.save_material(BIG).await.unwrap();
    let sha = a.material(BIG).await.unwrap().files[0].file.sha256.clone();
    let at = door(&a).await;
    assert_eq!(status_of(at, &peer::file_path(&sha), Some("bytes=0-99")).await, 206, "a saved file's part");
    let catalogue = a.materials().await.unwrap().materials;
    let other = catalogue
        .iter()
        .find(|m| m.material.id != BIG && !m.material.files.is_empty())
        .map(|m| m.material.files[0].sha256.clone())
        .expect("the demo catalogue has another material with a file");
    for (path, why) in [
        (peer::file_path(&other), "a hash of the catalogue this device has not saved"),
        (peer::file_path(&"0".repeat(64)), "a hash nobody has"),
        ("/berbagi/v1/files/../../account.sqlite".to_owned(), "a path-like id"),
        ("/berbagi/v1/files/%2e%2e%2fmaterials".to_owned(), "an encoded path"),
        ("/".to_owned(), "a listing"),
        (format!("{}/../{}", peer::file_path(&sha), sha), "a saved hash with a path after it"),
    ] {
        assert_eq!(status_of(at, &path, Some("bytes=0-99")).await, 404, "{why}: {path}");
    }
    let tag = a.material(BIG).await.unwrap().item.material.content_etag;
    let text = peer::text_path(&tag).expect("the reference server's tag has the contract's form");
    assert_eq!(status_of(at, &text, None).await, 200, "a saved text, by its tag");
    for path in [
        peer::text_path(&format!("\"{}\"", "0".repeat(32))).unwrap(),
        "/berbagi/v1/texts/../files".to_owned(),
    ] {
        assert_eq!(status_of(at, &path, None).await, 404, "{path}");
    }
    assert_eq!(status_of(at, &peer::file_path(&sha), None).await, 400, "a part is asked for with a range");
    assert_eq!(
        status_of(at, &peer::file_path(&sha), Some("bytes=99999999-")).await,
        416,
        "a range past the end"
    );
    // A head far over the bound is refused without being buffered.
    let mut s = tokio::net::TcpStream::connect(at).await.unwrap();
    let long = format!("GET {} HTTP/1.1\r\nX: {}\r\n\r\n", peer::file_path(&sha), "a".repeat(64 * 1024));
    let _ = s.write_all(long.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "a head over the bound is not served: {:?}",
        &answer[..answer.len().min(40)]
    );
}

/// What a broken or lying colleague's device sends.
#[derive(Clone, Copy, PartialEq)]
enum Lies {
    /// Every file part whole, of zeros; no texts.
    Zeros,
    /// As [`Lies::Zeros`], and a text that is not the one asked for.
    Texts,
    /// One byte of each file part asked for (a zero): each answer a valid part, the file never done.
    Drips,
}

/// A device on the network that lies as `lies` says. Also answers how many requests it was sent.
async fn lying_peer(lies: Lies) -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    let texts = lies == Lies::Texts;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && s.read_exact(&mut byte).await.is_ok() {
                    head.push(byte[0]);
                }
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let head = String::from_utf8_lossy(&head).to_lowercase();
                if head.contains("/texts/") && !texts {
                    let _ = s
                        .write_all(
                            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                    return;
                }
                if head.contains("/texts/") {
                    // A text that is not the catalogue's version.
                    let body = r#"{"sections":[{"heading":"Palsu","paragraphs":["Bukan materi ini."]}]}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = s.write_all(answer.as_bytes()).await;
                    return;
                }
                let range = head.lines().find_map(|l| l.strip_prefix("range: bytes=")).unwrap_or("0-0");
                let (first, last) = range.split_once('-').unwrap();
                let (first, mut last): (u64, u64) = (first.parse().unwrap(), last.trim().parse().unwrap());
                if lies == Lies::Drips {
                    last = first;
                }
                let len = last - first + 1;
                let answer = format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {first}-{last}/*\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                );
                let _ = s.write_all(answer.as_bytes()).await;
                let _ = s.write_all(&vec![0u8; len as usize]).await;
            });
        }
    });
    (at, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_sends_a_damaged_file_is_dropped_and_the_server_completes_it() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 4);
    let (_dir, b) = teacher(BAMBANG, &proxy).await;
    let (liar, asked) = lying_peer(Lies::Zeros).await;
    b.add_peer(&liar.to_string()).await.unwrap();
    let saved = b.save_material(BIG).await.expect("the server completes what the liar spoiled");
    assert_eq!(saved.item.saved, Saved::Yes);
    assert_saved_whole(&b).await;
    let now = b.sharing().await.unwrap();
    let shown = now.peers.iter().find(|p| p.address == liar.to_string()).expect("the liar is still listed");
    assert!(shown.dropped, "the peer that sent a damaged file is dropped: {now:?}");
    let lied = asked.load(std::sync::atomic::Ordering::SeqCst);
    assert!(lied > 0, "the liar was asked first (and lied)");
    // Dropped: the next download does not ask it again.
    b.remove_material(BIG).await.unwrap();
    b.save_material(BIG).await.unwrap();
    assert_saved_whole(&b).await;
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), lied, "a dropped peer is not asked again");
}

/// A device that answers each part with one byte (each answer a valid part) is asked for one part, not
/// for the 6 MB file a byte at a time: the download made millions of requests to it, holding her download
/// (and the others waiting on it) for hours. A part shorter than asked for (short of the file's end) ends that
/// device's turn for this file; the server completes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_sends_a_byte_at_a_time_is_asked_for_one_part_and_the_server_completes_it() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 5);
    let (_dir, b) = teacher(BAMBANG, &proxy).await;
    let (dripper, asked) = lying_peer(Lies::Drips).await;
    b.add_peer(&dripper.to_string()).await.unwrap();
    let saved = tokio::time::timeout(Duration::from_secs(120), b.save_material(BIG))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "still downloading after 2 minutes: the device was asked {} times",
                asked.load(std::sync::atomic::Ordering::SeqCst)
            )
        })
        .expect("the server completes it");
    assert_eq!(saved.item.saved, Saved::Yes);
    assert_saved_whole(&b).await;
    let n = asked.load(std::sync::atomic::Ordering::SeqCst);
    // Asked for the text (it has none) and for one part. Its one byte is in the file until the hash shows
    // it wrong (a zero, not the file's first byte): then the file is fetched again without it, which does
    // not ask it again either.
    assert!(n <= 2, "the device sending a byte at a time was asked for one part, not {n} times");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_switched_off_mid_transfer_stops_at_once_and_b_resumes_from_the_server() {
    let server = TestServer::start();
    let to_a = ChaosProxy::start(server.addr(), 5);
    let to_b = ChaosProxy::start(server.addr(), 6);
    let (_a_dir, a) = teacher(SITI, &to_a).await;
    a.save_material(BIG).await.unwrap();
    let (_b_dir, b) = teacher(BAMBANG, &to_b).await;
    let size = b.material(BIG).await.unwrap().item.material.files[0].size;
    // A slow link between the two phones, so that the switch comes mid-file.
    let between = ChaosProxy::start(door(&a).await, 7);
    between.set_mode(ChaosMode::Bad {
        latency: Duration::ZERO,
        bytes_per_sec: 1_000_000,
        reset: 0.0,
        hang: 0.0,
    });
    b.add_peer(&format!("127.0.0.1:{}", between.base_url().rsplit(':').next().unwrap())).await.unwrap();
    let task = tokio::spawn({
        let b = Arc::clone(&b);
        async move { b.save_material(BIG).await }
    });
    let started = Instant::now();
    let at_switch = loop {
        let got = b.material(BIG).await.unwrap().item.saved_bytes;
        if got >= size / 4 {
            break got;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "nothing came from the colleague: {got} B");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let a_door = door(&a).await;
    let from_server_before = to_b.bytes().0;
    a.set_preferences(sharing(false)).await.unwrap();
    assert!(port(&a).await.is_none(), "the setting off closes the door");
    assert!(
        tokio::net::TcpStream::connect(a_door).await.is_err(),
        "nobody can connect once sharing is off: the door stopped listening"
    );
    let saved = task.await.unwrap().expect("B completes from the server");
    let from_server = to_b.bytes().0 - from_server_before;
    println!(
        "{size} B file; {at_switch} B on B's device at the switch; the server then sent {from_server} B"
    );
    assert_eq!(saved.item.saved, Saved::Yes);
    assert_saved_whole(&b).await;
    assert!(
        from_server <= size - at_switch + 64 * 1024,
        "B resumed where she stopped: the server sent {from_server} B for the {} B left",
        size - at_switch
    );
    let used = b.data_use().await.unwrap();
    assert!(used.total_from_peers() >= at_switch, "what came from the colleague is counted: {used:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_door_is_open_only_while_sharing_is_on_and_someone_is_signed_in() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 8);
    let dir = tempfile::tempdir().unwrap();
    let mut e =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    e.set_discovery(false);
    e.set_door_port(0);
    e.set_preferences(sharing(true)).await.unwrap();
    assert!(port(&e).await.is_none(), "signed out: nothing is served");
    assert!(!e.sharing().await.unwrap().serving);
    e.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    let at = door(&e).await;
    assert!(e.sharing().await.unwrap().serving, "signed in with the setting on: serving");
    e.sign_out(true).await.unwrap();
    assert!(port(&e).await.is_none(), "sign-out closes the door");
    assert!(tokio::net::TcpStream::connect(at).await.is_err(), "and nothing listens there any more");
    e.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    assert!(port(&e).await.is_some(), "the setting outlives the session");
    e.set_preferences(sharing(false)).await.unwrap();
    assert!(port(&e).await.is_none());

    // Typed addresses: only local ones, bounded, kept.
    for bad in ["8.8.8.8:47800", "sekolah.local:47800", "http://192.168.1.5"] {
        let refused = e.add_peer(bad).await.expect_err(bad);
        assert_eq!(refused.to_api_error().code, penggerak_types::ErrorCode::Validation, "{bad}: {refused}");
    }
    for i in 1..=penggerak_types::limits::PEERS {
        e.add_peer(&format!("192.168.1.{i}")).await.unwrap();
    }
    let over = e.add_peer("192.168.2.1").await.expect_err("one peer too many");
    assert_eq!(over.to_api_error().code, penggerak_types::ErrorCode::Validation, "{over}");
    e.remove_peer("192.168.1.1:47800").await.unwrap();
    e.add_peer("192.168.2.1").await.unwrap();
}

/// Discovery over real multicast: two network namespaces joined by a veth pair (made here, as root, and
/// removed afterwards), one engine in each (each process with its own server on its own loopback, since a
/// namespace sees no other). B must find A by mDNS alone: nobody tells it A's address. The engines run
/// as this test binary's [`one_side_of_the_school_network`] in `ip netns exec`; traffic goes only
/// between the two addresses inside the namespaces.
#[test]
fn b_discovers_a_on_the_school_network_without_being_told_its_address() {
    if std::env::var_os("PENGGERAK_SKIP_NETNS").is_some() {
        println!("PENGGERAK_SKIP_NETNS set: discovery between namespaces not tried");
        return;
    }
    assert!(
        run("id", &["-u"]).trim() == "0",
        "network namespaces need root (set PENGGERAK_SKIP_NETNS=1 to leave this test out knowingly)"
    );
    let tag = std::process::id() % 100_000;
    let (ns_a, ns_b) = (format!("pgk-a-{tag}"), format!("pgk-b-{tag}"));
    let (veth_a, veth_b) = (format!("pgka{tag}"), format!("pgkb{tag}"));
    let _cleanup = Namespaces(vec![ns_a.clone(), ns_b.clone()]);
    for ns in [&ns_a, &ns_b] {
        run("ip", &["netns", "add", ns]);
        run("ip", &["-n", ns, "link", "set", "lo", "up"]);
    }
    run(
        "ip",
        &["link", "add", &veth_a, "netns", &ns_a, "type", "veth", "peer", "name", &veth_b, "netns", &ns_b],
    );
    for (ns, veth, ip) in [(&ns_a, &veth_a, "10.213.7.1/24"), (&ns_b, &veth_b, "10.213.7.2/24")] {
        run("ip", &["-n", ns, "addr", "add", ip, "dev", veth]);
        run("ip", &["-n", ns, "link", "set", veth, "up", "multicast", "on"]);
    }
    let exe = std::env::current_exe().unwrap();
    let side = |ns: &str, role: &str| {
        std::process::Command::new("ip")
            .args(["netns", "exec", ns])
            .arg(&exe)
            .args(["--exact", "one_side_of_the_school_network", "--ignored", "--nocapture"])
            .env("PENGGERAK_SIDE", role)
            // Each side's server on its own loopback: the lane's PostgreSQL is not reachable from inside.
            .env_remove(penggerak_testkit::POSTGRES_ENV)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut a = Child(side(&ns_a, "a"));
    let b = side(&ns_b, "b").wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&b.stdout);
    println!("{said}");
    assert!(b.status.success(), "B did not find A on the network: {said}");
    assert!(
        said.contains("found 10.213.7.1:"),
        "B found A at its address inside A's namespace, by discovery: {said}"
    );
    let _ = a.0.kill();
}

/// One engine of the test above, inside its namespace (run by it with `PENGGERAK_SIDE`).
#[test]
#[ignore = "run by b_discovers_a_on_the_school_network_without_being_told_its_address inside a namespace"]
fn one_side_of_the_school_network() {
    let role = std::env::var("PENGGERAK_SIDE").expect("run by the discovery test");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let server = TestServer::start();
        let proxy = ChaosProxy::start(server.addr(), 9);
        let who = if role == "a" { SITI } else { BAMBANG };
        let (_dir, e) = teacher_with(who, &proxy, true).await;
        let shown = e.sharing().await.unwrap();
        assert!(shown.serving, "{role}: {shown:?}");
        assert_eq!(shown.discovery, penggerak_types::ipc::Discovery::Working, "{role}: mDNS runs");
        let started = Instant::now();
        loop {
            let now = e.sharing().await.unwrap();
            if role == "b" {
                if let Some(p) = now.peers.iter().find(|p| !p.added) {
                    println!("found {} (this device: {:?})", p.address, now.addresses);
                    return;
                }
                assert!(started.elapsed() < Duration::from_secs(60), "nobody found in 60 s: {now:?}");
            } else {
                assert!(started.elapsed() < Duration::from_secs(120), "A waited too long");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}

fn run(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Namespaces removed when the test ends, passed or not (their veth ends go with them).
struct Namespaces(Vec<String>);

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in &self.0 {
            let _ = std::process::Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// A side's process, killed when the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_sends_another_text_is_dropped_and_the_servers_text_is_kept() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 10);
    let (_dir, b) = teacher(BAMBANG, &proxy).await;
    let (liar, asked) = lying_peer(Lies::Texts).await;
    b.add_peer(&liar.to_string()).await.unwrap();
    let saved = b.save_material(BIG).await.expect("the server gives the text the liar did not");
    assert!(asked.load(std::sync::atomic::Ordering::SeqCst) > 0, "the liar was asked for the text first");
    let text = saved.content.expect("the text is saved");
    assert!(
        !text.sections.is_empty() && text.sections.iter().all(|s| s.heading != "Palsu"),
        "the liar's text was not kept: it is not the catalogue's version"
    );
    let now = b.sharing().await.unwrap();
    assert!(
        now.peers.iter().any(|p| p.address == liar.to_string() && p.dropped),
        "the peer that sent another text is dropped: {now:?}"
    );
    assert_saved_whole(&b).await;
}
