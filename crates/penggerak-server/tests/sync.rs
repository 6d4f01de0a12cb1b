//! `/sync`: the delta feed, per caller, with pages, cursors, ETags and 304, against the real server.

mod common;

use common::Api;
use penggerak_testkit::TestServer;
use penggerak_types::api::{Community, Person};
use penggerak_types::material::{Material, MaterialContent, MaterialKind, Section};
use penggerak_types::{RecordKind, SyncPage, SyncRecord};
use reqwest::header::ETAG;
use reqwest::{Method, StatusCode};
use std::collections::{BTreeMap, BTreeSet};

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "196805121990031004";
const MADE: &str = "5104765432100004";

fn ids(records: &[SyncRecord], kind: RecordKind) -> BTreeSet<String> {
    records.iter().filter(|r| r.kind == kind && !r.deleted).map(|r| r.id.clone()).collect()
}

#[tokio::test]
async fn first_sync_holds_what_the_caller_may_see_and_nothing_else() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let (records, _) = siti.sync_all().await;
    assert_eq!(
        ids(&records, RecordKind::Person),
        BTreeSet::from(["guru-siti".to_owned()]),
        "a teacher sees only herself"
    );
    assert!(
        ids(&records, RecordKind::School).is_empty(),
        "a teacher's device holds no school records: hers comes with her profile, and at a country's scale \
         every school would be 400,000 records on every phone"
    );
    assert_eq!(ids(&records, RecordKind::Community).len(), 20, "every community is public");
    assert!(ids(&records, RecordKind::CommunityEvent).len() >= 40, "and their events");
    assert!(
        ids(&records, RecordKind::Membership).iter().all(|id| id.ends_with(":guru-siti")),
        "only her own memberships"
    );
    let me: Person = records.iter().find(|r| r.kind == RecordKind::Person).unwrap().parse().unwrap();
    assert_eq!(me.full_name, "Siti Rahayu, S.Pd.");

    let bambang = Api::sign_in(&s, BAMBANG).await;
    let (records, _) = bambang.sync_all().await;
    let people = ids(&records, RecordKind::Person);
    assert!(people.contains("guru-siti") && people.contains("guru-agus"), "a principal sees his staff");
    assert!(!people.contains("guru-made"), "but never another school's teacher");
    assert_eq!(
        ids(&records, RecordKind::School),
        BTreeSet::from(["20401234".to_owned()]),
        "a principal's device holds his own school's record and no other school's"
    );
    let agus: Person = records.iter().find(|r| r.id == "guru-agus").unwrap().parse().unwrap();
    assert_eq!(
        agus.problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
        ["asn_without_nip"],
        "the principal sees his teacher's data problem"
    );
    let made = Api::sign_in(&s, MADE).await;
    let (records, _) = made.sync_all().await;
    assert!(
        records.iter().all(|r| r.kind != RecordKind::Person || r.id == "guru-made"),
        "Made (another school) sees no one from SD Negeri 1 Depok"
    );
}

