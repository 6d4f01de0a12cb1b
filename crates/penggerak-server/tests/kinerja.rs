//! `/kinerja`: the performance cycle against the real server — the cycle as data, the plan workflow end
//! to end (submit, return with a note, resubmit, approve, agree, rate), every refused move, stale
//! versions, observations, and evidence uploads and downloads.

mod common;

use common::{expect_error, Api};
use penggerak_testkit::TestServer;
use penggerak_types::kinerja::{
    Evidence, Feedback, KinerjaOverview, Observation, ObservationStatus, PerformancePlan, PlanStatus,
    Predikat,
};
use penggerak_types::{ApiError, Changed, ErrorCode};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SITI: &str = "3471765432100001";
const AGUS: &str = "3471765432100003";
const BAMBANG: &str = "196805121990031004";
const MADE: &str = "5104765432100004";

async fn overview(api: &Api) -> KinerjaOverview {
    let r = api.get("/kinerja").await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// The plan in a write's answer, with its new version.
async fn plan_of(r: reqwest::Response) -> (PerformancePlan, i64) {
    assert_eq!(r.status(), StatusCode::OK, "{}", r.url());
    let c: Changed = r.json().await.unwrap();
    (c.records[0].parse().unwrap(), c.records[0].version)
}

async fn version_of(api: &Api, plan_id: &str) -> i64 {
    let (records, _) = api.sync_all().await;
    records.iter().find(|r| r.id == plan_id).expect("the plan is in the caller's sync").version
}

fn mv(base: i64, to: &str, note: Option<&str>) -> serde_json::Value {
    json!({"base_version": base, "to": to, "note": note})
}

#[tokio::test]
async fn a_plan_goes_from_draft_to_agreed_and_rated_and_every_wrong_move_is_refused() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let head = Api::sign_in(&s, BAMBANG).await;

    let o = overview(&siti).await;
    let codes: Vec<&str> = o.cycle.stages.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["pra_perencanaan", "perencanaan", "pelaksanaan", "penilaian"], "this year's shape");
    assert!(o.cycle.stages.iter().all(|s| s.starts <= s.ends && !s.asks.is_empty()));
    let rule = o.cycle.evidence.clone().expect("this year's cycle takes evidence");
    assert_eq!((rule.content_type.as_str(), rule.max_bytes), ("application/pdf", 10_000_000));
    let plan = o.plan.expect("an ASN teacher has a plan");
    assert_eq!(plan.status, PlanStatus::Draf);
    let path = format!("/kinerja/plans/{}", plan.id);
    let mut v = version_of(&siti, &plan.id).await;

    // Nobody can approve a draft that was never sent; the principal cannot send it for her. Each refusal
    // carries its rule and values, for the app to word in the user's language.
    use penggerak_types::kinerja::Actor;
    use penggerak_types::Reason;
    for (who, to, status, code, reason) in [
        (
            &head,
            "disetujui",
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            Reason::PlanMove { from: PlanStatus::Draf, to: PlanStatus::Disetujui },
        ),
        (
            &head,
            "perlu_disetujui",
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            Reason::MoveBy { by: Actor::Owner },
        ),
        (
            &siti,
            "disepakati",
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            Reason::PlanMove { from: PlanStatus::Draf, to: PlanStatus::Disepakati },
        ),
    ] {
        let e = expect_error(
            who.send(Method::POST, &format!("{path}/status"), Some(mv(v, to, None))).await,
            status,
            code,
        )
        .await;
        assert_eq!(e.message, reason.to_string(), "the message says the reason in Indonesian");
        assert_eq!(e.reason, Some(reason), "the reason as data");
        assert!(!e.message.contains("PerluDisetujui"), "no Rust names: {}", e.message);
    }
    // The principal reads the plan but cannot write it.
    assert_eq!(head.get(&path).await.status(), StatusCode::OK);
    expect_error(
        head.send(Method::PATCH, &path, Some(json!({"base_version": v, "reflection": "x"}))).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;

    // A result without indicators saves (a draft is work in progress) but cannot be submitted.
    let mut results = serde_json::to_value(&plan.results).unwrap();
    results
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "rhk-baru", "text": "Murid menulis jurnal refleksi", "indicators": []}));
    let (p, nv) =
        plan_of(siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "results": results}))).await)
            .await;
    assert_eq!((p.results.len(), nv), (plan.results.len() + 1, v + 1));
    v = nv;
    let e = expect_error(
        siti.send(Method::POST, &format!("{path}/status"), Some(mv(v, "perlu_disetujui", None))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
    assert_eq!(e.reason, Some(Reason::IndicatorNeeded), "which rule: {e:?}");
    let last = results.as_array().unwrap().len() - 1;
    results[last]["indicators"] = json!(["Jurnal terisi tiap pekan"]);
    let (_, nv) =
        plan_of(siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "results": results}))).await)
            .await;
    v = nv;

    // Submit; results are locked while the principal looks.
    let (p, nv) = plan_of(
        siti.send(Method::POST, &format!("{path}/status"), Some(mv(v, "perlu_disetujui", None))).await,
    )
    .await;
    assert_eq!(p.status, PlanStatus::PerluDisetujui);
    v = nv;
    expect_error(
        siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "results": []}))).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;
    expect_error(
        siti.send(Method::POST, &format!("{path}/status"), Some(mv(v, "disetujui", None))).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;

    // Return: a note is required, and the teacher sees it.
    expect_error(
        head.send(Method::POST, &format!("{path}/status"), Some(mv(v, "dikembalikan", Some("  ")))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
    let note = "Indikator pertama belum terukur; tambahkan target persentase.";
    let (p, nv) = plan_of(
        head.send(Method::POST, &format!("{path}/status"), Some(mv(v, "dikembalikan", Some(note)))).await,
    )
    .await;
    v = nv;
    let seen = overview(&siti).await.plan.unwrap();
    assert_eq!((seen.status, seen.return_note()), (PlanStatus::Dikembalikan, Some(note)));
    assert_eq!(p, seen);

    // Revise, resubmit, approve, agree.
    let (_, nv) =
        plan_of(siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "results": results}))).await)
            .await;
    v = nv;
    for (who, to) in [(&siti, "perlu_disetujui"), (&head, "disetujui"), (&head, "disepakati")] {
        let (_, nv) =
            plan_of(who.send(Method::POST, &format!("{path}/status"), Some(mv(v, to, None))).await).await;
        v = nv;
    }
    // Rating: the principal's, only once agreed; afterwards the reflection is closed.
    expect_error(
        siti.send(
            Method::PUT,
            &format!("{path}/predikat"),
            Some(json!({"base_version": v, "predikat": "sangat_baik"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;
    let (_, nv) = plan_of(
        siti.send(
            Method::PATCH,
            &path,
            Some(json!({"base_version": v, "reflection": "Refleksi akhir tahun."})),
        )
        .await,
    )
    .await;
    v = nv;
    let (p, nv) = plan_of(
        head.send(
            Method::PUT,
            &format!("{path}/predikat"),
            Some(json!({"base_version": v, "predikat": "baik", "note": "Pertahankan."})),
        )
        .await,
    )
    .await;
    v = nv;
    assert_eq!(
        (p.status, p.predikat, p.reflection.as_str()),
        (PlanStatus::Disepakati, Some(Predikat::Baik), "Refleksi akhir tahun.")
    );
    expect_error(
        siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "reflection": "ubah"}))).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;
    let moves: Vec<(PlanStatus, &str)> = p.history.iter().map(|e| (e.to, e.by_id.as_str())).collect();
    assert_eq!(
        moves,
        [
            (PlanStatus::PerluDisetujui, "guru-siti"),
            (PlanStatus::Dikembalikan, "kepsek-bambang"),
            (PlanStatus::PerluDisetujui, "guru-siti"),
            (PlanStatus::Disetujui, "kepsek-bambang"),
            (PlanStatus::Disepakati, "kepsek-bambang"),
        ],
        "every move is in the history, by whom"
    );
    assert!(p.history.iter().all(|e| !e.by_name.is_empty() && e.at.ends_with('Z')));
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_carrying_the_current_plan() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let plan = overview(&siti).await.plan.unwrap();
    let path = format!("/kinerja/plans/{}", plan.id);
    let v = version_of(&siti, &plan.id).await;
    plan_of(
        siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "reflection": "dari ponsel"}))).await,
    )
    .await;
    let e = expect_error(
        siti.send(Method::PATCH, &path, Some(json!({"base_version": v, "reflection": "dari laptop"}))).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;
    let current: PerformancePlan =
        e.current.expect("the current copy comes with the conflict").parse().unwrap();
    assert_eq!(current.reflection, "dari ponsel", "the client can show both versions");
}

