//! The authorisation matrix: every route × every role × own/other school, asserting allow or deny, on the
//! records of one teacher (Siti, SD Negeri 1 Depok). Denials of another person's records are 404 (their
//! existence is not the caller's business) unless the caller can read them and only the action is not
//! theirs (403).

mod common;

use common::Api;
use penggerak_server::demo;
use penggerak_testkit::TestServer;
use penggerak_types::RecordKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The callers: the owner, a colleague, her principal, another school's principal, a pengawas, an admin.
const ACTORS: [&str; 6] = ["owner", "colleague", "principal", "other principal", "pengawas", "admin"];

fn identifiers() -> [String; 6] {
    let other = demo::people()
        .into_iter()
        .find(|p| p.role == "kepala_sekolah" && p.school != Some("20401234"))
        .expect("another school has a principal");
    [
        "3471765432100001".into(),
        "3471765432100003".into(),
        "196805121990031004".into(),
        other.email,
        "dewi.kusumawardani@demo.penggerak.id".into(),
        "admin@demo.penggerak.id".into(),
    ]
}

#[tokio::test]
async fn every_route_allows_exactly_who_it_should() {
    let s = TestServer::start();
    let ids = identifiers();
    let mut apis = Vec::new();
    for id in &ids {
        apis.push(Api::sign_in(&s, id).await);
    }
    let (siti_records, _) = apis[0].sync_all().await;
    let item = siti_records.iter().find(|r| r.kind == RecordKind::PkbItem).unwrap().id.clone();
    let gp = "guru-penggerak:guru-siti";
    // A community none of the callers leads (a lead cannot leave).
    let free = siti_records
        .iter()
        .filter(|r| r.kind == RecordKind::Community)
        .map(|r| r.parse::<penggerak_types::api::Community>().unwrap())
        .find(|c| c.lead_id == "guru-made")
        .expect("Made leads a community")
        .id;

    // Siti's performance plan, an observation id for the principal to schedule, one evidence file of
    // hers to read and delete, and an unused id to upload to.
    let skp = siti_records
        .iter()
        .find(|r| r.kind == RecordKind::PerformancePlan)
        .expect("Siti has a performance plan")
        .id
        .clone();
    let obs = uuid::Uuid::new_v4().to_string();
    let feedback = uuid::Uuid::new_v4().to_string();
    let evidence = uuid::Uuid::new_v4().to_string();
    let new_evidence = uuid::Uuid::new_v4().to_string();
    let r = apis[0]
        .c
        .put(apis[0].url(&format!("/kinerja/evidence/{evidence}?plan_id={skp}&title=Bukti&file_name=b.pdf")))
        .bearer_auth(&apis[0].token)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .body(b"%PDF-1.4\n%%EOF\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "Siti uploads evidence");

    use StatusCode as S;
    const OK: S = S::OK;
    const NO: S = S::NOT_FOUND;
    const FB: S = S::FORBIDDEN;
    const BAD: S = S::UNPROCESSABLE_ENTITY;
    const CF: S = S::CONFLICT;
    // (method, path, body, expected for [owner, colleague, principal, other principal, pengawas, admin])
    let matrix: Vec<(Method, String, Option<serde_json::Value>, [S; 6])> = vec![
        (Method::GET, "/me".into(), None, [OK; 6]),
        (Method::GET, "/sync".into(), None, [OK; 6]),
        (Method::GET, "/communities".into(), None, [OK; 6]),
        (Method::GET, "/communities/kom-01".into(), None, [OK; 6]),
        (Method::POST, format!("/communities/{free}/join"), None, [OK; 6]),
        (Method::POST, format!("/communities/{free}/leave"), None, [OK; 6]),
        (Method::GET, "/programmes".into(), None, [OK; 6]),
        (Method::GET, "/programmes/guru-penggerak".into(), None, [OK; 6]),
        (Method::GET, "/me/participations".into(), None, [OK; 6]),
        // Each caller's own plan: staff have one, pengawas and admin do not.
        (Method::GET, "/pkb".into(), None, [OK, OK, OK, OK, NO, NO]),
        (
            Method::PATCH,
            format!("/pkb/items/{item}"),
            Some(json!({"base_version": 1, "progress": 10})),
            [OK, NO, FB, NO, NO, NO],
        ),
        (
            Method::DELETE,
            format!("/pkb/items/{item}"),
            Some(json!({"base_version": 2})),
            [OK, NO, FB, NO, NO, NO],
        ),
        // Siti graduated, so even she may not record progress (422); nobody else may try.
        (
            Method::POST,
            format!("/participations/{gp}/items/gp-modul-1.1/progress"),
            Some(json!({"base_version": 1, "done": 1})),
            [BAD, NO, FB, NO, NO, NO],
        ),
        // Performance: Siti's plan (a draft), read by her and her principal only; each move has one mover.
        (Method::GET, "/kinerja".into(), None, [OK; 6]),
        (Method::GET, format!("/kinerja/plans/{skp}"), None, [OK, NO, OK, NO, NO, NO]),
        (
            Method::PATCH,
            format!("/kinerja/plans/{skp}"),
            Some(json!({"base_version": 1, "reflection": "Catatan awal."})),
            [OK, NO, FB, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("/kinerja/plans/{skp}/status"),
            Some(json!({"base_version": 2, "to": "perlu_disetujui"})),
            [OK, NO, FB, NO, NO, NO],
        ),
        // Only the principal rates, and only an agreed plan (this one was just submitted: 409).
        (
            Method::PUT,
            format!("/kinerja/plans/{skp}/predikat"),
            Some(json!({"base_version": 3, "predikat": "baik"})),
            [FB, NO, CF, NO, NO, NO],
        ),
        (
            Method::POST,
            "/kinerja/observations".into(),
            Some(
                json!({"id": obs, "plan_id": skp, "scheduled_at": "2026-12-01T08:00", "class_name": "Kelas IV"}),
            ),
            [FB, NO, OK, NO, NO, NO],
        ),
        (
            Method::PATCH,
            format!("/kinerja/observations/{obs}"),
            Some(json!({"base_version": 1, "preparation": "Modul ajar bab 2"})),
            [OK, NO, FB, NO, NO, NO],
        ),
        // Feedback (umpan balik): her principal's alone, at any point of the cycle; not even she writes it.
        (
            Method::POST,
            "/kinerja/feedback".into(),
            Some(json!({"id": feedback, "plan_id": skp, "text": "Indikator kedua perlu angka."})),
            [FB, NO, OK, NO, NO, NO],
        ),
        // The body here is JSON, not a PDF: the owner gets that far (422); nobody else gets past who they are.
        (
            Method::PUT,
            format!("/kinerja/evidence/{new_evidence}?plan_id={skp}&title=Bukti&file_name=bukti.pdf"),
            Some(json!({})),
            [BAD, NO, FB, NO, NO, NO],
        ),
        (Method::GET, format!("/kinerja/evidence/{evidence}/file"), None, [OK, NO, OK, NO, NO, NO]),
        (
            Method::DELETE,
            format!("/kinerja/evidence/{evidence}"),
            Some(json!({"base_version": 1})),
            [OK, NO, FB, NO, NO, NO],
        ),
        // Materials are for everyone signed in.
        (Method::GET, "/materials".into(), None, [OK; 6]),
        (Method::GET, "/materials/materi-01".into(), None, [OK; 6]),
        (Method::GET, "/materials/materi-01/content".into(), None, [OK; 6]),
        (Method::GET, "/materials/materi-02/files/ringkasan".into(), None, [OK; 6]),
        (Method::GET, "/school/staff".into(), None, [FB, FB, OK, OK, FB, FB]),
        (Method::GET, "/school/staff/guru-siti".into(), None, [FB, FB, OK, NO, FB, FB]),
        // A pengawas reads the schools she supervises (Sleman), and nothing of another (Ubud, Bali).
        (Method::GET, "/supervision/schools".into(), None, [FB, FB, FB, FB, OK, FB]),
        (Method::GET, "/supervision/schools/20401234/staff".into(), None, [FB, FB, FB, FB, OK, FB]),
        (Method::GET, "/supervision/schools/50102345/staff".into(), None, [FB, FB, FB, FB, NO, FB]),
    ];
    let mut failures = Vec::new();
    // Run the denied callers first, so the owner's writes (which change versions) come last.
    for (method, path, body, expected) in &matrix {
        for who in (1..6).chain([0]) {
            let r = if *method == Method::GET {
                apis[who].get(path).await
            } else {
                apis[who].send(method.clone(), path, body.clone()).await
            };
            if r.status() != expected[who] {
                failures.push(format!(
                    "{method} {path} as {}: {} (expected {})",
                    ACTORS[who],
                    r.status(),
                    expected[who]
                ));
            }
        }
        // And nobody without a token.
        let anonymous =
            reqwest::Client::new().request(method.clone(), apis[0].url(path)).send().await.unwrap();
        if anonymous.status() != S::UNAUTHORIZED {
            failures.push(format!("{method} {path} anonymously: {}", anonymous.status()));
        }
    }
    assert!(failures.is_empty(), "authorisation matrix violations:\n{}", failures.join("\n"));

    // What each caller's sync shows of Siti's records: the owner and her principal, nobody else.
    let siti_ids: Vec<(RecordKind, String)> = siti_records
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                RecordKind::Person
                    | RecordKind::Participation
                    | RecordKind::PkbPlan
                    | RecordKind::PkbItem
                    | RecordKind::PerformancePlan
                    | RecordKind::Evidence
            )
        })
        .map(|r| (r.kind, r.id.clone()))
        .collect();
    assert!(siti_ids.len() >= 4);
    // The note her principal left reaches her and him, and nobody else.
    for (who, api) in apis.iter().enumerate() {
        let (seen, _) = api.sync_all().await;
        let note = seen.iter().find(|r| r.kind == RecordKind::Feedback && r.id == feedback);
        assert_eq!(note.is_some(), matches!(who, 0 | 2), "{} and the feedback note in /sync", ACTORS[who]);
    }
    for (who, api) in apis.iter().enumerate() {
        let (seen, _) = api.sync_all().await;
        let sees = siti_ids
            .iter()
            .filter(|(k, id)| seen.iter().any(|r| r.kind == *k && &r.id == id && !r.deleted))
            .count();
        let should = matches!(who, 0 | 2);
        assert_eq!(
            sees > 0,
            should,
            "{} {} Siti's private records in /sync",
            ACTORS[who],
            if should { "sees" } else { "must not see" }
        );
    }
}
