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
