//! `/school/staff`: the principal's overview of their own school's staff.

mod common;

use common::Api;
use penggerak_testkit::TestServer;
use penggerak_types::api::StaffSummary;
use reqwest::StatusCode;

#[tokio::test]
async fn a_principal_sees_his_staff_with_stage_plan_and_problems() {
    let s = TestServer::start();
    let bambang = Api::sign_in(&s, "196805121990031004").await;
    let r = bambang.get("/school/staff").await;
    assert_eq!(r.status(), StatusCode::OK);
    let staff: Vec<StaffSummary> = r.json().await.unwrap();
    assert!(staff.len() >= 10, "SD Negeri 1 Depok has a dozen staff, got {}", staff.len());
    assert!(
        staff.iter().all(|s| s.person.school.as_ref().is_some_and(|sc| sc.npsn == "20401234")),
        "his school only"
    );
    let siti = staff.iter().find(|s| s.person.id == "guru-siti").unwrap();
    assert!(
        siti.programmes.iter().any(|p| p.graduated && p.cohort == "Angkatan 10"),
        "{:?}",
        siti.programmes
    );
    assert_eq!(siti.jp_target, 32);
    assert!(siti.jp_done > 0 && siti.jp_done <= 60);
    let agus = staff.iter().find(|s| s.person.id == "guru-agus").unwrap();
    assert_eq!(
        agus.person.problems[0].code, "asn_without_nip",
        "the data problem shows where he can act on it"
    );
    let one: StaffSummary = bambang.get("/school/staff/guru-agus").await.json().await.unwrap();
    assert_eq!(&one, agus);
}

/// When each staff member's device last synced is the server's to tell: a sync notes it (to the quarter
/// hour: a second sync soon after writes nothing new), and the principal reads it per person.
#[tokio::test]
async fn the_principal_sees_when_each_staff_member_last_synced() {
    let s = TestServer::start();
    let bambang = Api::sign_in(&s, "196805121990031004").await;
    let siti_of = |staff: Vec<StaffSummary>| staff.into_iter().find(|s| s.person.id == "guru-siti").unwrap();
    let before = siti_of(bambang.get("/school/staff").await.json().await.unwrap());
    assert_eq!(before.last_synced_at, None, "Siti has not synced on this server");
    let siti = Api::sign_in(&s, "3471765432100001").await;
    let start = time::OffsetDateTime::now_utc().unix_timestamp();
    siti.sync_all().await;
    let first =
        siti_of(bambang.get("/school/staff").await.json().await.unwrap()).last_synced_at.expect("noted");
    let at = time::OffsetDateTime::parse(&first, &time::format_description::well_known::Rfc3339).unwrap();
    assert!((at.unix_timestamp() - start).abs() <= 5, "when she synced: {first}");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    siti.sync_all().await;
    let again: StaffSummary = bambang.get("/school/staff/guru-siti").await.json().await.unwrap();
    assert_eq!(again.last_synced_at, Some(first), "within the quarter hour the first time stands");
}

/// The demo pengawas supervises the three Sleman schools: she sees each summed up from its staff as its
/// principal sees them (the same figures), and each school's staff; never a Bali school.
#[tokio::test]
async fn a_pengawas_sees_her_schools_summed_up_and_no_other() {
    use penggerak_types::api::SupervisedSchool;
    let s = TestServer::start();
    let dewi = Api::sign_in(&s, "dewi.kusumawardani@demo.penggerak.id").await;
    let r = dewi.get("/supervision/schools").await;
    assert_eq!(r.status(), StatusCode::OK);
    let schools: Vec<SupervisedSchool> = r.json().await.unwrap();
    let npsns: Vec<&str> = schools.iter().map(|x| x.school.npsn.as_str()).collect();
    assert_eq!(npsns, ["20401234", "20405678", "20407890"], "the Sleman schools she supervises, no other");
    let depok = &schools[0];
    assert_eq!(depok.principal.as_deref(), Some("Drs. Bambang Sutrisno, M.Pd."));

    // The same figures as the principal's own view of SD Negeri 1 Depok.
    let bambang = Api::sign_in(&s, "196805121990031004").await;
    let staff: Vec<StaffSummary> = bambang.get("/school/staff").await.json().await.unwrap();
    assert_eq!(depok.staff as usize, staff.len());
    let waiting = staff
        .iter()
        .filter(|x| x.kinerja_status == Some(penggerak_types::kinerja::PlanStatus::PerluDisetujui))
        .count() as u32;
    assert_eq!(depok.plans[1], waiting, "plans waiting for approval, by the principal's own figures");
    assert_eq!(depok.plans.iter().sum::<u32>() + depok.without_plan, depok.staff, "everyone counted once");
    let theirs: Vec<StaffSummary> =
        dewi.get("/supervision/schools/20401234/staff").await.json().await.unwrap();
    assert_eq!(theirs, staff, "the school's staff as its principal sees them");
    assert_eq!(dewi.get("/supervision/schools/50102345/staff").await.status(), StatusCode::NOT_FOUND);
}
