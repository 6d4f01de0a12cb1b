//! Every input is bounded, so that one user can never degrade another's service: what a hostile or careless
//! teacher writes must still reach her principal in pages his phone can take, storage must not only grow,
//! and odd text must never turn into a server error. Against the real server, on both backends.

mod common;

use common::{expect_error, Api};
use penggerak_server::Db;
use penggerak_testkit::TestServer;
use penggerak_types::kinerja::KinerjaOverview;
use penggerak_types::{limits, Changed, ErrorCode, RecordKind, SyncPage};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "196805121990031004";

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Follows the principal's `/sync` from the start; returns each page's size in bytes as it crossed the
/// wire (uncompressed: reqwest here asks for no encoding) and every record id seen.
async fn page_sizes(api: &Api) -> (Vec<usize>, Vec<String>) {
    let (mut sizes, mut ids, mut cursor) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let path = cursor.as_ref().map_or("/sync".to_owned(), |c| format!("/sync?cursor={c}"));
        let r = api.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "sync page {path}");
        let body = r.bytes().await.unwrap();
        sizes.push(body.len());
        let page: SyncPage = serde_json::from_slice(&body).unwrap();
        ids.extend(page.records.into_iter().map(|r| r.id));
        cursor = Some(page.cursor);
        if !page.more {
            return (sizes, ids);
        }
    }
}

