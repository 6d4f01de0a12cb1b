//! A pengawas in the real app: Dr. Dewi signs in and finds her supervised schools (the Sleman three, never
//! a Bali school) with their figures, opens SD Negeri 1 Depok's staff (read-only), sees the same in
//! English; then, with the server down, the app still shows the last copy, saying so.

use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{find, open, press, screenshots, sign_out, wait_text, Driver};
use penggerak_testkit::DEMO_PASSWORD;

const DEWI: &str = "dewi.kusumawardani@demo.penggerak.id";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pengawas_reads_her_schools_online_and_the_last_copy_offline() {
    let mut server = penggerak_e2e::start_server();
    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in(DEWI, DEMO_PASSWORD, "Dr. Dewi Kusumawardani, M.Pd.").await;
    open(&app, "binaan", "#supervision-title").await;
    find(&app, ".supervised-school", "her schools").await;
    let npsns: Vec<String> = {
        let mut out = Vec::new();
        for e in app.find_all(fantoccini::Locator::Css(".supervised-school")).await.unwrap() {
            out.push(e.attr("data-npsn").await.unwrap().unwrap());
        }
        out
    };
    assert_eq!(npsns, ["20401234", "20405678", "20407890"], "the Sleman three, no Bali school");
    wait_text(
        &app,
        ".supervised-school[data-npsn='20401234']",
        "SD Negeri 1 Depok with its principal",
        |t| t.contains("SD Negeri 1 Depok") && t.contains("Bambang Sutrisno"),
    )
    .await;
    // Its counts take in everyone: the staff without a plan too (non-ASN teachers among them).
    wait_text(
        &app,
        ".supervised-school[data-npsn='20401234'] .plan-counts",
        "the plan counts, those without one included",
        |t| t.contains("Tanpa rencana "),
    )
    .await;
    screenshots(&app, "80-binaan").await;
    press(&app, ".supervised-school[data-npsn='20401234'] a", "open the school").await;
    wait_text(&app, "#supervised-staff", "its staff, read-only", |t| t.contains("Siti Rahayu")).await;
    screenshots(&app, "81-binaan-staf").await;

    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    wait_text(&app, "#settings-title", "the page in English", |t| t == "Settings").await;
    open(&app, "binaan", "#supervision-title").await;
    wait_text(&app, "#supervision-title", "in English", |t| t == "Supervised schools").await;
    screenshots(&app, "82-binaan-en").await;

    // Offline: the last copy, dated, and said to be the last copy.
    server.stop();
    open(&app, "settings", "#settings-title").await;
    open(&app, "binaan", "#supervision-title").await;
    wait_text(&app, "#fetched", "the last copy, said so", |t| {
        t.starts_with("No internet connection. This is the last copy")
    })
    .await;
    find(&app, ".supervised-school[data-npsn='20401234']", "still her schools").await;
    screenshots(&app, "83-binaan-offline-en").await;
    server.restart();
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
