//! The performance plan in the real app: Siti sees her draft plan and the cycle, adds a planned result
//! (kept on the device as she types, then saved and synced), submits it to her
//! principal (shown at once, then synced), signs out and closes the app; in a second run Bambang signs in
//! on the same device, finds her plan waiting for his approval and approves it — and the server has it.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{absent, eventually, find, open, screenshots, sign_out, wait_text, Driver};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::kinerja::{KinerjaOverview, PlanStatus};
use penggerak_types::route;

const NEW_RESULT: &str = "Asesmen diagnostik di awal semester untuk kelas 4";
const NEW_INDICATOR: &str = "Hasil asesmen dipakai menyusun kelompok belajar";
const REFLECTION: &str = "Asesmen awal membantu saya membagi kelompok sesuai kebutuhan murid.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_submits_her_plan_and_her_principal_approves_it_in_a_second_run() {
    let server = TestServer::start();
    // The server seen as Siti (a session of its own) to check what reached it.
    let client = ApiClient::new(&server.base_url()).unwrap();
    let siti = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let (api, siti) = (&client, &siti);
    let plan_status = move || async move {
        let o: KinerjaOverview = api.get_json(siti, route::KINERJA, &[]).await.map_err(|e| e.to_string())?;
        o.plan.ok_or_else(|| "no plan".to_owned())
    };
    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;

    // Home fills from the store once the first sync has settled.
    wait_text(&app, "#kinerja-status", "home shows the plan status", |t| t.contains("Draf")).await;
    find(&app, "#programme-stage", "home shows the programme").await;
    screenshots(&app, "10-beranda").await;

    open(&app, "kinerja", "#kinerja-title").await;
    wait_text(&app, "#plan-status", "the plan, a draft", |t| t == "Draf").await;
    let stages = find(&app, "#cycle-stages", "cycle stages").await.text().await.unwrap();
    assert!(stages.contains("Perencanaan kinerja") && stages.contains("Penilaian kinerja"), "{stages}");
    let current = find(&app, "#nav-kinerja", "menu").await.attr("aria-current").await.unwrap();
    assert_eq!(current.as_deref(), Some("page"), "the menu tells screen readers which page is open");
    screenshots(&app, "11-kinerja-draf").await;

    // While a draft, the planned results are hers to edit: she adds one, with an indicator, and saves it.
    let before = app.find_all(fantoccini::Locator::Css(".result-row")).await.unwrap().len();
    find(&app, "#add-result", "add a result").await.click().await.unwrap();
    let rows = app.find_all(fantoccini::Locator::Css(".result-row")).await.unwrap();
    assert_eq!(rows.len(), before + 1, "a new, empty row");
    let new_id = rows.last().unwrap().attr("data-id").await.unwrap().unwrap();
    penggerak_e2e::type_into(&app, &format!("#result-text-{new_id}"), NEW_RESULT, "the result's text").await;
    penggerak_e2e::type_into(&app, &format!("#result-indicators-{new_id}"), NEW_INDICATOR, "its indicator")
        .await;
    wait_text(&app, "#plan-draft", "the editing kept on the device", |t| t == "Draf tersimpan otomatis")
        .await;
    let submit = find(&app, "#submit-plan", "submit button").await;
    let disabled = submit.prop("disabled").await.unwrap();
    assert_eq!(disabled.as_deref(), Some("true"), "unsaved edits would not go with the plan: save first");
    wait_text(&app, "#submit-hint", "and the page says so", |t| {
        t.starts_with("Simpan rencana terlebih dahulu")
    })
    .await;
    screenshots(&app, "14-kinerja-ubah").await;
    find(&app, "#save-plan", "save the plan").await.click().await.unwrap();
    wait_text(&app, "#plan-draft", "saved for real", |t| t == "Tersimpan di perangkat saat Anda mengetik.")
        .await;
    eventually("the added result reached the server", move || async move {
        let plan = plan_status().await?;
        let found = plan.results.iter().any(|r| r.text == NEW_RESULT);
        found.then_some(()).ok_or_else(|| format!("{} results, not the new one", plan.results.len()))
    })
    .await;

    // Her reflection on the plan, the same way: kept as typed, then saved.
    penggerak_e2e::type_into(&app, "#plan-reflection", REFLECTION, "the reflection").await;
    wait_text(&app, "#plan-reflection-state", "kept on the device", |t| t == "Draf tersimpan otomatis").await;
    find(&app, "#save-plan-reflection", "save the reflection").await.click().await.unwrap();
    wait_text(&app, "#plan-reflection-state", "saved, then sent", |t| t == "Terkirim ✓").await;

    find(&app, "#submit-plan", "submit button").await.click().await.unwrap();
    wait_text(&app, "#plan-status", "submitted, shown at once", |t| t == "Perlu disetujui").await;
    screenshots(&app, "12-kinerja-diajukan").await;
    absent(&app, "#submit-plan", "nothing more to submit").await;

    // The server has it.
    let plan = eventually("the submit reached the server", move || async move {
        let plan = plan_status().await?;
        (plan.status == PlanStatus::PerluDisetujui).then_some(plan).ok_or_else(|| "still a draft".to_owned())
    })
    .await;
    let added =
        plan.results.iter().find(|r| r.text == NEW_RESULT).expect("the result she added is on the server");
    assert_eq!(added.indicators, [NEW_INDICATOR], "with its indicator");
    assert_eq!(plan.reflection, REFLECTION, "and her reflection");

    // Sign out and close the app. Second run: the principal signs in and finds it waiting.
    sign_out(&app).await;
    app.close().await.unwrap();
    let app = driver.signed_in("196805121990031004", DEMO_PASSWORD, "Drs. Bambang Sutrisno, M.Pd.").await;
    open(&app, "kinerja", "#kinerja-title").await;
    wait_text(&app, "#approvals", "Siti's plan waits for him", |t| t.contains("Siti Rahayu")).await;
    screenshots(&app, "13-kinerja-persetujuan").await;
    // Other teachers of his school wait too (demo data); he approves Siti's.
    find(&app, "#approval-guru-siti .approve", "approve Siti's plan").await.click().await.unwrap();
    wait_text(&app, ".kinerja", "Siti's plan left the list", |t| !t.contains("Siti Rahayu")).await;
    let plan = eventually("approved on the server", move || async move {
        let plan = plan_status().await?;
        (plan.status == PlanStatus::Disetujui).then_some(plan).ok_or_else(|| "not approved yet".to_owned())
    })
    .await;
    assert_eq!(plan.history.last().unwrap().by_id, "kepsek-bambang");

    // Leave the device as found: signed out, keyring empty (the next test starts from nothing).
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
