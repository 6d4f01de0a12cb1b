//! `/pkb`: the development plan against the real server — reads, each write, validation, stale versions,
//! concurrent edits, and who may see and change what.

mod common;

use common::{expect_error, Api};
use penggerak_testkit::TestServer;
use penggerak_types::pkb::{PkbItem, PkbOverview, PkbPlan, PkbStatus};
use penggerak_types::{Changed, ErrorCode, RecordKind};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "196805121990031004";
const AGUS: &str = "3471765432100003";
const MADE: &str = "5104765432100004";

async fn overview(api: &Api) -> PkbOverview {
    let r = api.get("/pkb").await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn changed(r: reqwest::Response) -> Changed {
    assert_eq!(r.status(), StatusCode::OK, "{}", r.url());
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_plan_reads_and_every_write_works() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let plan = overview(&siti).await;
    assert_eq!(plan.plan.owner_id, "guru-siti");
    assert!(plan.items.len() >= 4, "the demo plan has items");
    let statuses: std::collections::BTreeSet<_> = plan.items.iter().map(|i| i.status).collect();
    assert!(statuses.len() >= 2, "items in several statuses: {statuses:?}");
    assert_eq!(
        plan.jp_done,
        plan.items.iter().filter(|i| i.status == PkbStatus::Selesai).map(|i| i.jp).sum::<u32>()
    );

    // Add an item with a client-chosen id; the same id again is a conflict.
    let id = uuid::Uuid::new_v4().to_string();
    let body =
        json!({"id": id, "kind": "pelatihan_mandiri", "title": "Pembelajaran Berbasis Projek", "jp": 8});
    let added = changed(siti.send(Method::POST, "/pkb/items", Some(body.clone())).await).await;
    let item: PkbItem = added.records[0].parse().unwrap();
    assert_eq!((item.status, item.progress, added.records[0].version), (PkbStatus::BelumMulai, 0, 1));
    expect_error(
        siti.send(Method::POST, "/pkb/items", Some(body)).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;

    // Progress moves the status; 100 % finishes it and its JP count.
    let r = siti
        .send(Method::PATCH, &format!("/pkb/items/{id}"), Some(json!({"base_version": 1, "progress": 40})))
        .await;
    let v2 = changed(r).await.records[0].clone();
    assert_eq!(v2.parse::<PkbItem>().unwrap().status, PkbStatus::Berjalan);
    let r = siti
        .send(
            Method::PATCH,
            &format!("/pkb/items/{id}"),
            Some(json!({"base_version": 2, "progress": 100, "reflection": "Murid membuat projek kompos."})),
        )
        .await;
    let done: PkbItem = changed(r).await.records[0].parse().unwrap();
    assert_eq!((done.status, done.reflection.as_str()), (PkbStatus::Selesai, "Murid membuat projek kompos."));
    assert_eq!(overview(&siti).await.jp_done, plan.jp_done + 8, "a finished item's JP count");

    // The target, versioned like everything else.
    let plan_version =
        siti.sync_all().await.0.iter().find(|r| r.kind == RecordKind::PkbPlan).unwrap().version;
    let r = siti
        .send(Method::PUT, "/pkb/target", Some(json!({"base_version": plan_version, "target_jp": 40})))
        .await;
    assert_eq!(changed(r).await.records[0].parse::<PkbPlan>().unwrap().target_jp, 40);

    // Delete leaves a tombstone that syncs.
    let r = siti.send(Method::DELETE, &format!("/pkb/items/{id}"), Some(json!({"base_version": 3}))).await;
    assert!(changed(r).await.records[0].deleted);
    let (records, _) = siti.sync_all().await;
    assert!(records.iter().all(|r| r.id != id), "a full sync from nothing sends no tombstones");
}

#[tokio::test]
async fn bad_values_are_422_and_change_nothing() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let item = overview(&siti).await.items[0].clone();
    let version = 1;
    for (body, why) in [
        (json!({"base_version": version, "progress": 101}), "progress is a percentage"),
        (json!({"base_version": version, "jp": 0}), "an item is worth at least 1 JP"),
        (
            json!({"base_version": version, "status": "selesai", "progress": 30}),
            "done at 30 % contradicts itself",
        ),
        (json!({"base_version": version, "reflection": "x".repeat(10_001)}), "reflections are bounded"),
        (json!({"base_version": version, "title": "  "}), "a title is required"),
        (json!({"base_version": version, "target_date": "2026-02-30"}), "a target date must exist"),
        (json!({"base_version": version, "target_date": "0000-00-00"}), "a target date must exist"),
    ] {
        let r = siti.send(Method::PATCH, &format!("/pkb/items/{}", item.id), Some(body)).await;
        expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
        assert_eq!(overview(&siti).await.items[0], item, "{why}: nothing changed");
    }
    let r = siti
        .send(
            Method::POST,
            "/pkb/items",
            Some(json!({"id": "not-a-uuid", "kind": "lainnya", "title": "x", "jp": 2})),
        )
        .await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    let r = siti.send(Method::PUT, "/pkb/target", Some(json!({"base_version": 1, "target_jp": 0}))).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    let r = siti.send(Method::PATCH, &format!("/pkb/items/{}", item.id), Some(json!({"progress": 10}))).await;
    expect_error(r, StatusCode::BAD_REQUEST, ErrorCode::BadRequest).await; // no base_version
}

#[tokio::test]
async fn a_stale_edit_gets_409_with_the_server_copy_and_concurrent_edits_have_one_winner() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let item = overview(&siti).await.items[0].clone();
    // Two devices edit the same item from version 1 at the same time: exactly one wins.
    let path = format!("/pkb/items/{}", item.id);
    let (a, b) = tokio::join!(
        siti.send(Method::PATCH, &path, Some(json!({"base_version": 1, "reflection": "dari ponsel"}))),
        siti.send(Method::PATCH, &path, Some(json!({"base_version": 1, "reflection": "dari laptop"}))),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "one edit wins, the other is told");
    let loser = if a.status() == StatusCode::CONFLICT { a } else { b };
    let e = expect_error(loser, StatusCode::CONFLICT, ErrorCode::Conflict).await;
    let current = e.current.expect("a stale edit's answer carries the server copy");
    assert_eq!((current.kind, current.version), (RecordKind::PkbItem, 2));
    let winner: PkbItem = current.parse().unwrap();
    assert!(["dari ponsel", "dari laptop"].contains(&winner.reflection.as_str()));
    assert_eq!(overview(&siti).await.items[0].reflection, winner.reflection, "the winner's text, once");
}

