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
