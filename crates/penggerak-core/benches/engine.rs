//! Engine benchmarks (`cargo xtask bench`, or `cargo bench -p penggerak-core --bench engine`): applying
//! 10,000 incoming changes, draining 1,000 outbox entries against the local reference server, reading the
//! home-screen data from the store, the bytes on the wire of a first sync and a no-change sync, and the
//! app's first second (the engine opened over a signed-in folder, Beranda read at once, with and without
//! the sync loop started beside it), and Berbagi di sekolah (the big module saved from a colleague's
//! device vs from the server, both on loopback, and the bytes the server did not send).
//! Figures are printed; nothing is asserted about speed. Release build, real SQLite files.

use penggerak_core::testing::changes;
use penggerak_core::{Engine, MemoryStore, TokenStore};
use penggerak_testkit::{demo_sign_in, ChaosProxy, TestServer};
use penggerak_types::pkb::{NewPkbItem, PkbItemKind};
use penggerak_types::{RecordKind, SyncPage, SyncRecord};
use std::sync::Arc;
use std::time::Instant;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 0);

    // 1. Applying 10,000 incoming changes (20 pages of 500, as a long-offline device would receive).
    let mut runs = Vec::new();
    for run in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let session =
            Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
        let t = Instant::now();
        for page in 0..20 {
            let records = (0..500)
                .map(|i| SyncRecord {
                    kind: RecordKind::PkbItem,
                    id: format!("item-{run}-{page}-{i}"),
                    version: 1,
                    deleted: false,
                    data: Some(serde_json::json!({"title": "Pembelajaran Berdiferensiasi", "jp": 8, "progress": i % 101,
                        "reflection": "Setelah mencoba pemetaan kebutuhan belajar, murid lebih berani bertanya."})),
                })
                .collect();
            let p = SyncPage {
                records,
                cursor: format!("{}.x", page * 500 + 500),
                more: page < 19,
                reset: page == 0,
                remaining: (19 - page as u64) * 500,
            };
            session.store().apply_page(&p, Some("\"e\"")).await.unwrap();
        }
        runs.push(t.elapsed().as_secs_f64());
    }
    let apply = median(runs);

    // 2. Draining 1,000 outbox entries against the local server (new PKB items, one request each).
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let session = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    session.sign_in(demo_sign_in("3471765432100001", &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    let plan = session.store().records(RecordKind::PkbPlan).await.unwrap()[0].id.clone();
    let t = Instant::now();
    for i in 0..1000u32 {
        let new = NewPkbItem {
            id: format!("{:08x}-0000-4000-8000-{:012x}", 0xbe_u32, i),
            kind: PkbItemKind::Lainnya,
            title: format!("Kegiatan {i}"),
            jp: 1 + i % 8,
            target_date: None,
            community_event_id: None,
        };
        session.store().enqueue(&changes::add_pkb_item(&plan, "guru-siti", new).unwrap()).await.unwrap();
    }
    let enqueue = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let status = session.sync_now().await.unwrap();
    let drain = t.elapsed().as_secs_f64();
    assert_eq!(status.waiting, 0, "the outbox drained: {status:?}");

    // 3. Reading what the home screen shows, from the store (profile, plan items, programmes, memberships)
    //    — with the 1,000 extra plan items just added, so an upper bound.
    let mut reads = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let store = session.store();
        let _person = store.records(RecordKind::Person).await.unwrap();
        let items: Vec<penggerak_types::pkb::PkbItem> = store.all(RecordKind::PkbItem).await.unwrap();
        let _done = penggerak_types::pkb::jp_done(&items);
        let _parts = store.records(RecordKind::Participation).await.unwrap();
        let _members = store.records(RecordKind::Membership).await.unwrap();
        let _events = store.records(RecordKind::CommunityEvent).await.unwrap();
        let _status = store.outbox_counts().await.unwrap();
        reads.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let home = median(reads);

    // 4. Bytes on the wire: a first sync and a no-change sync of another demo teacher (Made), through a
    //    counting proxy.
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let fresh = Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap();
    fresh.sign_in(demo_sign_in("5104765432100004", &server.base_url())).await.unwrap();
    let mut t = tokens.load().unwrap().unwrap();
    t.server_url = proxy.base_url();
    tokens.save(&t).unwrap();
    let before = proxy.bytes();
    let first = fresh.sync_now().await.unwrap();
    let mid = proxy.bytes();
    fresh.sync_now().await.unwrap();
    let after = proxy.bytes();

    println!("engine figures (release, real SQLite files, reference server on loopback):");
    println!(
        "  apply 10,000 incoming changes (20 pages)   {:>8.3} s  ({:.0} records/s)",
        apply,
        10_000.0 / apply
    );
    println!("  queue 1,000 changes (enqueue)              {:>8.3} s", enqueue);
    println!(
        "  drain 1,000 outbox entries to the server   {:>8.3} s  ({:.0} changes/s)",
        drain,
        1000.0 / drain
    );
    println!("  read the home-screen data from the store   {:>8.2} ms (median of 50)", home);
    println!(
        "  first sync of a demo teacher: {} records, {} B down / {} B up (gzip/br/zstd negotiated)",
        first.received,
        mid.0 - before.0,
        mid.1 - before.1
    );
    println!("  no-change sync: {} B down / {} B up (one 304)", after.0 - mid.0, after.1 - mid.1);

    // 5. The app's first second: the engine opened over Made's data folder (signed in, synced), Beranda
    //    read at once, as the app does at launch — alone, and with the sync loop started beside it as the
    //    app starts it (against a closed port: the launch bench runs with the server stopped).
    drop(fresh);
    let mut t = tokens.load().unwrap().unwrap();
    t.server_url = "http://127.0.0.1:9".to_owned();
    tokens.save(&t).unwrap();
    let mut alone = Vec::new();
    let mut beside_sync = Vec::new();
    let mut opens = Vec::new();
    for run in 0..20 {
        let t = Instant::now();
        let engine = Arc::new(Engine::open(dir.path(), tokens.clone(), "http://127.0.0.1:9").await.unwrap());
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
        let looping = (run % 2 == 1).then(|| engine.spawn_sync_loop(std::time::Duration::from_secs(300)));
        let t = Instant::now();
        engine.home().await.unwrap();
        let took = t.elapsed().as_secs_f64() * 1000.0;
        if let Some(l) = looping {
            l.abort();
            beside_sync.push(took);
        } else {
            alone.push(took);
        }
    }
    println!("  open the engine over a signed-in data folder {:>6.2} ms (median of 20)", median(opens));
    println!(
        "  then Beranda's first read: {:.2} ms alone, {:.2} ms with the sync loop just started (medians of 10)",
        median(alone),
        median(beside_sync)
    );

    // 6. Berbagi di sekolah: the big module (~6 MB) saved from the server and from a colleague's device
    //    (another engine, its own folder and account, sharing on), both on loopback: mainly a check that
    //    the peer path is not the slower one; and what the server did not have to send.
    const BIG: &str = "materi-01";
    let sharing =
        penggerak_types::ipc::PreferencesChange { share_on_network: Some(true), ..Default::default() };
    let colleague_dir = tempfile::tempdir().unwrap();
    let mut colleague =
        Engine::open(colleague_dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9")
            .await
            .unwrap();
    colleague.set_discovery(false);
    colleague.sign_in(demo_sign_in("3471765432100002", &server.base_url())).await.unwrap();
    colleague.sync_now().await.unwrap();
    colleague.save_material(BIG).await.unwrap();
    colleague.set_preferences(sharing).await.unwrap();
    let door = format!("127.0.0.1:{}", colleague.sharing().await.unwrap().port.unwrap());
    let (mut from_server, mut from_peer) = (Vec::new(), Vec::new());
    let mut server_bytes = (0, 0);
    for run in 0..6 {
        let dir = tempfile::tempdir().unwrap();
        let mut e =
            Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
        e.set_discovery(false);
        // Straight to the server (no counting proxy in the way: it would slow the server's side); what the
        // server sent is what the engine's own meter counted.
        e.sign_in(demo_sign_in("3471765432100001", &server.base_url())).await.unwrap();
        e.sync_now().await.unwrap();
        let peer = run % 2 == 1;
        if peer {
            e.set_preferences(sharing).await.unwrap();
            e.add_peer(&door).await.unwrap();
        }
        let before = e.data_use().await.unwrap().total().1;
        let t = Instant::now();
        e.save_material(BIG).await.unwrap();
        let took = t.elapsed().as_secs_f64() * 1000.0;
        let sent = e.data_use().await.unwrap().total().1 - before;
        if peer {
            from_peer.push(took);
            server_bytes.1 = sent;
        } else {
            from_server.push(took);
            server_bytes.0 = sent;
        }
    }
    println!(
        "  Berbagi di sekolah, the ~6 MB module: from the server {:.0} ms, from a colleague's device {:.0} ms \
         (medians of 3, alternating); the server sent {} B vs {} B: {} B saved",
        median(from_server),
        median(from_peer),
        server_bytes.0,
        server_bytes.1,
        server_bytes.0.saturating_sub(server_bytes.1)
    );
}
