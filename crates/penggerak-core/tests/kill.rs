//! The kill test: a child process makes changes and syncs; it is killed with SIGKILL at random moments and
//! started again, many times. Afterwards every change the engine had acknowledged (its `enqueue` returned)
//! reached the server exactly once, the device and the server agree, and the SQLite file is sound. The
//! server's side is read from its own database, SQLite or PostgreSQL (`PENGGERAK_TEST_DATABASE`).
//!
//! Every kill is a real one: each child says it is ready on stdout, must still be running right before the
//! kill, and must end by SIGKILL (a child that crashed by itself fails the test, with its stderr, which is
//! kept in a file per child).
//!
//! `PENGGERAK_KILLS` sets the number of kills (default 12, enough for CI). `cargo xtask bench` runs a longer
//! soak and prints the figures line this test ends with.
//! Tokens cross processes in a test-only file store (the real keyring is covered by `tests/keyring.rs`).

use penggerak_core::testing::changes;
use penggerak_core::{CoreError, Engine, Sensitive, StoredTokens, TokenStore};
use penggerak_testkit::{demo_sign_in, TestServer};
use penggerak_types::ipc::SyncPhase;
use penggerak_types::RecordKind;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const CHILD_DIR: &str = "PENGGERAK_KILL_CHILD_DIR";
const SITI: &str = "3471765432100001";
/// The line a child prints on stdout once it runs, before the parent may kill it.
const READY: &str = "KILL-CHILD-READY";
/// How long a child may take to say it is ready before the test fails (a hang fails, it does not wait).
const READY_DEADLINE: Duration = Duration::from_secs(60);
const SIGKILL: i32 = 9;

/// Tokens in a file, so the child processes share the parent's session. Test only.
struct FileStore(PathBuf);