#[tokio::test]
async fn pages_cover_everything_once_and_a_no_change_sync_is_304() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let (all, cursor) = siti.sync_all().await;
    // The same feed in pages of 7: the same records, none twice.
    let mut paged = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = next.as_ref().map_or("/sync?limit=7".to_owned(), |c| format!("/sync?limit=7&cursor={c}"));
        let page: SyncPage = siti.get(&path).await.json().await.unwrap();
        pages += 1;
        assert!(page.records.len() <= 7);
        assert_eq!(
            page.remaining as usize,
            all.len() - paged.len() - page.records.len(),
            "each page says exactly how many records are still to come (page {pages})"
        );
        paged.extend(page.records);
        next = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    assert!(pages > 5, "the backlog really was paged ({pages} pages)");
    let key = |r: &SyncRecord| (r.kind, r.id.clone());
    assert_eq!(paged.iter().map(key).collect::<Vec<_>>(), all.iter().map(key).collect::<Vec<_>>());
    assert_eq!(next.as_deref(), Some(cursor.as_str()), "both ways end at the same cursor");

    // Nothing changed: the ETag of the last answer makes the next sync a bodiless 304.
    let r = siti.get(&format!("/sync?cursor={cursor}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()[ETAG].to_str().unwrap().to_owned();
    let empty: SyncPage = r.json().await.unwrap();
    assert!(empty.records.is_empty() && !empty.reset && empty.cursor == cursor);
    let r = siti.get_if_none_match(&format!("/sync?cursor={cursor}"), &etag).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "a no-change sync costs no body");
    assert!(r.bytes().await.unwrap().is_empty());

    // A change someone else makes that Siti may see (a community's member count) ends the 304s.
    let made = Api::sign_in(&s, MADE).await;
    assert_eq!(made.send(Method::POST, "/communities/kom-01/join", None).await.status(), StatusCode::OK);
    let r = siti.get_if_none_match(&format!("/sync?cursor={cursor}"), &etag).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: SyncPage = r.json().await.unwrap();
    let changed: Vec<_> = page.records.iter().map(|r| (r.kind, r.id.as_str())).collect();
    assert_eq!(changed, [(RecordKind::Community, "kom-01")], "only the community, not Made's membership");
    let c: Community = page.records[0].parse().unwrap();
    let before: Community = all.iter().find(|r| r.id == "kom-01").unwrap().parse().unwrap();
    assert_eq!(c.member_count, before.member_count + 1);
    assert!(page.records[0].version > all.iter().find(|r| r.id == "kom-01").unwrap().version);

    // Changes of a record Siti cannot see do not break her 304.
    let r = siti.get(&format!("/sync?cursor={}", page.cursor)).await;
    let etag = r.headers()[ETAG].to_str().unwrap().to_owned();
    assert_eq!(made.send(Method::POST, "/communities/kom-01/leave", None).await.status(), StatusCode::OK);
    let r = siti.get_if_none_match(&format!("/sync?cursor={}", page.cursor), &etag).await;
    assert_eq!(r.status(), StatusCode::OK, "the member count changed again, so this is news");
}

#[tokio::test]
async fn deletions_sync_as_tombstones_and_foreign_cursors_reset() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let (_, cursor) = siti.sync_all().await;
    assert_eq!(siti.send(Method::POST, "/communities/kom-02/leave", None).await.status(), StatusCode::OK);
    let page: SyncPage = siti.get(&format!("/sync?cursor={cursor}")).await.json().await.unwrap();
    let by_kind: BTreeMap<_, _> = page.records.iter().map(|r| (r.kind, r)).collect();
    let gone = by_kind[&RecordKind::Membership];
    assert!(gone.deleted && gone.data.is_none() && gone.id == "kom-02:guru-siti", "a tombstone: {gone:?}");

    // Someone else's cursor (or garbage) is not an error: it is a full sync marked reset.
    let made = Api::sign_in(&s, MADE).await;
    for foreign in [cursor.as_str(), "garbage", "99999999.000000000000"] {
        let page: SyncPage = made.get(&format!("/sync?cursor={foreign}")).await.json().await.unwrap();
        assert!(page.reset, "cursor {foreign:?} is not Made's: full sync");
        assert!(page.records.iter().any(|r| r.id == "guru-made"));
    }
    let r = made.get("/sync?limit=0").await;
    common::expect_error(r, StatusCode::BAD_REQUEST, penggerak_types::ErrorCode::BadRequest).await;
    let r = made.get("/sync?limit=5000").await;
    common::expect_error(r, StatusCode::BAD_REQUEST, penggerak_types::ErrorCode::BadRequest).await;
}

#[tokio::test]
async fn an_oversized_body_is_413_and_changes_nothing() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let big = "x".repeat(12 * 1024 * 1024);
    let r = siti
        .c
        .post(siti.url("/communities/kom-05/join"))
        .bearer_auth(&siti.token)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .body(big)
        .send()
        .await
        .unwrap();
    common::expect_error(r, StatusCode::PAYLOAD_TOO_LARGE, penggerak_types::ErrorCode::PayloadTooLarge).await;
    let (records, _) = siti.sync_all().await;
    assert!(
        !ids(&records, RecordKind::Membership).contains("kom-05:guru-siti"),
        "the refused join did nothing"
    );
}

#[tokio::test]
async fn the_etag_of_a_first_sync_already_makes_the_next_one_304() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let r = siti.get("/sync?limit=1000").await;
    let etag = r.headers()[ETAG].to_str().unwrap().to_owned();
    let page: SyncPage = r.json().await.unwrap();
    assert!(page.reset && !page.more);
    let r = siti.get_if_none_match(&format!("/sync?cursor={}", page.cursor), &etag).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "no second round trip with a body after a first sync");
    let r = siti.get_if_none_match("/sync", &etag).await;
    assert_eq!(r.status(), StatusCode::OK, "a request without a cursor always gets everything");
}

