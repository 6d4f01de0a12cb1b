//! A pengawas in the real app: Dr. Dewi signs in to a Beranda that leads to her schools (and, once she has
//! opened them, sums them up, offline too), finds her supervised schools (the Sleman three, never
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
    // Her Beranda is about her schools: before she has opened them on this device, it says so (Beranda
    // fetches nothing) and leads there.
    wait_text(&app, "#supervisor-none", "no copy of her schools yet, said so", |t| {
        t.starts_with("Sekolah binaan Anda belum ada di perangkat ini")
    })
    .await;
    screenshots(&app, "79-binaan-beranda-kosong").await;
    press(&app, "#supervisor-open", "Lihat sekolah binaan").await;
    wait_text(&app, "#supervision-title", "Sekolah binaan from Beranda", |t| t == "Sekolah binaan").await;
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
    wait_text(&app, "#supervised-school", "which school it is", |t| {
        t.starts_with("SD Negeri 1 Depok · NPSN 20401234")
    })
    .await;
    screenshots(&app, "81-binaan-staf").await;
    // Now Beranda sums up the copy just fetched: her three schools, their people and plans.
    open(&app, "home", "#home-title").await;
    wait_text(&app, "#supervisor-figures", "her schools summed up", |t| t.starts_with("3 sekolah · ")).await;
    wait_text(&app, "#supervisor-plans", "their plans by status", |t| t.contains("Tanpa rencana ")).await;
    screenshots(&app, "79-binaan-beranda").await;

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
    // The top bar says the same, not "Synced" from the sync before the server went.
    wait_text(&app, "#sync-state", "the top bar offline too", |t| t.contains("Offline")).await;
    screenshots(&app, "83-binaan-offline-en").await;
    open(&app, "home", "#home-title").await;
    wait_text(&app, "#supervisor-figures", "offline, Beranda still sums them up", |t| {
        t.starts_with("3 schools · ")
    })
    .await;
    screenshots(&app, "84-binaan-beranda-offline-en").await;
    // A school whose staff she never opened: nothing to show offline, said so, with "Try again", which
    // reads it once the server is back.
    let never = ".supervised-school[data-npsn='20405678'] a";
    open(&app, "binaan", "#supervision-title").await;
    press(&app, never, "a school never opened, offline").await;
    wait_text(&app, ".error-block .error", "no copy and no connection, said so", |t| {
        t.starts_with("No internet connection, and this page's content is not on this device yet.")
    })
    .await;
    find(&app, ".error-block .read-again", "Try again").await;
    screenshots(&app, "84b-binaan-staf-luring-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;
    open(&app, "binaan", "#supervision-title").await;
    press(&app, never, "the same school, in Indonesian").await;
    wait_text(&app, ".error-block .read-again", "Coba lagi", |t| t == "Coba lagi").await;
    wait_text(&app, ".error-block .error", "said so in Indonesian", |t| {
        t.starts_with("Tidak ada koneksi internet, dan isi halaman ini belum tersimpan di perangkat.")
    })
    .await;
    screenshots(&app, "84b-binaan-staf-luring").await;
    server.restart();
    press(&app, ".error-block .read-again", "Coba lagi, the server back").await;
    // At once, by the button: the sync loop's own pass (which would read every page again too) is tens of
    // seconds away while it backs off from being offline.
    let pressed = std::time::Instant::now();
    loop {
        let staff = app.find(fantoccini::Locator::Css("#supervised-staff")).await;
        if let Ok(list) = staff {
            if list.text().await.is_ok_and(|t| !t.is_empty()) {
                break;
            }
        }
        assert!(pressed.elapsed() < std::time::Duration::from_secs(5), "Coba lagi read the school's staff");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