impl TokenStore for FileStore {
    fn load(&self) -> Result<Option<StoredTokens>, CoreError> {
        match std::fs::read_to_string(&self.0) {
            Ok(text) => {
                let mut lines = text.lines();
                let mut next =
                    || lines.next().map(str::to_owned).ok_or_else(|| CoreError::Keyring("short".into()));
                Ok(Some(StoredTokens {
                    server_url: next()?,
                    access_token: Sensitive::new(next()?),
                    refresh_token: Sensitive::new(next()?),
                    revoke_only: false,
                }))
            }
            Err(_) => Ok(None),
        }
    }
    fn save(&self, t: &StoredTokens) -> Result<(), CoreError> {
        let text = format!("{}\n{}\n{}\n", t.server_url, t.access_token.expose(), t.refresh_token.expose());
        let tmp = self.0.with_extension("tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &self.0))
            .map_err(|e| CoreError::Keyring(e.to_string()))
    }
    fn clear(&self) -> Result<(), CoreError> {
        let _ = std::fs::remove_file(&self.0);
        Ok(())
    }
}

async fn open(dir: &Path) -> Engine {
    let tokens = Arc::new(FileStore(dir.join("tokens")));
    let mut s = Engine::open(&dir.join("data"), tokens, "http://127.0.0.1:9").await.unwrap();
    s.set_request_timeout(Duration::from_secs(5));
    s
}

/// A device in `dir` signed in as Siti and synced once.
async fn open_synced(dir: &Path, server: &TestServer) -> Engine {
    let session = open(dir).await;
    session.sign_in(demo_sign_in(SITI, &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    session
}

/// The child: toggle memberships forever, logging each acknowledged change's key, syncing now and then.
async fn child(dir: &Path) {
    // Ready: from here on the parent may kill at any moment (opening the store included).
    let mut out = std::io::stdout().lock();
    writeln!(out, "{READY}").and_then(|()| out.flush()).unwrap();
    drop(out);
    let session = open(dir).await;
    let me = "guru-siti";
    let mut log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("acked")).unwrap();
    let mut step: usize = std::fs::read_to_string(dir.join("acked")).map(|t| t.lines().count()).unwrap_or(0);
    // Communities Siti does not lead, so the server accepts every toggle.
    let ids: Vec<String> = session
        .store()
        .all::<penggerak_types::api::Community>(RecordKind::Community)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.lead_id != me)
        .map(|c| c.id)
        .take(5)
        .collect();
    assert_eq!(ids.len(), 5);
    loop {
        let id = ids[step % ids.len()].as_str();
        let member =
            session.store().record(RecordKind::Membership, &format!("{id}:{me}")).await.unwrap().is_some();
        let change = if member {
            changes::leave_community(session.store(), me, id).await.unwrap()
        } else {
            changes::join_community(session.store(), me, id).await.unwrap()
        };
        let seq = session.store().enqueue(&change).await.unwrap();
        // Acknowledged: from here on the change must reach the server exactly once.
        let key =
            session.store().outbox().await.unwrap().into_iter().find(|p| p.seq == seq).unwrap().idem_key;
        // One write(2) per line, so a kill never leaves half a key in the log.
        log.write_all(format!("{key}\n").as_bytes()).unwrap();
        log.sync_data().unwrap();
        step += 1;
        if step.is_multiple_of(3) {
            session.sync_now().await.unwrap();
        }
    }
}

#[tokio::test]
async fn killed_at_random_moments_no_acknowledged_change_is_lost_or_doubled() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        return child(Path::new(&dir)).await;
    }
    let kills: usize = std::env::var("PENGGERAK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(12);
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    {
        let session = open_synced(dir.path(), &server).await;
        session.store().close().await;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let exe = std::env::current_exe().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    for i in 0..kills {
        let stderr_path = logs.path().join(format!("child-{i}.stderr"));
        let mut child = std::process::Command::new(&exe)
            .args([
                "--exact",
                "killed_at_random_moments_no_acknowledged_change_is_lost_or_doubled",
                "--nocapture",
            ])
            .env(CHILD_DIR, dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap();
        // Read the child's stdout to its end (so it never blocks on a full pipe), telling when it is ready.
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if line == READY {
                    let _ = ready_tx.send(());
                }
            }
        });
        if ready_rx.recv_timeout(READY_DEADLINE).is_err() {
            let _ = child.kill();
            let status = child.wait().unwrap();
            panic!(
                "child {i} never said it was ready ({status}); its stderr:\n{}",
                children_stderr(logs.path())
            );
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..400)));
        let before = child.try_wait().unwrap();
        assert!(
            before.is_none(),
            "child {i} must be alive when killed, but it ended by itself ({before:?}); its stderr:\n{}",
            children_stderr(logs.path())
        );
        child.kill().unwrap(); // SIGKILL: no destructor, no flush, no goodbye
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(SIGKILL),
            "child {i} ended by the kill, not by itself ({status}); its stderr:\n{}",
            children_stderr(logs.path())
        );
        reader.join().unwrap();
    }
    let elapsed = started.elapsed();

    // Start once more and let it drain.
    let session = open(dir.path()).await;
    assert_eq!(session.store().integrity_check().await.unwrap(), "ok", "the store survived every kill");
    let mut rounds = 0;
    loop {
        let s = session.sync_now().await.unwrap();
        if s.phase == SyncPhase::Idle && s.waiting == 0 {
            assert_eq!(
                s.notices,
                0,
                "the server accepted every toggle: {:?}",
                session.store().notices().await
            );
            break;
        }
        rounds += 1;
        assert!(rounds < 20, "the outbox does not drain: {s:?}");
    }
    let acked: Vec<String> = std::fs::read_to_string(dir.path().join("acked"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(
        acked.len() >= kills,
        "the children made changes ({} acknowledged); their stderr:\n{}",
        acked.len(),
        children_stderr(logs.path())
    );

    let unique: BTreeSet<&String> = acked.iter().collect();
    let duplicates = acked.len() - unique.len();
    assert_eq!(duplicates, 0, "the engine acknowledged no idempotency key twice");

    // Exactly once: every acknowledged key is in the server's idempotency store (its primary key holds it
    // once), read from the server's own database on either backend, and the memberships the device shows
    // are the server's.
    let db = penggerak_server::Db::open(server.database_url()).await.expect("the server's database");
    let keys: BTreeSet<String> = sqlx::query_as::<_, (String,)>(
        "SELECT idem_key FROM idempotency_keys WHERE user_id = $1 AND status = 200",
    )
    .bind("guru-siti")
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(k,)| k)
    .collect();
    db.pool.close().await;
    let missing: Vec<_> = unique.iter().filter(|k| !keys.contains(**k)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged changes never applied on the server ({:?}): {missing:?}\nchildren's stderr:\n{}",
        db.backend,
        children_stderr(logs.path())
    );
    // And nothing the device did not acknowledge… except a change killed between commit and log line.
    let unlogged = keys.len() - unique.len();
    assert!(
        unlogged <= kills,
        "{} keys on the server for {} acknowledged: more than one unlogged change per kill",
        keys.len(),
        acked.len()
    );
    let local: BTreeSet<String> =
        session.store().records(RecordKind::Membership).await.unwrap().into_iter().map(|m| m.id).collect();
    let fresh = tempfile::tempdir().unwrap();
    let check = open_synced(fresh.path(), &server).await;
    let on_server: BTreeSet<String> =
        check.store().records(RecordKind::Membership).await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(local, on_server, "after all the kills, the device shows what the server holds");
    // The figures line `cargo xtask bench` prints.
    eprintln!(
        "kill test: {kills} kills (each alive when killed) in {:.1} s on {:?}, {} acknowledged changes, \
         {} applied on the server ({unlogged} killed before logged), 0 missing, {duplicates} duplicates",
        elapsed.as_secs_f64(),
        db.backend,
        acked.len(),
        keys.len(),
    );
}

/// Every child's stderr that is not empty (its last 4 KiB), for a failure message.
fn children_stderr(logs: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(logs)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let mut text = String::new();
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_default();
        if !bytes.is_empty() {
            let tail = &bytes[bytes.len().saturating_sub(4096)..];
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            text.push_str(&format!("--- {name}\n{}\n", String::from_utf8_lossy(tail)));
        }
    }
    if text.is_empty() {
        text.push_str("(every child's stderr is empty)");
    }
    text
}
