//! Tombstones are kept a month, then deleted by the hourly housekeeping (`records::purge_tombstones`); a
//! device whose cursor is older than the last tombstone deleted gets a full sync (`reset`), which drops
//! what it no longer hears of. Time is passed in, so a month passes at once; both backends.

mod common;

use common::Api;
use penggerak_server::records::{purge_tombstones, purged_through};
use penggerak_server::Db;
use penggerak_testkit::TestServer;
use penggerak_types::SyncPage;
use reqwest::{Method, StatusCode};
use serde_json::json;

const SITI: &str = "3471765432100001";
const DAY: i64 = 24 * 60 * 60;

/// A new item of Siti's plan, deleted at once: a tombstone. Returns its id.
async fn added_and_deleted(siti: &Api, title: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let r = siti
        .send(Method::POST, "/pkb/items", Some(json!({"id": id, "kind": "lainnya", "title": title, "jp": 2})))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "added");
    let r = siti.send(Method::DELETE, &format!("/pkb/items/{id}"), Some(json!({"base_version": 1}))).await;
    assert_eq!(r.status(), StatusCode::OK, "deleted");
    id
}

/// Whether the database still holds a row (a tombstone) for item `id`.
async fn row_kept(db: &Db, id: &str) -> bool {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM records WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n == 1
}

async fn page(siti: &Api, cursor: &str) -> SyncPage {
    let r = siti.get(&format!("/sync?cursor={cursor}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_tombstone_a_month_old_is_deleted_and_a_device_that_missed_it_syncs_fully() {
    let s = TestServer::start();
    let db = Db::open(s.database_url()).await.unwrap();
    let siti = Api::sign_in(&s, SITI).await;
    // Her phone last synced before any of this.
    let (_, phone) = siti.sync_all().await;
    let old = added_and_deleted(&siti, "Kegiatan yang dihapus lama").await;
    // Her laptop, in step with the phone until then, synced after the deletion: it has heard of it.
    let mut laptop = phone.clone();
    loop {
        let p = page(&siti, &laptop).await;
        laptop = p.cursor;
        if !p.more {
            break;
        }
    }

    let now = 1_800_000_000;
    assert_eq!(
        purge_tombstones(&db, now).await.unwrap(),
        0,
        "nothing is a month old yet (the feed is marked)"
    );
    assert!(row_kept(&db, &old).await, "its tombstone is kept");
    let recent = added_and_deleted(&siti, "Kegiatan yang dihapus baru").await;
    assert_eq!(purge_tombstones(&db, now + 29 * DAY).await.unwrap(), 0, "29 days: still kept");

    assert_eq!(purge_tombstones(&db, now + 31 * DAY).await.unwrap(), 1, "a month on: the old tombstone goes");
    assert!(!row_kept(&db, &old).await, "deleted from the database");
    assert!(row_kept(&db, &recent).await, "a tombstone placed after the month-old mark stays");
    let mut conn = db.pool.acquire().await.unwrap();
    let purged = purged_through(&mut conn).await.unwrap();
    drop(conn);

    // The phone's cursor is before the deleted tombstone: it might have missed the deletion, so a full sync,
    // which sends neither item (a full sync sends no tombstones) and lets the device drop what it holds.
    let full = page(&siti, &phone).await;
    assert!(full.reset, "a cursor older than the last tombstone deleted gets a full sync");
    assert!(full.records.iter().all(|r| r.id != old && r.id != recent), "neither deleted item is sent");
    assert!(full.records.iter().any(|r| !r.deleted), "her records come whole");
    // The laptop heard of the old deletion: no full sync, and the recent deletion comes as a tombstone.
    let next = page(&siti, &laptop).await;
    assert!(!next.reset, "a cursor past every tombstone deleted goes on");
    assert!(
        next.records.iter().any(|r| r.id == recent && r.deleted),
        "the recent deletion comes as a tombstone"
    );
    assert!(next.records.iter().all(|r| r.id != old), "the old one was never sent twice");

    // Nothing more is a month old: nothing is deleted, the place stays.
    assert_eq!(purge_tombstones(&db, now + 31 * DAY + 3_600).await.unwrap(), 0);
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(purged_through(&mut conn).await.unwrap(), purged, "the place only moves with a deletion");
    drop(conn);
    // A month after the recent one's mark, it goes too; the laptop's cursor, now before it, syncs fully.
    assert_eq!(purge_tombstones(&db, now + 61 * DAY).await.unwrap(), 1, "the recent tombstone, a month on");
    assert!(page(&siti, &laptop).await.reset, "the laptop's cursor is now before a deleted tombstone");
    db.pool.close().await;
}