#[tokio::test]
async fn only_the_owner_writes_and_only_the_own_principal_reads() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let item = overview(&siti).await.items[0].clone();
    let path = format!("/pkb/items/{}", item.id);
    let patch = json!({"base_version": 1, "progress": 10});
    let bambang = Api::sign_in(&s, BAMBANG).await;
    expect_error(
        bambang.send(Method::PATCH, &path, Some(patch.clone())).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;
    let agus = Api::sign_in(&s, AGUS).await;
    expect_error(
        agus.send(Method::PATCH, &path, Some(patch.clone())).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    expect_error(
        agus.send(Method::DELETE, &path, Some(json!({"base_version": 1}))).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    let made = Api::sign_in(&s, MADE).await;
    expect_error(
        made.send(Method::PATCH, &path, Some(patch)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;

    let sees = |records: &[penggerak_types::SyncRecord]| records.iter().any(|r| r.id == item.id);
    assert!(sees(&bambang.sync_all().await.0), "her principal reads her plan");
    assert!(!sees(&agus.sync_all().await.0), "a colleague does not");
    assert!(!sees(&made.sync_all().await.0), "another school's teacher does not");
    let pengawas = Api::sign_in(&s, "dewi.kusumawardani@demo.penggerak.id").await;
    assert!(!sees(&pengawas.sync_all().await.0), "nor a pengawas");
    assert_eq!(overview(&siti).await.items[0], item, "nobody else changed it");
}

/// The same race many times over: on PostgreSQL (READ COMMITTED) two edits from one base version once
/// both passed the version check and both wrote — a lost update, seen once in a CI run. Each round must
/// have exactly one winner, and the versions must count every win.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_from_one_version_never_both_win() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let item = overview(&siti).await.items[0].clone();
    let path = format!("/pkb/items/{}", item.id);
    let mut version = 1;
    for round in 0..25 {
        let (a, b) = tokio::join!(
            siti.send(
                Method::PATCH,
                &path,
                Some(json!({"base_version": version, "reflection": format!("a{round}")}))
            ),
            siti.send(
                Method::PATCH,
                &path,
                Some(json!({"base_version": version, "reflection": format!("b{round}")}))
            ),
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "round {round}: one winner, one told");
        version += 1;
    }
    let (records, _) = siti.sync_all().await;
    let now = records.iter().find(|r| r.id == item.id).unwrap();
    assert_eq!(now.version, version, "every win, and only wins, moved the version");
}
