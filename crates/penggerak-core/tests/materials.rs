//! Learning materials saved for reading offline, against the real reference server (behind a TCP proxy
//! that throttles and then drops the link) and a real SQLite file and folder.

use penggerak_core::testing::MATERIAL_PART;
use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, ChaosMode, ChaosProxy, TestServer};
use penggerak_types::ipc::{MaterialReader, Saved, SyncPhase};
use penggerak_types::route;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SITI: &str = "3471765432100001";
/// The demo catalogue's big module: one ~6 MB PDF.
const BIG: &str = "materi-01";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file the reader lists is on the device, whole and as the catalogue says it is.
fn assert_files_whole(r: &MaterialReader) {
    for f in &r.files {
        let path = f.path.as_deref().unwrap_or_else(|| panic!("{} has no saved path", f.file.name));
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(bytes.len() as u64, f.file.size, "{} is whole", f.file.name);
        assert_eq!(sha256_hex(&bytes), f.file.sha256, "{} is the catalogue's version", f.file.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_cut_by_the_network_resumes_where_it_stopped_and_reads_offline_after_restart() {
    let mut server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 11);
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let mut session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    session.set_request_timeout(Duration::from_secs(5));
    let session = Arc::new(session);
    session.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    assert_eq!(session.sync_now().await.unwrap().phase, SyncPhase::Idle);

    let list = session.materials().await.unwrap();
    assert!(list.materials.len() >= 10, "the catalogue came with the first sync: {}", list.materials.len());
    assert!(list.materials.iter().all(|m| m.saved == Saved::No && m.saved_bytes == 0), "nothing saved yet");
    let big = list.materials.iter().find(|m| m.material.id == BIG).unwrap().material.clone();
    let size = big.download_size();
    assert!(size > 20 * MATERIAL_PART, "the big module takes many parts: {size} B");
    let unread = session.material(BIG).await.unwrap();
    assert_eq!(
        (unread.content.is_none(), unread.files[0].path.is_none()),
        (true, true),
        "nothing to read yet"
    );

    // A slow link; once a good share of the file is on the device, the signal goes.
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 400_000, reset: 0.0, hang: 0.0 });
    let task = tokio::spawn({
        let s = Arc::clone(&session);
        async move { s.save_material(BIG).await }
    });
    let started = Instant::now();
    let before_cut = loop {
        let now = session.materials().await.unwrap();
        let got = now.materials.iter().find(|m| m.material.id == BIG).unwrap().saved_bytes;
        if got >= size / 4 {
            break got;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the download went nowhere: {got} of {size} B");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    proxy.set_mode(ChaosMode::Down);
    let e = task.await.unwrap().expect_err("the link went down mid-download");
    assert_eq!(e.to_api_error().code, penggerak_types::ErrorCode::Offline, "{e}");
    let after_cut = session.material(BIG).await.unwrap();
    assert_eq!(after_cut.item.saved, Saved::No, "half a material is not a saved one");
    assert!(
        after_cut.item.saved_bytes >= before_cut,
        "what arrived stays on the device: {} B, {before_cut} B seen before the cut",
        after_cut.item.saved_bytes
    );
    assert!(after_cut.content.is_none(), "the text is written only once the files are whole");

    // The signal is back: the download resumes; it never fetches again what it already has.
    proxy.set_mode(ChaosMode::Pass);
    let down_before = proxy.bytes().0;
    let saved = session.save_material(BIG).await.unwrap();
    let resumed = proxy.bytes().0 - down_before;
    let left = size - after_cut.item.saved_bytes;
    println!(
        "{size} B in all; {} B on the device after the cut; the resumed try moved {resumed} B",
        size - left
    );
    assert_eq!((saved.item.saved, saved.item.saved_bytes), (Saved::Yes, size), "{saved:?}");
    assert!(
        resumed <= left + 64 * 1024,
        "the second try moved {resumed} B for the {left} B that were missing (plus the text and headers)"
    );
    assert_files_whole(&saved);
    assert!(saved.content.as_ref().is_some_and(|c| !c.sections.is_empty()), "the text is saved too");
    let parts = std::fs::read_dir(dir.path().join("materials"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .filter(|f| f.as_ref().unwrap().path().extension().is_some_and(|e| e == "part"))
        .count();
    assert_eq!(parts, 0, "no part file is left behind");

    // Saving again costs one small conditional request for the text and nothing for the files.
    let down_before = proxy.bytes().0;
    session.save_material(BIG).await.unwrap();
    let again = proxy.bytes().0 - down_before;
    assert!(again < 2_000, "an already saved material re-downloaded {again} B");

    // No server, a restarted app: it is all still there to read.
    server.stop();
    session.store().close().await;
    drop(session);
    let reopened = Engine::open(dir.path(), tokens, "http://127.0.0.1:9").await.unwrap();
    let offline = reopened.material(BIG).await.unwrap();
    assert_eq!(offline.item.saved, Saved::Yes);
    assert_eq!(offline.content, saved.content, "the same text, read from the device");
    assert_files_whole(&offline);

    // Removing it frees the space and says so.
    reopened.remove_material(BIG).await.unwrap();
    let gone = reopened.material(BIG).await.unwrap();
    assert_eq!((gone.item.saved, gone.item.saved_bytes, gone.content), (Saved::No, 0, None));
    assert!(!dir.path().join("materials").join(hex(BIG)).exists(), "its folder is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_stops_a_download_before_its_next_request() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 3);
    let dir = tempfile::tempdir().unwrap();
    let session = Arc::new(
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap(),
    );
    session.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 400_000, reset: 0.0, hang: 0.0 });
    let task = tokio::spawn({
        let s = Arc::clone(&session);
        async move { s.save_material(BIG).await }
    });
    let started = Instant::now();
    while session.material(BIG).await.unwrap().item.saved_bytes < 2 * MATERIAL_PART {
        assert!(started.elapsed() < Duration::from_secs(120), "the download went nowhere");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    session.sign_out(true).await.unwrap();
    let e = task.await.unwrap().expect_err("the download ends with the session");
    assert_eq!(e.to_api_error().code, penggerak_types::ErrorCode::NotSignedIn, "{e}");
    // At most the part in flight at the sign-out arrived after it; then nothing more is asked for.
    let down = proxy.bytes().0;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(proxy.bytes().0, down, "no request after the download stopped");
}

#[tokio::test]
async fn a_material_not_in_the_catalogue_is_a_clear_error_and_saving_needs_the_network() {
    let mut server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let session =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    session.sign_in(demo_sign_in(SITI, &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    let e = session.material("materi-tidak-ada").await.unwrap_err().to_api_error();
    assert_eq!(e.code, penggerak_types::ErrorCode::NotFound, "{e:?}");
    assert_eq!(e.reason, Some(penggerak_types::Reason::NotOnDevice), "why, as data the UI words: {e:?}");

    server.stop();
    let e = session.save_material("materi-02").await.unwrap_err().to_api_error();
    assert_eq!(e.code, penggerak_types::ErrorCode::Offline, "{e:?}");
    let r = session.material("materi-02").await.unwrap();
    assert_eq!((r.item.saved, r.item.saved_bytes), (Saved::No, 0), "a failed save claims nothing saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_replaced_on_the_server_mid_download_is_never_spliced_and_saves_after_a_sync() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 5);
    let dir = tempfile::tempdir().unwrap();
    let session = Arc::new(
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap(),
    );
    session.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    let old = session.material(BIG).await.unwrap().item.material;

    // Part of the old version arrives, then the link goes.
    proxy.set_mode(ChaosMode::Bad { latency: Duration::ZERO, bytes_per_sec: 400_000, reset: 0.0, hang: 0.0 });
    let task = tokio::spawn({
        let s = Arc::clone(&session);
        async move { s.save_material(BIG).await }
    });
    let started = Instant::now();
    while session.material(BIG).await.unwrap().item.saved_bytes < old.download_size() / 4 {
        assert!(started.elapsed() < Duration::from_secs(120), "the download went nowhere");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    proxy.set_mode(ChaosMode::Down);
    task.await.unwrap().expect_err("the link went down mid-download");

    // Meanwhile the ministry replaces the module's PDF with a shorter one.
    let client = penggerak_client::ApiClient::new(&server.base_url()).unwrap();
    let token = client.login(SITI, penggerak_testkit::DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let content: penggerak_types::material::MaterialContent =
        client.get_json(&token, route::MATERIAL_CONTENT, &[BIG]).await.unwrap();
    let new_pdf = b"%PDF-1.4 versi baru\n".repeat(5_000);
    let new = server.publish_material(old.clone(), &content, std::slice::from_ref(&new_pdf));
    assert_ne!(new.files[0].sha256, old.files[0].sha256, "a new version of the file");

    // Resuming against the device's old catalogue: the server sends the new file whole (If-Range), and
    // the engine neither splices it onto the old part nor loops; it says why and keeps nothing of it.
    proxy.set_mode(ChaosMode::Pass);
    let down_before = proxy.bytes().0;
    let e = session.save_material(BIG).await.unwrap_err().to_api_error();
    let spent = proxy.bytes().0 - down_before;
    assert_eq!(e.code, penggerak_types::ErrorCode::Conflict, "{e:?}");
    assert_eq!(e.reason, Some(penggerak_types::Reason::FileChanged), "why, as data the UI words: {e:?}");
    assert!(
        spent < new_pdf.len() as u64 + 64 * 1024,
        "the new file was fetched once, not in a loop: {spent} B"
    );
    let after = session.material(BIG).await.unwrap();
    assert_eq!((after.item.saved, after.item.saved_bytes), (Saved::No, 0), "the old part is gone too");

    // Once the catalogue is synced, the new version saves whole.
    session.sync_now().await.unwrap();
    let saved = session.save_material(BIG).await.unwrap();
    assert_eq!(saved.item.saved, Saved::Yes, "{saved:?}");
    assert_eq!(saved.files[0].file.sha256, new.files[0].sha256, "the new version");
    assert_files_whole(&saved);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("materials").join(hex(BIG)))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left.len(), 1, "only the saved file is in the folder: {left:?}");
}

fn hex(id: &str) -> String {
    id.bytes().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_that_would_fill_the_device_is_refused_before_a_byte_is_fetched() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 3);
    let dir = tempfile::tempdir().unwrap();
    let session =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    session.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    let real = session.materials().await.unwrap().free_bytes;
    assert!(real.is_some_and(|b| b > 0), "the device tells its free space on Linux: {real:?}");

    // 10 MB free: the ~6 MB module would leave less than the 50 MB kept free.
    let size = session.material(BIG).await.unwrap().item.material.download_size();
    session.set_free_space(Some(10_000_000));
    let down = proxy.bytes().0;
    let e = session.save_material(BIG).await.expect_err("refused").to_api_error();
    assert_eq!(
        e.reason,
        Some(penggerak_types::Reason::NoRoom {
            needed: size,
            free: 10_000_000,
            kept: penggerak_types::limits::FREE_SPACE_KEPT
        }),
        "refused with what it needs, what is free and what must stay free: {e:?}"
    );
    assert!(e.message.contains("Ruang penyimpanan tidak cukup"), "in words: {}", e.message);
    assert_eq!(proxy.bytes().0, down, "not a byte asked for");
    let r = session.material(BIG).await.unwrap();
    assert_eq!((r.item.saved, r.item.saved_bytes), (Saved::No, 0), "nothing claimed saved");
    assert!(!dir.path().join("materials").join(hex(BIG)).exists(), "no folder, no part left behind");
    assert_eq!(r.free_bytes, Some(10_000_000), "the page is told the free space");

    // Exactly enough (the module and the space kept): it saves.
    session.set_free_space(Some(size + penggerak_types::limits::FREE_SPACE_KEPT));
    assert_eq!(session.save_material(BIG).await.unwrap().item.saved, Saved::Yes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_every_saved_material_frees_the_folder_and_the_search() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let session =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    session.sign_in(demo_sign_in(SITI, &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    session.save_material("materi-02").await.unwrap();
    session.save_material("materi-03").await.unwrap();
    let before = session.materials().await.unwrap();
    let expected: u64 = before.materials.iter().map(|m| m.saved_bytes).sum();
    assert!(before.saved_bytes > 0 && before.saved_bytes == expected, "the total is the saved sizes' sum");
    let scope = penggerak_types::ipc::SearchScope::Materials;
    let found = session.search("didiskusikan", scope).await.unwrap();
    assert!(
        found.groups.iter().any(|g| g.hits.iter().any(|h| h.section.is_some())),
        "their texts are searched"
    );

    session.remove_all_materials().await.unwrap();
    let after = session.materials().await.unwrap();
    assert_eq!(after.saved_bytes, 0, "nothing saved any more");
    assert!(after.materials.iter().all(|m| m.saved == Saved::No && m.saved_bytes == 0));
    assert!(!dir.path().join("materials").exists(), "the materials folder is gone from the disk");
    let found = session.search("didiskusikan", scope).await.unwrap();
    assert!(
        found.groups.iter().all(|g| g.hits.iter().all(|h| h.section.is_none())),
        "no text is a hit: {found:?}"
    );
    // And it saves again afterwards.
    assert_eq!(session.save_material("materi-02").await.unwrap().item.saved, Saved::Yes);
}

/// A connection a test sets.
#[derive(Default)]
struct FakeNetwork(std::sync::Mutex<penggerak_types::ipc::Connection>);

impl FakeNetwork {
    fn set(&self, c: penggerak_types::ipc::Connection) {
        *self.0.lock().unwrap() = c;
    }
}

impl penggerak_core::network::NetworkProbe for FakeNetwork {
    fn connection(&self) -> penggerak_core::network::BoxFuture<'_, penggerak_types::ipc::Connection> {
        let c = *self.0.lock().unwrap();
        Box::pin(async move { c })
    }
}

/// Siti signed in and synced through a counting proxy, on a connection the test sets.
async fn siti_on_a_network(
    seed: u64,
) -> (TestServer, ChaosProxy, tempfile::TempDir, Arc<FakeNetwork>, Engine) {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), seed);
    let dir = tempfile::tempdir().unwrap();
    let network = Arc::new(FakeNetwork::default());
    let mut session =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    session.set_network(network.clone());
    session.sign_in(demo_sign_in(SITI, &proxy.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    (server, proxy, dir, network, session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_later_waits_for_a_connection_that_is_not_metered() {
    use penggerak_types::ipc::Connection;
    let (_server, proxy, _dir, network, session) = siti_on_a_network(4).await;

    let marked = session.download_later("materi-02", true).await.unwrap();
    assert!(
        marked.item.later && marked.item.saved == Saved::No,
        "marked, nothing fetched: {:?}",
        marked.item
    );
    assert!(session
        .materials()
        .await
        .unwrap()
        .materials
        .iter()
        .any(|m| m.material.id == "materi-02" && m.later));
    let e = session.download_later("materi-tidak-ada", true).await.unwrap_err().to_api_error();
    assert_eq!(e.reason, Some(penggerak_types::Reason::NotOnDevice), "only what the catalogue lists: {e:?}");

    // Metered, then unknown (the platform cannot tell): nothing is fetched.
    for c in [Connection::Metered, Connection::Unknown] {
        network.set(c);
        let down = proxy.bytes().0;
        assert_eq!(session.fetch_later().await.unwrap(), 0, "{c:?} counts as metered");
        assert_eq!(proxy.bytes().0, down, "not a byte on {c:?}");
        assert!(session.material("materi-02").await.unwrap().item.later, "still marked");
    }
    // On Wi-Fi it is fetched, and the mark goes.
    network.set(Connection::Unmetered);
    assert_eq!(session.fetch_later().await.unwrap(), 1);
    let r = session.material("materi-02").await.unwrap();
    assert_eq!((r.item.saved, r.item.later), (Saved::Yes, false), "saved, no longer waiting");

    // A mark whose download cannot be saved keeps the reason for its page, and is tried again later.
    session.download_later(BIG, true).await.unwrap();
    session.set_free_space(Some(1_000_000));
    assert_eq!(session.fetch_later().await.unwrap(), 0);
    let r = session.material(BIG).await.unwrap();
    assert!(r.item.later, "still marked");
    assert!(
        matches!(
            r.item.later_failed.as_ref().and_then(|e| e.reason.as_ref()),
            Some(penggerak_types::Reason::NoRoom { .. })
        ),
        "and why: {:?}",
        r.item
    );
    session.set_free_space(None);
    assert_eq!(session.fetch_later().await.unwrap(), 1, "tried again, and saved");
    // Unmarking takes a mark away.
    session.download_later("materi-03", true).await.unwrap();
    assert!(!session.download_later("materi-03", false).await.unwrap().item.later);
}

/// "Unduh nanti" for a material that cannot be fetched (here a school network's filter answers its files
/// with an HTML 403: no rule, no reason): her page says why with the error's code, a material marked after
/// it is still fetched, and after `LATER_DOWNLOAD_TRIES` syncs in a row it is no longer tried (it stays
/// marked, with why); saving it by hand still can. A cut that brought nothing counts as a try, and holds no other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_download_that_keeps_failing_says_why_and_stops_after_its_tries() {
    use penggerak_types::ipc::Connection;
    use penggerak_types::limits::LATER_DOWNLOAD_TRIES;
    let (_server, proxy, _dir, network, session) = siti_on_a_network(6).await;
    network.set(Connection::Unmetered);
    session.download_later("materi-02", true).await.unwrap();
    session.download_later("materi-03", true).await.unwrap();

    // Cut with no answer and nothing of it arrived (something on the way resets it): a try that failed,
    // and the one after it is still fetched.
    proxy.set_mode(ChaosMode::Cut { path: "/api/v1/materials/materi-02" });
    assert_eq!(session.fetch_later().await.unwrap(), 1, "materi-03, marked after it, is fetched");
    let r = session.material("materi-02").await.unwrap();
    assert_eq!(
        (r.item.later, r.item.later_failures),
        (true, 1),
        "a cut that brought nothing counts: {:?}",
        r.item
    );

    proxy.set_mode(ChaosMode::Answer {
        path: "/api/v1/materials/materi-02",
        status: 403,
        body: "<html>Diblokir</html>",
    });
    for n in 2..=LATER_DOWNLOAD_TRIES {
        assert_eq!(session.fetch_later().await.unwrap(), 0, "try {n}");
        let r = session.material("materi-02").await.unwrap();
        assert_eq!(
            (r.item.later, r.item.later_failures),
            (true, n),
            "still marked, the try counted: {:?}",
            r.item
        );
        let why = r.item.later_failed.expect("her page can say why the last try failed");
        assert_eq!(
            why.code,
            penggerak_types::ErrorCode::Forbidden,
            "the error's code, for the UI to word: {why:?}"
        );
    }
    let before = proxy.answered();
    for _ in 0..3 {
        assert_eq!(session.fetch_later().await.unwrap(), 0);
    }
    assert_eq!(proxy.answered(), before, "after its tries the syncs no longer fetch it");
    assert!(session.material("materi-02").await.unwrap().item.later, "it stays marked, with why");

    // By hand, once the way is clear, it is saved and its mark goes.
    proxy.set_mode(ChaosMode::Pass);
    let saved = session.save_material("materi-02").await.unwrap();
    assert_eq!((saved.item.saved, saved.item.later), (Saved::Yes, false), "{:?}", saved.item);

    // A busy gateway (a bare 503) is the server's state: the pass stops, counting nothing. Its bare 502 for
    // this one material, moments after a sync went through, is the material's failure: counted and shown.
    session.download_later("materi-04", true).await.unwrap();
    let path = "/api/v1/materials/materi-04";
    proxy.set_mode(ChaosMode::Answer { path, status: 503, body: "" });
    assert_eq!(session.fetch_later().await.unwrap(), 0);
    let r = session.material("materi-04").await.unwrap();
    assert_eq!((r.item.later_failures, r.item.later_failed), (0, None), "busy is not its failure");
    proxy.set_mode(ChaosMode::Answer { path, status: 502, body: "" });
    assert_eq!(session.fetch_later().await.unwrap(), 0);
    let r = session.material("materi-04").await.unwrap();
    assert_eq!(r.item.later_failures, 1, "a bad gateway for this material alone counts: {:?}", r.item);
    assert!(r.item.later_failed.is_some(), "and its page says why: {:?}", r.item);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wifi_only_holds_a_download_while_the_connection_is_metered() {
    use penggerak_types::ipc::{Connection, PreferencesChange};
    let (_server, proxy, _dir, network, session) = siti_on_a_network(6).await;
    let on = PreferencesChange { wifi_only: Some(true), ..Default::default() };
    assert!(session.set_preferences(on).await.unwrap().wifi_only, "the setting is kept");
    assert!(session.preferences().await.unwrap().wifi_only, "and read back");

    for c in [Connection::Metered, Connection::Unknown] {
        network.set(c);
        let down = proxy.bytes().0;
        let e = session.save_material("materi-02").await.unwrap_err().to_api_error();
        assert_eq!(e.reason, Some(penggerak_types::Reason::WaitsForWifi { connection: c }), "{e:?}");
        assert_eq!(proxy.bytes().0, down, "nothing fetched on {c:?}");
    }
    assert_eq!(session.data_use().await.unwrap().connection, Connection::Unknown, "what Pengaturan is told");
    network.set(Connection::Unmetered);
    assert_eq!(session.save_material("materi-02").await.unwrap().item.saved, Saved::Yes, "on Wi-Fi it goes");
    // Asked for anyway on a connection the device cannot name (where a phone's platform cannot tell, every
    // download would wait for ever): this one goes, and the setting stays on for the rest.
    network.set(Connection::Unknown);
    let down = proxy.bytes().0;
    assert_eq!(session.save_material_anyway("materi-03").await.unwrap().item.saved, Saved::Yes);
    assert!(proxy.bytes().0 > down, "fetched over that connection");
    assert!(session.preferences().await.unwrap().wifi_only, "the setting is still on");
    let e = session.save_material("materi-05").await.unwrap_err().to_api_error();
    assert!(
        matches!(e.reason, Some(penggerak_types::Reason::WaitsForWifi { .. })),
        "the next one waits: {e:?}"
    );
    // Off again: a metered connection downloads.
    network.set(Connection::Metered);
    let off = PreferencesChange { wifi_only: Some(false), ..Default::default() };
    session.set_preferences(off).await.unwrap();
    assert_eq!(session.save_material("materi-04").await.unwrap().item.saved, Saved::Yes);
}

/// The real probe asks NetworkManager over D-Bus: here a stand-in serving its `Metered` property on a
/// private bus; with no NetworkManager at all the answer is "unknown", promptly.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_probe_reads_network_managers_metered_property() {
    use penggerak_core::network::{NetworkProbe, SystemNetwork};
    use penggerak_types::ipc::Connection;
    struct FakeNm(u32);
    #[zbus::interface(name = "org.freedesktop.NetworkManager")]
    impl FakeNm {
        #[zbus(property)]
        fn metered(&self) -> u32 {
            self.0
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("bus");
    let address = format!("unix:path={}", socket.display());
    // Stopped when the test ends, a failing one too (a failed run once left its bus running).
    struct Stopped(std::process::Child);
    impl Drop for Stopped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _daemon = Stopped(
        std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", &format!("--address={address}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-daemon (installed by cargo xtask setup)"),
    );
    // Until it takes connections: the socket's file is there from `bind`, a moment before the daemon
    // `listen`s on it (a connection in between is refused; seen once in a full run).
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "the private bus did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let probe = SystemNetwork { address: Some(address.clone()) };
    let t = Instant::now();
    assert_eq!(probe.connection().await, Connection::Unknown, "no NetworkManager on the bus: unknown");
    assert!(t.elapsed() < penggerak_core::network::ASK_TIMEOUT + Duration::from_secs(1), "and promptly");
    for (value, expected) in [(1, Connection::Metered), (4, Connection::Unmetered)] {
        let _nm = zbus::connection::Builder::address(address.as_str())
            .unwrap()
            .name("org.freedesktop.NetworkManager")
            .unwrap()
            .serve_at("/org/freedesktop/NetworkManager", FakeNm(value))
            .unwrap()
            .build()
            .await
            .unwrap();
        assert_eq!(probe.connection().await, expected, "NMMetered {value}");
    }
}
