//! The kill test: a child process makes changes and syncs; it is killed with SIGKILL at random moments and
//! started again, many times. Afterwards every change the engine had acknowledged (its `enqueue` returned)
//! reached the server exactly once, the device and the server agree, and the SQLite file is sound.
//!
//! `PENGGERAK_KILLS` sets the number of kills (default 12, enough for CI; the soak run uses 500+).
//! Tokens cross processes in a test-only file store (the real keyring is covered by `tests/keyring.rs`).

use penggerak_core::{changes, CoreError, Sensitive, Session, StoredTokens, TokenStore};
use penggerak_testkit::{demo_sign_in, TestServer};
use penggerak_types::ipc::SyncPhase;
use penggerak_types::RecordKind;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const CHILD_DIR: &str = "PENGGERAK_KILL_CHILD_DIR";
const SITI: &str = "3471765432100001";

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

async fn open(dir: &Path) -> Session {
    let tokens = Arc::new(FileStore(dir.join("tokens")));
    let mut s = Session::open(&dir.join("data"), tokens, "http://127.0.0.1:9").await.unwrap();
    s.set_request_timeout(Duration::from_secs(5));
    s
}

/// A device in `dir` signed in as Siti and synced once.
async fn open_synced(dir: &Path, server: &TestServer) -> Session {
    let session = open(dir).await;
    session.sign_in(demo_sign_in(SITI, &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    session
}

/// The child: toggle memberships forever, logging each acknowledged change's key, syncing now and then.
async fn child(dir: &Path) {
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
    let started = std::time::Instant::now();
    for _ in 0..kills {
        let mut child = std::process::Command::new(&exe)
            .args([
                "--exact",
                "killed_at_random_moments_no_acknowledged_change_is_lost_or_doubled",
                "--nocapture",
            ])
            .env(CHILD_DIR, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(30..400)));
        child.kill().unwrap(); // SIGKILL: no destructor, no flush, no goodbye
        child.wait().unwrap();
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
    assert!(acked.len() >= kills, "the children made changes ({} acknowledged)", acked.len());

    // Exactly once: every acknowledged key is in the server's idempotency store (its primary key holds it
    // once), and the memberships the device shows are the server's.
    if let Some(db) = server.sqlite_path() {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display())).await.unwrap();
        let keys: BTreeSet<String> =
            sqlx::query_as::<_, (String,)>("SELECT idem_key FROM idempotency_keys WHERE status = 200")
                .fetch_all(&pool)
                .await
                .unwrap()
                .into_iter()
                .map(|(k,)| k)
                .collect();
        let missing: Vec<_> = acked.iter().filter(|k| !keys.contains(*k)).collect();
        assert!(missing.is_empty(), "acknowledged changes never applied on the server: {missing:?}");
        // And nothing the device did not acknowledge… except a change killed between commit and log line.
        assert!(
            keys.len() <= acked.len() + kills,
            "{} keys on the server for {} acknowledged",
            keys.len(),
            acked.len()
        );
    }
    let local: BTreeSet<String> =
        session.store().records(RecordKind::Membership).await.unwrap().into_iter().map(|m| m.id).collect();
    let fresh = tempfile::tempdir().unwrap();
    let check = open_synced(fresh.path(), &server).await;
    let on_server: BTreeSet<String> =
        check.store().records(RecordKind::Membership).await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(local, on_server, "after all the kills, the device shows what the server holds");
    eprintln!(
        "kill test: {kills} kills in {:.1} s, {} acknowledged changes, all on the server once",
        elapsed.as_secs_f64(),
        acked.len()
    );
}
