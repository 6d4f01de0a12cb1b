//! Language and reminders in the real app. A plan item due tomorrow (added on another device) becomes a
//! desktop notification — seen on the D-Bus session bus as the notification plugin's `Notify` call —
//! once, in Bahasa Indonesia. Then Siti switches the app to English in Pengaturan: every screen speaks
//! English at once, and still does after the app is closed and opened again; the reminder switch she
//! turned off stays off.

use penggerak_client::ApiClient;
use penggerak_core::clock::{date_after, today, SystemClock};
use penggerak_e2e::{
    find, open, press, screenshots, screenshots_of, sign_out, type_into, wait_text, Driver, NotifyCalls,
};
use penggerak_testkit::DEMO_PASSWORD;
use penggerak_types::pkb::{NewPkbItem, PkbItemKind};
use penggerak_types::route;
use penggerak_types::zone::Zone;
use std::time::{Duration, Instant};

const TITLE: &str = "Unggah video praktik baik";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_tomorrow_is_reminded_once_and_english_is_chosen_and_kept() {
    let server = penggerak_e2e::start_server();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    // Siti's school is in Yogyakarta: her days are WIB days.
    let tomorrow = date_after(&today(Zone::Wib, &SystemClock)).unwrap();
    let new = NewPkbItem {
        id: uuid::Uuid::new_v4().to_string(),
        kind: PkbItemKind::Lainnya,
        title: TITLE.into(),
        jp: 2,
        target_date: Some(tomorrow),
        community_event_id: None,
    };
    let body = serde_json::to_value(&new).unwrap();
    client
        .mutate(&token, "POST", route::PKB_ITEMS, &[], Some(&body), &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap();

    let bus = NotifyCalls::watch();
    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    // "Besok" unless WIB midnight passed since `tomorrow` was computed: then it is the day itself.
    let reminded = [format!("Besok: {TITLE}"), format!("Hari ini: {TITLE}")];
    bus.wait_for(&reminded, "the reminder the day before").await;

    // Pengaturan → English: the menu, the sync line and the page change at once.
    open(&app, "settings", "#settings-title").await;
    screenshots(&app, "60-pengaturan").await;
    press(&app, "#language-en", "the English choice").await;
    wait_text(&app, "#settings-title", "the page in English", |t| t == "Settings").await;
    wait_text(&app, "#nav-home", "the menu in English", |t| t == "Home").await;
    wait_text(&app, "#sync-line", "the sync line in English", |t| t.starts_with("Last synced ")).await;
    let reminders = find(&app, "#reminders", "the reminder switch").await;
    assert_eq!(reminders.prop("checked").await.unwrap().as_deref(), Some("true"), "reminders start on");
    reminders.click().await.unwrap();
    screenshots(&app, "61-settings-en").await;
    // What the device tells of its connection, in English (a sentence from the en table, whichever it is).
    wait_text(&app, "#connection-note", "the connection note in English", |t| {
        t.starts_with("Connection now: ") || t.starts_with("This device does not tell")
    })
    .await;
    screenshots_of(&app, "67-wifi-only-en", Some("#wifi-only")).await;
    open(&app, "home", "#home-title").await;
    wait_text(&app, "#jp-line", "Beranda in English", |t| t.ends_with(" of 32 JP")).await;
    screenshots(&app, "62-home-en").await;
    // A teacher's bar in English ("Groups": "Communities" was cut to "Communi…").
    penggerak_e2e::menu_words_fit(&app).await;
    // The device's search, in English: what each result is, in words.
    type_into(&app, "#home-search", "pembelajaran", "searching in English").await;
    wait_text(&app, "#home-search-results", "results in English", |t| t.contains("PKB activity")).await;
    screenshots_of(&app, "64-search-en", Some("#home-search-results")).await;
    open(&app, "materi", "#materi-title").await;
    wait_text(&app, "label[for='material-search']", "Materi in English", |t| t == "Search materials").await;
    type_into(&app, "#material-search", "asesmen", "searching materials in English").await;
    wait_text(&app, "#material-search-results", "material results in English", |t| {
        t.contains("In the catalogue")
    })
    .await;
    screenshots_of(&app, "65-materials-search-en", Some("#material-search-results")).await;
    // Penyimpanan in English: its title and, nothing being saved, the free space alone ("uses 0 B" said
    // nothing).
    press(&app, "#storage-link", "the storage line").await;
    wait_text(&app, "#storage-title", "Penyimpanan in English", |t| t == "Storage").await;
    wait_text(&app, "#storage-total", "the free space in English", |t| t.ends_with(" free")).await;
    find(&app, "#storage-none", "nothing saved, said in words").await;
    screenshots(&app, "66-storage-en").await;
    open(&app, "rencana", "#rencana-title").await;
    wait_text(&app, "#rencana-title", "the plan page in English", |t| t == "Development plan").await;
    screenshots(&app, "63-plan-en").await;
    // The new activity's form says where what is typed stands; cleared again, nothing is left to warn of
    // at sign-out.
    type_into(&app, "#pkb-add-title", "Gugus workshop", "a new activity's name").await;
    wait_text(&app, "#pkb-add-draft", "kept, in English", |t| t == "Draft kept on the device").await;
    screenshots_of(&app, "63b-plan-form-en", Some("#pkb-add-save")).await;
    // Emptied key by key, as she would (each key an input the form keeps).
    let title = find(&app, "#pkb-add-title", "the name box").await;
    title.click().await.unwrap();
    title.send_keys(&"\u{E003}".repeat("Gugus workshop".len())).await.unwrap();
    wait_text(&app, "#pkb-add-draft", "an empty form kept", |t| t == "Draft kept on the device").await;

    // Closed and opened again: still English, reminders still off, and the reminder did not come again.
    // Left at a phone's width, settled (the app keeps it; the screenshots above may leave it so too): the
    // harness puts a relaunched window back at a first launch's size, where the sync details show.
    app.set_window_size(360, 740).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    app.close().await.unwrap();
    let app = driver.launch().await;
    wait_text(&app, "#nav-home", "English after a restart", |t| t == "Home").await;
    wait_text(&app, "#sync-line", "synced after the restart", |t| t.starts_with("Last synced")).await;
    open(&app, "settings", "#settings-title").await;
    wait_text(&app, "#settings-title", "settings in English", |t| t == "Settings").await;
    let used = wait_text(&app, "#data-use", "data use in English", |t| t.starts_with("This month:")).await;
    assert!(
        used.contains(" (download ") && used.contains(" · upload ") && used.ends_with(')'),
        "kept across the restart: {used}"
    );
    // The switch shows the stored choice once the page has read it.
    let deadline = Instant::now() + penggerak_e2e::STEP_TIMEOUT;
    loop {
        let reminders = find(&app, "#reminders", "the reminder switch").await;
        if reminders.prop("checked").await.unwrap().as_deref() == Some("false") {
            break;
        }
        assert!(Instant::now() < deadline, "reminders turned off did not stay off after a restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(bus.count_any(&reminded), 1, "each reminder is shown once, and none while switched off");
    let english = [format!("Tomorrow: {TITLE}"), format!("Today: {TITLE}")];
    assert_eq!(bus.count_any(&english), 0, "and not again in the new language");

    // And back: Bahasa Indonesia.
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#nav-home", "the menu in Bahasa Indonesia", |t| t == "Beranda").await;
    // Leave the device as found: signed out (the harness checks the keyring when the driver goes).
    sign_out(&app).await;
    app.close().await.unwrap();
}
