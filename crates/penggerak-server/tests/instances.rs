//! Two instances of the server on one database behave as one server (issue 19): the sign-in limits are
//! shared, an idempotency key answered by one instance is replayed by the other, a session started on one
//! is good on the other, and `/sync` from either never skips a change, also when writers commit out of the
//! order they took their places in the feed. On SQLite (one file, two instances) and, in the PostgreSQL
//! pass, on PostgreSQL, where writers really do commit concurrently.

mod common;

use common::{login, Api};
use penggerak_server::records::{self, Audience};
use penggerak_server::{Config, Db, Limit};
use penggerak_testkit::{Instance, TestServer, DEMO_PASSWORD};
use penggerak_types::{RecordKind, SyncPage};
use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::time::Duration;

const SITI: &str = "3471765432100001";
const AGUS: &str = "3471765432100003";

/// Siti's session, used through `base` (either instance: sessions live in the database).
fn on(api: &Api, base: String) -> Api {
    Api { c: api.c.clone(), base, token: api.token.clone() }
}

#[tokio::test]
async fn the_sign_in_limits_count_across_instances() {
    let a = TestServer::start_with(Config {
        login_per_address: Limit::new(4, Duration::from_secs(60)),
        ..Config::default()
    });
    let b: Instance = a.another_instance();
    let c = reqwest::Client::new();
    let fail_on = |base: String| {
        let c = c.clone();
        async move {
            c.post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({"identifier": AGUS, "password": "salah"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Alternating, as a load balancer would spread one guesser's attempts.
    for (i, base) in [a.base_url(), b.base_url(), a.base_url(), b.base_url()].into_iter().enumerate() {
        assert_eq!(fail_on(base).await, StatusCode::UNAUTHORIZED, "failure {} of 4 is let through", i + 1);
    }
    for base in [a.base_url(), b.base_url()] {
        assert_eq!(
            fail_on(base.clone()).await,
            StatusCode::TOO_MANY_REQUESTS,
            "the 5th failure from one address is refused on {base}: the four before it were counted in the \
             database, not in one instance's memory (two instances must not double the allowance)"
        );
    }
}

#[tokio::test]
async fn an_idempotency_key_answered_by_one_instance_is_replayed_by_the_other() {
    let a = TestServer::start();
    let b = a.another_instance();
    let agus = Api::sign_in(&a, AGUS).await;
    let key = uuid::Uuid::new_v4().to_string();
    let path = "/communities/kom-06/join";
    let first = agus.send_keyed(reqwest::Method::POST, path, None, Some(&key)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first_body = first.text().await.unwrap();
    let on_b = on(&agus, b.base_url());
    let retry = on_b.send_keyed(reqwest::Method::POST, path, None, Some(&key)).await;
    assert_eq!(retry.status(), StatusCode::OK, "a session started on one instance is good on the other");
    assert!(
        retry.headers().get("idempotent-replayed").is_some(),
        "the retry reaching the other instance (its answer to the first was lost) is a replay, not a second \
         join: the claim and the answer are in the shared database"
    );
    assert_eq!(retry.text().await.unwrap(), first_body, "the replay is the first answer");
}

/// Every record id of Siti's feed seen when following it from `cursor`, alternating instances, until no
/// more pages; returns them and the new cursor.
async fn follow(siti: &[Api; 2], mut cursor: String) -> (BTreeSet<String>, String) {
    let mut seen = BTreeSet::new();
    for turn in 0.. {
        let api = &siti[turn % 2];
        let r = api.get(&format!("/sync?cursor={cursor}&limit=50")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let page: SyncPage = r.json().await.unwrap();
        assert!(!page.reset, "the cursor of one instance is good on the other");
        seen.extend(page.records.into_iter().map(|r| r.id));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    (seen, cursor)
}

/// Two instances on one database, Siti's session on either, her feed followed to its end (`start`), and
/// the database opened beside them to write as a request would. Fields drop in order: the second instance
/// before the server that owns the database.
struct Feed {
    siti: [Api; 2],
    start: String,
    db: Db,
    _b: Instance,
    _a: TestServer,
}

impl Feed {
    async fn follow() -> Feed {
        let a = TestServer::start();
        let b = a.another_instance();
        let siti_a = Api::sign_in(&a, SITI).await;
        let siti = [on(&siti_a, a.base_url()), on(&siti_a, b.base_url())];
        let (_, start) = siti_a.sync_all().await;
        let db = Db::open(a.database_url()).await.unwrap();
        Feed { siti, start, db, _b: b, _a: a }
    }
}

/// Writes `id` (a record only Siti sees) in a transaction of its own, and commits it after `hold`.
async fn write_late(db: &Db, id: String, hold: Duration) {
    let mut tx = db.begin().await.unwrap();
    let data = serde_json::json!({ "note": "ditulis lambat" });
    records::put(&mut tx, RecordKind::PkbItem, &id, &Audience::private("guru-siti"), &data).await.unwrap();
    tokio::time::sleep(hold).await;
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_change_committed_late_is_not_skipped_by_a_reader_of_either_instance() {
    let feed = Feed::follow().await;
    let (siti, start, db) = (&feed.siti, feed.start.clone(), &feed.db);

    // One writer takes its place in the feed and is slow to commit (a long request, a slow disk).
    let mut slow = db.begin().await.unwrap();
    let data = serde_json::json!({ "note": "lambat" });
    records::put(&mut slow, RecordKind::PkbItem, "late-first", &Audience::private("guru-siti"), &data)
        .await
        .unwrap();
    // Another takes the next place and commits at once (on SQLite it waits for the slow one's lock).
    let quick = tokio::spawn({
        let db = db.clone();
        async move { write_late(&db, "quick-second".into(), Duration::ZERO).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A reader syncs while the slow one is still open: whatever it gets, its cursor must not pass the slow
    // writer's place.
    let (early, cursor) = follow(siti, start.clone()).await;
    assert!(!early.contains("late-first"), "an uncommitted change is never visible");
    slow.commit().await.unwrap();
    quick.await.unwrap();
    let (late, _) = follow(siti, cursor).await;
    let seen: BTreeSet<String> = early.union(&late).cloned().collect();
    for id in ["late-first", "quick-second"] {
        assert!(
            seen.contains(id),
            "{id} must reach the reader: a cursor that moved past a change still being committed would skip \
             it for ever (seen: {seen:?})"
        );
    }
}

#[tokio::test]
async fn concurrent_writers_committing_out_of_order_are_all_seen_from_either_instance() {
    const WRITERS: usize = 16;
    const EACH: usize = 12;
    let feed = Feed::follow().await;
    let (siti, start, db) = (&feed.siti, feed.start.clone(), &feed.db);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    // Readers follow the feed the whole time, from either instance.
    let reader = {
        let (siti, done, start) = (
            [on(&siti[0], siti[0].base.clone()), on(&siti[1], siti[1].base.clone())],
            done.clone(),
            start.clone(),
        );
        tokio::spawn(async move {
            let (mut seen, mut cursor) = (BTreeSet::new(), start);
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let (ids, next) = follow(&siti, cursor).await;
                seen.extend(ids);
                cursor = next;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // Everything is committed now: one last follow must bring whatever is left.
            let (ids, _) = follow(&siti, cursor).await;
            seen.extend(ids);
            seen
        })
    };
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let db = db.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                // Holds of 0-40 ms, different per writer and write: commits land out of order.
                let hold = Duration::from_millis(((w * 7 + i * 13) % 41) as u64);
                write_late(&db, format!("w{w}-{i}"), hold).await;
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.await.unwrap();
    let missing: Vec<String> = (0..WRITERS)
        .flat_map(|w| (0..EACH).map(move |i| format!("w{w}-{i}")))
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "a reader following /sync while {WRITERS} writers committed out of order skipped {} changes: {missing:?}",
        missing.len()
    );
}

#[tokio::test]
async fn readiness_follows_the_database_going_away_and_coming_back() {
    // Only PostgreSQL can be taken away from under a running server here (refusing connections and ending
    // the open ones); a SQLite file is part of the server's own machine.
    let Ok(admin) = std::env::var(penggerak_testkit::POSTGRES_ENV) else {
        eprintln!("readiness with the database down: PostgreSQL pass only");
        return;
    };
    let a = TestServer::start();
    let http = reqwest::Client::new();
    let ready = || {
        let (http, url) = (http.clone(), format!("{}{}", a.base_url(), penggerak_types::route::HEALTH_READY));
        async move { http.get(url).send().await.unwrap().status() }
    };
    assert_eq!(ready().await, StatusCode::OK, "ready with the database up");
    let name = a.database_url().rsplit('/').next().unwrap().to_owned();
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&admin).await.unwrap();
    sqlx::query(&format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .fetch_one(&admin)
        .await
        .unwrap();
    assert_eq!(
        ready().await,
        StatusCode::SERVICE_UNAVAILABLE,
        "not ready while the database refuses connections: a load balancer must send no traffic here"
    );
    let live =
        http.get(format!("{}{}", a.base_url(), penggerak_types::route::HEALTH_LIVE)).send().await.unwrap();
    assert_eq!(
        live.status(),
        StatusCode::OK,
        "still live: restarting the process would not bring the database back"
    );
    sqlx::query(&format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")).execute(&admin).await.unwrap();
    let mut back = false;
    for _ in 0..50 {
        if ready().await == StatusCode::OK {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "ready again once the database is back, without a restart");
    let r = login(&http, &a, SITI, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK, "and serving");
}