#[tokio::test]
async fn schools_an_older_server_made_public_are_its_principals_once_migrated() {
    let s = TestServer::start();
    // The database as servers before migration 0015 left it: every school's record public.
    let db = penggerak_server::Db::open(s.database_url()).await.unwrap();
    sqlx::query("UPDATE records SET public = 1, school_npsn = NULL WHERE kind = 'school'")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 15").execute(&db.pool).await.unwrap();
    let siti = Api::sign_in(&s, SITI).await;
    let (records, _) = siti.sync_all().await;
    assert_eq!(ids(&records, RecordKind::School).len(), 6, "as it was: every school to every device");
    // The next start of a server applies the migration.
    drop(penggerak_server::Db::open(s.database_url()).await.unwrap());
    let (records, _) = siti.sync_all().await;
    assert!(ids(&records, RecordKind::School).is_empty(), "migrated, no school reaches a teacher's device");
    let bambang = Api::sign_in(&s, BAMBANG).await;
    let (records, _) = bambang.sync_all().await;
    assert_eq!(
        ids(&records, RecordKind::School),
        BTreeSet::from(["20401234".to_owned()]),
        "and a principal's, his own school's only"
    );
}

fn material(id: &str) -> Material {
    Material {
        id: id.into(),
        title: format!("Modul {id}"),
        kind: MaterialKind::Modul,
        topic: "Pedagogi".into(),
        jenjang: vec!["SD".into()],
        summary: String::new(),
        updated: "2026-12-06".into(),
        content_size: 0,
        content_etag: String::new(),
        files: Vec::new(),
    }
}

#[tokio::test]
async fn how_many_remain_is_counted_when_a_sync_starts_and_carried_in_its_cursor() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let page = |cursor: Option<&str>| {
        let path = cursor.map_or("/sync?limit=20".to_owned(), |c| format!("/sync?limit=20&cursor={c}"));
        let siti = &siti;
        async move { siti.get(&path).await.json::<SyncPage>().await.unwrap() }
    };
    let first = page(None).await;
    assert!(first.more && first.remaining > 40, "a first sync of several pages: {}", first.remaining);
    let counted = first.remaining;
    // Three materials are published while Siti's sync is under way: public, so hers to sync.
    for id in ["baru-1", "baru-2", "baru-3"] {
        let content = MaterialContent {
            material_id: id.into(),
            sections: vec![Section { heading: "Bagian 1".into(), paragraphs: vec!["Isi.".into()] }],
        };
        s.publish_material(material(id), &content, &[]);
    }
    let second = page(Some(&first.cursor)).await;
    assert_eq!(
        second.remaining,
        counted - 20,
        "the count made when the sync started, less the page sent: nothing was counted again (counting on \
         every page read the whole rest of the feed per page, n²/2p rows for a first sync of n records)"
    );
    // The carried count runs out while the new materials still wait: then it is counted again, so the
    // progress never says nothing is left while something is, and every record still arrives once.
    let mut seen: Vec<SyncRecord> = first.records.into_iter().chain(second.records).collect();
    let (mut cursor, mut more, mut recounted) = (second.cursor, second.more, false);
    while more {
        let p = page(Some(&cursor)).await;
        let left = counted.saturating_sub(seen.len() as u64 + p.records.len() as u64);
        if p.more {
            assert!(p.remaining > 0, "more to come is never said to be nothing");
            recounted |= p.remaining != left;
        }
        seen.extend(p.records);
        (cursor, more) = (p.cursor, p.more);
    }
    assert!(recounted, "the materials published meanwhile were counted once the carried count ran out");
    assert_eq!(seen.len() as u64, counted + 20 + 3, "every record once, the three new ones too");
    let keys: BTreeSet<(RecordKind, String)> = seen.iter().map(|r| (r.kind, r.id.clone())).collect();
    assert_eq!(keys.len(), seen.len(), "none twice");
    assert!(["baru-1", "baru-2", "baru-3"]
        .iter()
        .all(|id| keys.contains(&(RecordKind::Material, (*id).to_owned()))));
}