#[tokio::test]
async fn other_people_neither_see_nor_move_a_plan() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let plan = overview(&siti).await.plan.unwrap();
    let path = format!("/kinerja/plans/{}", plan.id);
    let v = version_of(&siti, &plan.id).await;
    for who in [AGUS, MADE, "dewi.kusumawardani@demo.penggerak.id", "admin@demo.penggerak.id"] {
        let api = Api::sign_in(&s, who).await;
        expect_error(api.get(&path).await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
        expect_error(
            api.send(Method::POST, &format!("{path}/status"), Some(mv(v, "perlu_disetujui", None))).await,
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
        )
        .await;
    }
    // Non-ASN teachers have no e-Kinerja plan; the cycle is still shown.
    let honorer = penggerak_server::demo::people()
        .into_iter()
        .find(|p| p.role == "guru" && p.employment == "non_asn")
        .expect("the demo has non-ASN teachers")
        .email;
    let o = overview(&Api::sign_in(&s, &honorer).await).await;
    assert!(o.plan.is_none() && !o.cycle.stages.is_empty());
}

#[tokio::test]
async fn observations_are_scheduled_and_recorded_by_the_principal_and_prepared_by_the_teacher() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let head = Api::sign_in(&s, BAMBANG).await;
    let agus = Api::sign_in(&s, AGUS).await;
    let plan = overview(&siti).await.plan.unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    let new = json!({"id": id, "plan_id": plan.id, "scheduled_at": "2026-12-03T08:00", "class_name": "Kelas IV — Guru Kelas", "focus": "Umpan balik"});
    expect_error(
        siti.send(Method::POST, "/kinerja/observations", Some(new.clone())).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;
    expect_error(
        agus.send(Method::POST, "/kinerja/observations", Some(new.clone())).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    for when in ["3 Desember", "2026-02-31T08:00", "2026-12-03T24:00"] {
        let mut bad = new.clone();
        bad["scheduled_at"] = json!(when);
        expect_error(
            head.send(Method::POST, "/kinerja/observations", Some(bad)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
        )
        .await;
    }
    let r = head.send(Method::POST, "/kinerja/observations", Some(new.clone())).await;
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(
        head.send(Method::POST, "/kinerja/observations", Some(new)).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;

    let path = format!("/kinerja/observations/{id}");
    // Each side writes only its own fields.
    expect_error(
        siti.send(Method::PATCH, &path, Some(json!({"base_version": 1, "record": "saya sendiri"}))).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;
    expect_error(
        head.send(Method::PATCH, &path, Some(json!({"base_version": 1, "preparation": "x"}))).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;
    let r = siti
        .send(Method::PATCH, &path, Some(json!({"base_version": 1, "preparation": "Modul ajar bab 4"})))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = head
        .send(
            Method::PATCH,
            &path,
            Some(json!({"base_version": 2, "status": "dilaksanakan", "record": "Murid aktif berdiskusi."})),
        )
        .await;
    let c: Changed = r.json().await.unwrap();
    let o: Observation = c.records[0].parse().unwrap();
    assert_eq!(
        (o.status, o.preparation.as_str(), o.record.as_str()),
        (ObservationStatus::Dilaksanakan, "Modul ajar bab 4", "Murid aktif berdiskusi.")
    );
    let seen = overview(&siti).await;
    assert!(seen.observations.iter().any(|x| x == &o), "the teacher sees the record in her overview");
    expect_error(
        agus.get(&format!("/kinerja/plans/{}", plan.id)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    expect_error(
        agus.send(Method::PATCH, &path, Some(json!({"base_version": 3, "preparation": "x"}))).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
}

/// Feedback (umpan balik): her principal leaves short notes on her plan at any point of the cycle (a draft
/// here); empty, too long, a reused id and one note too many are refused; she sees them in her overview,
/// oldest first, with who wrote them.
#[tokio::test]
async fn the_principal_leaves_feedback_notes_the_teacher_reads() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let head = Api::sign_in(&s, BAMBANG).await;
    let plan = overview(&siti).await.plan.unwrap();
    let note = |text: &str| json!({"id": uuid::Uuid::new_v4().to_string(), "plan_id": plan.id, "text": text});
    for (body, why) in [
        (note("   "), "an empty note"),
        (note(&"x".repeat(penggerak_types::limits::TEXT + 1)), "a note longer than the limit"),
        (json!({"id": "bukan-uuid", "plan_id": plan.id, "text": "Baik."}), "an id that is not a UUID"),
    ] {
        expect_error(
            head.send(Method::POST, "/kinerja/feedback", Some(body)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
        )
        .await;
        assert!(overview(&siti).await.feedback.is_empty(), "{why} leaves nothing");
    }
    let first = note("  Indikator kedua perlu angka yang terukur.  ");
    let r = head.send(Method::POST, "/kinerja/feedback", Some(first.clone())).await;
    assert_eq!(r.status(), StatusCode::OK);
    let kept: Feedback = r.json::<Changed>().await.unwrap().records[0].parse().unwrap();
    assert_eq!(
        (kept.text.as_str(), kept.by_id.as_str(), kept.owner_id.as_str()),
        ("Indikator kedua perlu angka yang terukur.", "kepsek-bambang", plan.owner_id.as_str()),
        "trimmed, signed by him, on her plan"
    );
    assert_eq!(kept.by_name, "Drs. Bambang Sutrisno, M.Pd.", "with his name for her to read");
    expect_error(
        head.send(Method::POST, "/kinerja/feedback", Some(first)).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;
    for n in 1..penggerak_types::limits::FEEDBACK_PER_PLAN {
        let r = head.send(Method::POST, "/kinerja/feedback", Some(note(&format!("Catatan {n}.")))).await;
        assert_eq!(r.status(), StatusCode::OK, "note {n} of the limit");
    }
    let r = head.send(Method::POST, "/kinerja/feedback", Some(note("Satu lagi."))).await;
    let e = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    assert_eq!(
        e.reason,
        Some(penggerak_types::Reason::TooMany {
            field: penggerak_types::Field::Feedback,
            max: penggerak_types::limits::FEEDBACK_PER_PLAN as u32
        }),
        "one note too many is refused as data"
    );
    let seen = overview(&siti).await.feedback;
    assert_eq!(seen.len(), penggerak_types::limits::FEEDBACK_PER_PLAN, "she sees every note kept");
    assert!(seen.contains(&kept), "the first one with the rest");
    assert!(seen.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
}

fn pdf(len: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    b.extend((0..len.saturating_sub(b.len())).map(|i| b'a' + (i % 26) as u8));
    b
}

async fn upload(api: &Api, id: &str, plan_id: &str, body: Vec<u8>) -> reqwest::Response {
    api.c
        .put(api.url(&format!("/kinerja/evidence/{id}?plan_id={plan_id}&title=Foto%20kegiatan&file_name=bukti.pdf&result_id=rhk-1")))
        .bearer_auth(&api.token)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .header("Content-Type", "application/pdf")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn evidence_is_checked_on_upload_and_downloads_in_ranges_for_owner_and_principal_only() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let head = Api::sign_in(&s, BAMBANG).await;
    let agus = Api::sign_in(&s, AGUS).await;
    let plan = overview(&siti).await.plan.unwrap();
    let id = uuid::Uuid::new_v4().to_string();

    expect_error(
        upload(&siti, &id, &plan.id, b"GIF89a not a pdf".to_vec()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
    expect_error(
        upload(&siti, &id, &plan.id, pdf(10_000_001)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    expect_error(upload(&head, &id, &plan.id, pdf(100)).await, StatusCode::FORBIDDEN, ErrorCode::Forbidden)
        .await;
    expect_error(upload(&agus, &id, &plan.id, pdf(100)).await, StatusCode::NOT_FOUND, ErrorCode::NotFound)
        .await;

    // A file's name names a file: no path, no line break (each said as not valid, not as too long).
    for bad in ["..%2F..%2Fetc%2Fpasswd", "a%5Cb.pdf", "..", "x%0D%0ASet-Cookie%3A%20a%3Db"] {
        let r = siti
            .c
            .put(siti.url(&format!("/kinerja/evidence/{id}?plan_id={}&title=Bukti&file_name={bad}", plan.id)))
            .bearer_auth(&siti.token)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .body(pdf(100))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let e: penggerak_types::ApiError = r.json().await.unwrap();
        assert_eq!(
            e.reason,
            Some(penggerak_types::Reason::NotValid { field: penggerak_types::Field::FileName }),
            "{bad}"
        );
    }

    let body = pdf(600_000); // spans three stored chunks
    let r = upload(&siti, &id, &plan.id, body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers().get("x-content-type-options").and_then(|v| v.to_str().ok()),
        Some("nosniff"),
        "no answer is sniffed into another type"
    );
    let c: Changed = r.json().await.unwrap();
    let ev: Evidence = c.records[0].parse().unwrap();
    assert_eq!((ev.size, ev.result_id.as_deref()), (600_000, Some("rhk-1")));
    assert!(overview(&siti).await.evidence.contains(&ev));
    expect_error(upload(&siti, &id, &plan.id, pdf(100)).await, StatusCode::CONFLICT, ErrorCode::Conflict)
        .await;

    let file = format!("/kinerja/evidence/{id}/file");
    for who in [&siti, &head] {
        let r = who.get(&file).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), body.as_slice(), "the file comes back byte for byte");
    }
    // A range across a chunk boundary.
    let r = siti
        .c
        .get(siti.url(&file))
        .bearer_auth(&siti.token)
        .header("Range", "bytes=262000-262999")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"], "bytes 262000-262999/600000");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &body[262_000..263_000]);
    expect_error(agus.get(&file).await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    // Only the owner removes it; then it is gone for everyone.
    expect_error(
        head.send(Method::DELETE, &format!("/kinerja/evidence/{id}"), Some(json!({"base_version": 1}))).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
    )
    .await;
    let r =
        siti.send(Method::DELETE, &format!("/kinerja/evidence/{id}"), Some(json!({"base_version": 1}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let e: ApiError = head.get(&file).await.json().await.unwrap();
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn the_principal_sees_each_teachers_plan_status_in_the_staff_view() {
    let s = TestServer::start();
    let head = Api::sign_in(&s, BAMBANG).await;
    let staff: Vec<penggerak_types::api::StaffSummary> =
        head.get("/school/staff").await.json().await.unwrap();
    let siti = staff.iter().find(|m| m.person.id == "guru-siti").unwrap();
    let agus = staff.iter().find(|m| m.person.id == "guru-agus").unwrap();
    assert_eq!(
        (siti.kinerja_status, agus.kinerja_status),
        (Some(PlanStatus::Draf), Some(PlanStatus::Dikembalikan))
    );
    let me = staff.iter().find(|m| m.person.id == "kepsek-bambang").unwrap();
    assert_eq!(me.kinerja_status, None, "the principal's own performance is assessed elsewhere");
}

#[tokio::test]
async fn the_demo_has_plans_in_every_status_across_the_schools() {
    let s = TestServer::start();
    let mut seen = std::collections::BTreeMap::new();
    for head in penggerak_server::demo::people().into_iter().filter(|p| p.role == "kepala_sekolah") {
        let api = Api::sign_in(&s, &head.email).await;
        let staff: Vec<penggerak_types::api::StaffSummary> =
            api.get("/school/staff").await.json().await.unwrap();
        for status in staff.iter().filter_map(|m| m.kinerja_status) {
            *seen.entry(format!("{status:?}")).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 5, "every plan status is in the demo: {seen:?}");
}