#[tokio::test]
async fn one_teacher_cannot_make_her_principals_sync_too_large() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let head = Api::sign_in(&s, BAMBANG).await;
    let (demo, _) = page_sizes(&head).await;
    println!(
        "principal's /sync on the demo data: {} pages, largest {} bytes",
        demo.len(),
        demo.iter().max().unwrap()
    );

    // The attack that was seen: items whose community event id is 1.9 MB. Every one is refused, and none
    // is stored.
    let huge = "x".repeat(1_900_000);
    for _ in 0..3 {
        let r = siti
            .send(
                Method::POST,
                "/pkb/items",
                Some(json!({"id": new_id(), "kind": "komunitas_belajar", "title": "Temu komunitas", "jp": 2, "community_event_id": huge})),
            )
            .await;
        assert!(
            r.status() == StatusCode::UNPROCESSABLE_ENTITY || r.status() == StatusCode::PAYLOAD_TOO_LARGE,
            "a 1.9 MB event id must be refused, got {}",
            r.status()
        );
        let e: penggerak_types::ApiError = r.json().await.unwrap();
        assert!(matches!(e.code, ErrorCode::Validation | ErrorCode::PayloadTooLarge), "{e:?}");
    }

    // What a teacher may write at every bound, in three-byte characters: a full plan of items, each with
    // the longest title and reflection.
    let title = "€".repeat(limits::TITLE);
    let reflection = "€".repeat(limits::REFLECTION);
    let pkb: penggerak_types::pkb::PkbOverview = siti.get("/pkb").await.json().await.unwrap();
    for n in pkb.items.len()..limits::PKB_ITEMS_PER_PLAN {
        let id = new_id();
        let r = siti
            .send(
                Method::POST,
                "/pkb/items",
                Some(json!({"id": id, "kind": "lainnya", "title": title, "jp": 1})),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "item {n} of {} is within the bounds",
            limits::PKB_ITEMS_PER_PLAN
        );
        let c: Changed = r.json().await.unwrap();
        let r = siti
            .send(
                Method::PATCH,
                &format!("/pkb/items/{id}"),
                Some(json!({"base_version": c.records[0].version, "reflection": reflection})),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "a reflection of {} characters is allowed",
            limits::REFLECTION
        );
    }
    expect_error(
        siti.send(
            Method::POST,
            "/pkb/items",
            Some(json!({"id": new_id(), "kind": "lainnya", "title": "Satu lagi", "jp": 1})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;

    let (sizes, ids) = page_sizes(&head).await;
    let largest = sizes.iter().copied().max().unwrap();
    println!(
        "principal's /sync: {} pages, largest {largest} bytes, total {} bytes",
        sizes.len(),
        sizes.iter().sum::<usize>()
    );
    assert!(
        largest <= limits::SYNC_PAGE_BYTES + limits::RECORD_BYTES,
        "every page stays within the byte bound plus one record (largest {largest} bytes)"
    );
    assert!(sizes.len() > 1, "~3 MB of records must come in more than one page: {sizes:?}");
    let items = ids.iter().filter(|id| id.len() == 36).count();
    assert!(
        items >= limits::PKB_ITEMS_PER_PLAN - pkb.items.len(),
        "every item of hers still reaches the principal ({items} seen)"
    );
}

#[tokio::test]
async fn a_development_item_names_a_community_event_that_exists() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let (records, _) = siti.sync_all().await;
    let event =
        records.iter().find(|r| r.kind == RecordKind::CommunityEvent).expect("demo events").id.clone();
    let item = |event: &str| json!({"id": new_id(), "kind": "komunitas_belajar", "title": "Temu komunitas", "jp": 2, "community_event_id": event});
    for bad in ["tidak-ada", "a/b", ""] {
        expect_error(
            siti.send(Method::POST, "/pkb/items", Some(item(bad))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
        )
        .await;
    }
    let r = siti.send(Method::POST, "/pkb/items", Some(item(&event))).await;
    assert_eq!(r.status(), StatusCode::OK, "an event that exists may be named");
}

async fn upload(api: &Api, id: &str, plan_id: &str, file_name: &str, body: Vec<u8>) -> reqwest::Response {
    api.c
        .put(api.url(&format!("/kinerja/evidence/{id}")))
        .query(&[("plan_id", plan_id), ("title", "Foto kegiatan"), ("file_name", file_name)])
        .bearer_auth(&api.token)
        .header("Idempotency-Key", new_id())
        .body(body)
        .send()
        .await
        .unwrap()
}

fn pdf(tag: &str, len: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.4 {tag}\n").into_bytes();
    b.resize(len, b'a');
    b
}

/// The rows the server keeps for the file `sha` (its entry and its chunks), read from its database.
async fn stored_rows(s: &TestServer, sha: &str) -> i64 {
    let db = Db::open(s.database_url()).await.unwrap();
    let (files,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM files WHERE sha256 = $1")
        .bind(sha)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (chunks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM file_chunks WHERE sha256 = $1")
        .bind(sha)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    files + chunks
}

async fn delete_evidence(api: &Api, id: &str, version: i64) {
    let r = api
        .send(Method::DELETE, &format!("/kinerja/evidence/{id}"), Some(json!({"base_version": version})))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "the owner deletes her evidence");
}

#[tokio::test]
async fn evidence_is_capped_per_plan_and_a_file_nothing_uses_is_removed() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let o: KinerjaOverview = siti.get("/kinerja").await.json().await.unwrap();
    let plan = o.plan.unwrap().id;

    // The same content uploaded twice is stored once; deleting one use keeps it for the other.
    let body = pdf("shared", 600_000); // three chunks
    let (a, b) = (new_id(), new_id());
    let mut versions = Vec::new();
    for id in [&a, &b] {
        let r = upload(&siti, id, &plan, "bukti.pdf", body.clone()).await;
        assert_eq!(r.status(), StatusCode::OK);
        let c: Changed = r.json().await.unwrap();
        versions.push(c.records[0].version);
    }
    let sha = penggerak_server::files::sha256_hex(&body);
    assert_eq!(stored_rows(&s, &sha).await, 1 + 3, "stored once: its entry and three chunks");
    delete_evidence(&siti, &a, versions[0]).await;
    assert_eq!(stored_rows(&s, &sha).await, 4, "the other evidence still uses the file");
    delete_evidence(&siti, &b, versions[1]).await;
    assert_eq!(stored_rows(&s, &sha).await, 0, "nothing uses it any more: the file and its chunks are gone");

    // A plan holds at most so many evidence files.
    for n in 0..limits::EVIDENCE_PER_PLAN {
        let r = upload(&siti, &new_id(), &plan, "bukti.pdf", pdf(&n.to_string(), 200)).await;
        assert_eq!(r.status(), StatusCode::OK, "evidence {n} is within the bound");
    }
    expect_error(
        upload(&siti, &new_id(), &plan, "bukti.pdf", pdf("one more", 200)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
}

#[tokio::test]
async fn evidence_file_names_are_one_line_and_any_name_downloads() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let o: KinerjaOverview = siti.get("/kinerja").await.json().await.unwrap();
    let plan = o.plan.unwrap().id;
    for bad in ["rapor\u{1}.pdf", "baris\nbaru.pdf", "tab\t.pdf"] {
        expect_error(
            upload(&siti, &new_id(), &plan, bad, pdf("x", 100)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
        )
        .await;
    }
    let id = new_id();
    let name = "Modul diferensiasi – \"kelas 4\".pdf";
    assert_eq!(upload(&siti, &id, &plan, name, pdf("y", 100)).await.status(), StatusCode::OK);
    let r = siti.get(&format!("/kinerja/evidence/{id}/file")).await;
    assert_eq!(r.status(), StatusCode::OK, "a name with non-ASCII characters and quotes downloads");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''Modul%20diferensiasi%20%E2%80%93%20%22kelas%204%22.pdf"),
        "the exact name travels as filename*: {disposition}"
    );
}

#[tokio::test]
async fn community_search_is_bounded_and_takes_wildcards_literally() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let all: Vec<serde_json::Value> = siti.get("/communities").await.json().await.unwrap();
    assert!(!all.is_empty());
    for q in ["%", "_", "%%"] {
        let r = siti
            .c
            .get(siti.url("/communities"))
            .query(&[("q", q)])
            .bearer_auth(&siti.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let found: Vec<serde_json::Value> = r.json().await.unwrap();
        assert!(
            found.is_empty(),
            "{q:?} is looked for as typed, and no community name holds it ({} found)",
            found.len()
        );
    }
    for (name, value) in [
        ("q", "a".repeat(50_000)),
        ("q", "a".repeat(limits::SEARCH + 1)),
        ("topic", "t".repeat(limits::FILTER + 1)),
    ] {
        let r = siti
            .c
            .get(siti.url("/communities"))
            .query(&[(name, &value)])
            .bearer_auth(&siti.token)
            .send()
            .await
            .unwrap();
        expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    }
}

#[tokio::test]
async fn a_plan_takes_only_so_many_observations() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let head = Api::sign_in(&s, BAMBANG).await;
    let o: KinerjaOverview = siti.get("/kinerja").await.json().await.unwrap();
    let plan = o.plan.unwrap().id;
    let obs = || json!({"id": new_id(), "plan_id": plan, "scheduled_at": "2026-12-03T08:00", "class_name": "Kelas IV", "focus": ""});
    for n in 0..limits::OBSERVATIONS_PER_PLAN {
        let r = head.send(Method::POST, "/kinerja/observations", Some(obs())).await;
        assert_eq!(r.status(), StatusCode::OK, "observation {n} is within the bound");
    }
    expect_error(
        head.send(Method::POST, "/kinerja/observations", Some(obs())).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
}

#[tokio::test]
async fn a_create_never_tells_whether_another_persons_id_exists() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let made = Api::sign_in(&s, "5104765432100004").await;
    let id = new_id();
    let item = json!({"id": id, "kind": "lainnya", "title": "Membaca modul", "jp": 2});
    assert_eq!(siti.send(Method::POST, "/pkb/items", Some(item.clone())).await.status(), StatusCode::OK);
    let again = expect_error(
        siti.send(Method::POST, "/pkb/items", Some(item.clone())).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;
    assert!(
        again.message.contains("sudah dipakai"),
        "her own repeat is told the id is hers already: {again:?}"
    );
    let other = expect_error(
        made.send(Method::POST, "/pkb/items", Some(item)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
    assert!(
        !other.message.contains("sudah dipakai"),
        "another teacher is not told the id is in use: {other:?}"
    );
}

#[tokio::test]
async fn sign_in_fields_are_bounded_too() {
    let s = TestServer::start();
    let c = reqwest::Client::new();
    let login = |identifier: String, password: String| {
        c.post(format!("{}/api/v1/auth/login", s.base_url()))
            .json(&json!({"identifier": identifier, "password": password}))
            .send()
    };
    let long_id = login("9".repeat(limits::IDENTIFIER + 1), "penggerak2026".into()).await.unwrap();
    expect_error(long_id, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    let long_password = login(SITI.into(), "x".repeat(limits::PASSWORD + 1)).await.unwrap();
    expect_error(long_password, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    let refresh = c
        .post(format!("{}/api/v1/auth/refresh", s.base_url()))
        .json(&json!({"refresh_token": "t".repeat(limits::TOKEN + 1)}))
        .send()
        .await
        .unwrap();
    expect_error(refresh, StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired).await;
    // At the bound they are looked at as usual: a wrong password is a wrong password.
    let at_bound = login(SITI.into(), "x".repeat(limits::PASSWORD)).await.unwrap();
    expect_error(at_bound, StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials).await;
}
