//! A refused change in the real app: a proxy in front of the server answers Siti's progress edit with an
//! HTML 413 (as a carrier's or school's proxy may). The engine refuses it at once (never sent again), keeps
//! what she wrote, and the sync line offers "Lihat yang ditolak"; the Ditolak screen shows why and what the
//! change held, in both languages; she dismisses it once read. Everything else goes on reaching the server.

use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{find, open, screenshots, sign_out, wait_text, Driver};
use penggerak_testkit::{ChaosMode, ChaosProxy, TestServer};

const PROXY_PAGE: &str = "<html><body><h1>413 Request Entity Too Large</h1></body></html>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_a_proxy_refuses_is_kept_and_shown_until_read() {
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 13);
    let driver = Driver::start(&proxy.base_url());
    let app =
        driver.signed_in("3471765432100001", penggerak_testkit::DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "rencana", "#rencana-title").await;
    let first = find(&app, ".pkb-item", "a plan item").await;
    let item_id = first.attr("id").await.unwrap().unwrap().trim_start_matches("pkb-").to_owned();

    // The proxy answers edits of this item itself; everything else passes.
    let path: &'static str = Box::leak(format!("/api/v1/pkb/items/{item_id}").into_boxed_str());
    proxy.set_mode(ChaosMode::Answer { path, status: 413, body: PROXY_PAGE });
    let slider = find(&app, &format!("#progress-{item_id}"), "progress slider").await;
    let before: u8 = slider.prop("value").await.unwrap().unwrap().parse().unwrap();
    slider.send_keys("\u{E014}").await.unwrap(); // ArrowRight: +5 %
    find(&app, &format!("#pkb-{item_id} .save-progress"), "save progress").await.click().await.unwrap();

    find(&app, "#open-refused", "the way to the refused change").await.click().await.unwrap();
    find(&app, "#refused-title", "the refused-changes screen").await;
    let row = find(&app, ".refused tr[data-field='progress']", "what the change held").await;
    let held = row.text().await.unwrap();
    assert!(held.contains(&(before + 5).to_string()), "the progress she set is kept for her to redo: {held}");
    assert_eq!(proxy.answered(), 1, "refused at once: the proxy's answer is not retried");
    screenshots(&app, "45-ditolak").await;

    // The same screen in English.
    open(&app, "settings", "#settings-title").await;
    find(&app, "#language-en", "the English choice").await.click().await.unwrap();
    wait_text(&app, "#settings-title", "the page in English", |t| t == "Settings").await;
    find(&app, "#open-refused", "the way there, in English").await.click().await.unwrap();
    wait_text(&app, "#refused-title", "the screen in English", |t| t == "Refused changes").await;
    screenshots(&app, "46-ditolak-en").await;
    open(&app, "settings", "#settings-title").await;
    find(&app, "#language-id", "the Indonesian choice").await.click().await.unwrap();
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;

    // Read: dismissed, and the sync line no longer points there.
    find(&app, "#open-refused", "the way there").await.click().await.unwrap();
    find(&app, ".refused .dismiss", "dismiss").await.click().await.unwrap();
    find(&app, "#refused-none", "nothing refused is left").await;
    wait_text(&app, "#sync-line", "the badge is gone", |t| !t.contains("ditolak")).await;

    proxy.set_mode(ChaosMode::Pass);
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
