//! Programmes and participation against the real server: definitions as data, each person's stage,
//! results, progress and certificate, the progress a participant records, and who may see and do what.

mod common;

use common::{expect_error, Api};
use penggerak_testkit::TestServer;
use penggerak_types::programme::{ItemKind, Participation, Programme, StageOutcome};
use penggerak_types::{Changed, ErrorCode, RecordKind};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SITI: &str = "3471765432100001";
const BAMBANG: &str = "196805121990031004";
const AGUS: &str = "3471765432100003";
const MADE: &str = "5104765432100004";

async fn mine(api: &Api) -> Vec<Participation> {
    let r = api.get("/me/participations").await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn guru_penggerak_is_served_as_data_with_its_real_shape() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let all: Vec<Programme> = siti.get("/programmes").await.json().await.unwrap();
    assert_eq!(all.len(), 2, "Guru Penggerak and one successor, both plain records");
    let gp: Programme = siti.get("/programmes/guru-penggerak").await.json().await.unwrap();
    let stages: Vec<_> = gp.stages.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(stages, ["pendaftaran", "seleksi_1", "seleksi_2", "pendidikan", "kelulusan"]);
    let count = |k| gp.items.iter().filter(|i| i.kind == k).count();
    assert_eq!(
        (count(ItemKind::Modul), count(ItemKind::Lokakarya), count(ItemKind::Pendampingan)),
        (10, 8, 6)
    );
    assert_eq!(gp.items[0].title, "Refleksi Filosofis Pendidikan Nasional Ki Hadjar Dewantara");
    assert!(gp.items.iter().any(|i| i.code == "Lokakarya 7" && i.title == "Panen Hasil Belajar"));
    assert!(gp.cohorts.iter().any(|c| c.name == "Angkatan 10"
        && c.schedule
            .iter()
            .any(|d| d.stage == "pendidikan" && d.starts == "2024-03-15" && d.ends == "2024-11-28")));
    expect_error(siti.get("/programmes/nope").await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    let parts = mine(&siti).await;
    let gp_part =
        parts.iter().find(|p| p.programme_id == "guru-penggerak").expect("Siti is a Guru Penggerak");
    assert_eq!(gp_part.current_stage, "kelulusan");
    assert!(gp_part.results.iter().all(|r| r.outcome == StageOutcome::Lulus), "she passed every stage");
    assert!(
        gp_part.certificate.as_ref().is_some_and(|c| c.number.starts_with("GP/10/")),
        "{:?}",
        gp_part.certificate
    );
}

#[tokio::test]
async fn a_participant_records_module_progress_within_the_rules() {
    let s = TestServer::start();
    let agus = Api::sign_in(&s, AGUS).await;
    let part =
        mine(&agus).await.into_iter().find(|p| p.current_stage == "pelatihan").expect("Agus is in training");
    let path = |item: &str| format!("/participations/{}/items/{item}/progress", part.id);
    let r = agus.send(Method::POST, &path("pkp-modul-2"), Some(json!({"base_version": 1, "done": 4}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let changed: Changed = r.json().await.unwrap();
    let now: Participation = changed.records[0].parse().unwrap();
    assert_eq!(now.items.iter().find(|i| i.item_id == "pkp-modul-2").map(|i| i.done), Some(4));
    assert_eq!(changed.records[0].version, 2);
    for (item, done, why) in [
        ("pkp-modul-2", 6, "a module has 5 steps"),
        ("pkp-lokakarya-1", 1, "workshops are recorded by the facilitator"),
        ("pkp-pendampingan-1", 1, "not an item of the current stage (and not self-reported)"),
        ("gp-modul-1.1", 1, "not an item of this programme"),
    ] {
        let r = agus.send(Method::POST, &path(item), Some(json!({"base_version": 2, "done": done}))).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    }
    let r = agus.send(Method::POST, &path("pkp-modul-1"), Some(json!({"base_version": 1, "done": 5}))).await;
    let e = expect_error(r, StatusCode::CONFLICT, ErrorCode::Conflict).await;
    assert_eq!(e.current.map(|c| c.version), Some(2), "a stale update is told the current version");

    let bambang = Api::sign_in(&s, BAMBANG).await;
    let r =
        bambang.send(Method::POST, &path("pkp-modul-1"), Some(json!({"base_version": 2, "done": 5}))).await;
    expect_error(r, StatusCode::FORBIDDEN, ErrorCode::Forbidden).await;
    let made = Api::sign_in(&s, MADE).await;
    let r = made.send(Method::POST, &path("pkp-modul-1"), Some(json!({"base_version": 2, "done": 5}))).await;
    expect_error(r, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    let sees = |records: &[penggerak_types::SyncRecord]| {
        records.iter().any(|r| r.kind == RecordKind::Participation && r.id == part.id)
    };
    assert!(sees(&bambang.sync_all().await.0), "his principal sees Agus's progress");
    assert!(!sees(&made.sync_all().await.0), "another school's teacher does not");
    assert!(!sees(&Api::sign_in(&s, SITI).await.sync_all().await.0), "nor a colleague");
}
