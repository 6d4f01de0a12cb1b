//! The development plan in the real app: Siti writes a reflection; the app is killed with SIGKILL before
//! she saves it; on the next start the text is still there (kept as she typed), she saves it, it syncs and
//! the server has it (a new activity's form half filled in survives too). Then progress is marked on two
//! items offline, and sign-out warns that those two changes and the form still wait.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    eventually, find, kill_app, open, press, screenshots, screenshots_of, sign_out, type_into, wait_text,
    Driver,
};
use penggerak_testkit::DEMO_PASSWORD;
use penggerak_types::pkb::PkbOverview;
use penggerak_types::route;

const NEW_ACTIVITY: &str = "Lokakarya asesmen formatif di gugus";
const REFLECTION: &str = "Murid lebih aktif berdiskusi setelah saya memakai pertanyaan pemantik.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reflection_survives_the_app_being_killed_and_then_syncs() {
    let mut server = penggerak_e2e::start_server();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let plan: PkbOverview = client.get_json(&token, route::PKB, &[]).await.unwrap();
    assert!(plan.items.iter().all(|i| i.reflection != REFLECTION), "the text is new to the server");

    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;

    open(&app, "rencana", "#rencana-title").await;
    wait_text(&app, "#pkb-jp", "JP against the target", |t| t.ends_with("dari 32 JP")).await;
    screenshots(&app, "30-rencana").await;
    let first = find(&app, ".pkb-item", "a plan item").await;
    let item_id = first.attr("id").await.unwrap().unwrap().trim_start_matches("pkb-").to_owned();
    let textarea = format!("#reflection-{item_id}");
    // Items are compact: their editor opens with "Ubah".
    let editor = find(&app, &format!("#editor-{item_id}"), "the item's editor").await;
    assert!(!editor.is_displayed().await.unwrap(), "an item shows compact until Ubah is pressed");
    wait_text(&app, &format!("#edit-{item_id}"), "Ubah", |t| t == "Ubah").await;
    press(&app, &format!("#edit-{item_id}"), "Ubah").await;
    wait_text(&app, &format!("#edit-{item_id}"), "open: Tutup", |t| t == "Tutup").await;
    type_into(&app, &textarea, REFLECTION, "typing the reflection").await;
    wait_text(&app, &format!("#draft-{item_id}"), "kept on the device", |t| t == "Draf tersimpan otomatis")
        .await;
    screenshots(&app, "31-rencana-draf").await;
    // A new activity half filled in: kept on the device too.
    type_into(&app, "#pkb-add-title", NEW_ACTIVITY, "the new activity's name").await;
    type_into(&app, "#pkb-add-jp", "0", "a JP").await;
    wait_text(&app, "#pkb-add-draft", "the form kept", |t| t == "Draf tersimpan otomatis").await;

    // Killed before she pressed save: no shutdown code runs.
    assert!(kill_app() >= 1, "the app was running");
    // End the WebDriver session of the dead app (WebKitWebDriver holds one session at a time); the close
    // itself may report the app gone.
    if let Err(e) = app.close().await {
        eprintln!("closing the killed app's session: {e}");
    }
    let app = driver.launch().await;
    wait_text(&app, "#user-name", "still signed in after the kill", |t| t == "Siti Rahayu, S.Pd.").await;
    open(&app, "rencana", "#rencana-title").await;
    let kept = find(&app, &textarea, "the reflection box").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some(REFLECTION), "every character typed before the kill is still there");
    wait_text(&app, &format!("#draft-{item_id}"), "shown as not sent", |t| t == "Draf belum dikirim").await;
    eventually("the new activity's form is back as she left it", || async {
        let title = find(&app, "#pkb-add-title", "its name").await.prop("value").await.unwrap();
        let jp = find(&app, "#pkb-add-jp", "its JP").await.prop("value").await.unwrap();
        (title.as_deref() == Some(NEW_ACTIVITY) && jp.as_deref() == Some("0"))
            .then_some(())
            .ok_or_else(|| format!("{title:?}, {jp:?}"))
    })
    .await;
    wait_text(&app, "#pkb-add-draft", "said so under it", |t| t == "Draf belum dikirim").await;
    screenshots(&app, "32-rencana-setelah-dimatikan").await;
    screenshots_of(&app, "32b-rencana-formulir-setelah-dimatikan", Some("#pkb-add-save")).await;

    // Saved for real: it goes through the outbox and reaches the server.
    press(&app, &format!("#pkb-{item_id} .save-reflection"), "save button").await;
    let (api, token_ref, item_ref) = (&client, &token, &item_id);
    eventually("the server has the text typed before the kill", move || async move {
        let plan: PkbOverview = api.get_json(token_ref, route::PKB, &[]).await.map_err(|e| e.to_string())?;
        let item = plan.items.iter().find(|i| &i.id == item_ref).ok_or("the item is not on the server")?;
        (item.reflection == REFLECTION).then_some(()).ok_or_else(|| format!("{:?}", item.reflection))
    })
    .await;
    wait_text(&app, &format!("#draft-{item_id}"), "and the box says it was sent", |t| t == "Terkirim ✓")
        .await;

    // Progress marked on two items while the server is down (keyboard on the slider: one step is 5 %).
    // Sign-out now warns that two changes would be lost (two, so that the count shown is the engine's and
    // not a default of one); she cancels and nothing is lost.
    server.stop();
    // (Items done at 100 % have no slider.)
    let sliders = app.find_all(fantoccini::Locator::Css(".pkb-item input.progress")).await.unwrap();
    assert!(sliders.len() >= 2, "Siti has two items not yet done (demo data): {}", sliders.len());
    let mut ids = Vec::new();
    for slider in &sliders[..2] {
        ids.push(slider.attr("id").await.unwrap().unwrap().trim_start_matches("progress-").to_owned());
    }
    // Each found again by id: a saved change may move its item to another group.
    let mut marked = Vec::new();
    for id in ids {
        // Its editor opened, if this page has not opened it yet (the first item's is open from before).
        let toggle = find(&app, &format!("#edit-{id}"), "the item's Ubah").await;
        if toggle.attr("aria-expanded").await.unwrap().as_deref() != Some("true") {
            press(&app, &format!("#edit-{id}"), "Ubah").await;
        }
        let slider = find(&app, &format!("#progress-{id}"), "progress slider").await;
        let before: u8 = slider.prop("value").await.unwrap().unwrap().parse().unwrap();
        assert!(before <= 95, "{id} has room for one more step: {before}");
        slider.send_keys("\u{E014}").await.unwrap(); // ArrowRight
        press(&app, &format!("#pkb-{id} .save-progress"), "save progress").await;
        // Queued (the item says it waits) before the next: one change each, counted below.
        wait_text(&app, &format!("#pkb-{id}"), "the item waits to sync", |t| t.contains("Menunggu dikirim"))
            .await;
        marked.push((id, before + 5));
    }
    wait_text(&app, "#sync-line", "the progress waits", |t| t.contains("2 perubahan menunggu")).await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#sign-out", "sign-out button").await;
    // Three: the two changes, and the new activity's form still half filled in (a draft).
    wait_text(&app, "#sign-out-error", "the warning", |t| t.contains("3 perubahan atau draf")).await;
    find(&app, "#sign-out-confirm", "the confirm button").await;
    screenshots(&app, "33-keluar-peringatan").await;
    press(&app, "#sign-out-cancel", "cancel").await;
    server.restart();
    press(&app, "#settings-sync-now", "sync now").await;
    wait_text(&app, "#settings-waiting", "nothing waits", |t| t == "0").await;
    let plan: PkbOverview = client.get_json(&token, route::PKB, &[]).await.unwrap();
    for (id, progress) in &marked {
        let item = plan.items.iter().find(|i| &i.id == id).unwrap();
        assert_eq!(item.progress, *progress, "the progress marked offline on {id} reached the server");
    }

    // "Tambah kegiatan": a new activity through the form, shown at once, then on the server. First with
    // a JP the plan's rule refuses: the reason shows and what she typed stays in the form to mend (the
    // form emptied itself as she pressed, so a refused activity had to be typed again).
    open(&app, "rencana", "#rencana-title").await;
    type_into(&app, "#pkb-add-title", NEW_ACTIVITY, "the activity's name").await;
    type_into(&app, "#pkb-add-jp", "0", "a JP of 0").await;
    press(&app, "#pkb-add-save", "add it with 0 JP").await;
    wait_text(&app, "#rencana-error", "the JP refused", |t| t.contains("antara 1 dan 200")).await;
    let value = |css: &'static str| {
        let app = &app;
        async move { find(app, css, "a box of the form").await.prop("value").await.unwrap().unwrap_or_default() }
    };
    assert_eq!(value("#pkb-add-title").await, NEW_ACTIVITY, "a refused activity's name stays in its box");
    assert_eq!(value("#pkb-add-jp").await, "0", "and so does the JP she is to mend");
    type_into(&app, "#pkb-add-jp", "4", "its JP").await;
    press(&app, "#pkb-add-save", "add it").await;
    wait_text(&app, ".rencana", "shown at once", |t| t.contains(NEW_ACTIVITY)).await;
    eventually("the form empties once the activity is kept", || async {
        let (title, jp) = (value("#pkb-add-title").await, value("#pkb-add-jp").await);
        (title.is_empty() && jp.is_empty()).then_some(()).ok_or(format!("title {title:?}, JP {jp:?}"))
    })
    .await;
    wait_text(&app, "#pkb-add-draft", "and is no draft", |t| {
        t == "Tersimpan di perangkat saat Anda mengetik."
    })
    .await;
    screenshots(&app, "34-rencana-tambah").await;
    let (api, token_ref) = (&client, &token);
    eventually("the new activity reached the server", move || async move {
        let plan: PkbOverview = api.get_json(token_ref, route::PKB, &[]).await.map_err(|e| e.to_string())?;
        plan.items
            .iter()
            .any(|i| i.title == NEW_ACTIVITY && i.jp == 4)
            .then_some(())
            .ok_or_else(|| format!("{} items, not the new one", plan.items.len()))
    })
    .await;

    // A card is not drawn again under her fingers: progress marked with the server away, then, while she
    // types the item's reflection, the sync that sends the progress settles (the card's "waiting" badge
    // goes). The box keeps her focus and every key (the card was drawn anew, its box out of focus: the
    // keys after went nowhere).
    server.stop();
    open(&app, "rencana", "#rencana-title").await;
    let slider = find(&app, ".pkb-item input.progress", "an item with a slider").await;
    let id = slider.attr("id").await.unwrap().unwrap().trim_start_matches("progress-").to_owned();
    let toggle = find(&app, &format!("#edit-{id}"), "the item's Ubah").await;
    if toggle.attr("aria-expanded").await.unwrap().as_deref() != Some("true") {
        press(&app, &format!("#edit-{id}"), "Ubah").await;
    }
    find(&app, &format!("#progress-{id}"), "its slider").await.send_keys("\u{E014}").await.unwrap();
    press(&app, &format!("#pkb-{id} .save-progress"), "save progress").await;
    wait_text(&app, &format!("#pkb-{id}"), "the progress waits", |t| t.contains("Menunggu dikirim")).await;
    let area = find(&app, &format!("#reflection-{id}"), "its reflection box").await;
    // Whatever the box held replaced, as she would rewrite it.
    area.clear().await.unwrap();
    area.click().await.unwrap();
    area.send_keys("Catatan").await.unwrap();
    server.restart();
    // The sync asked for without touching the page (as the sync loop's own turn would come).
    app.execute("document.getElementById('sync-now').click()", vec![]).await.unwrap();
    wait_text(&app, &format!("#pkb-{id}"), "the progress sent", |t| !t.contains("Menunggu dikirim")).await;
    app.active_element().await.unwrap().send_keys(" kedua").await.unwrap();
    let focused: String = app
        .execute("return document.activeElement ? document.activeElement.id : ''", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(focused, format!("reflection-{id}"), "her box kept the focus through the sync");
    let typed =
        find(&app, &format!("#reflection-{id}"), "its reflection box").await.prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("Catatan kedua"), "every key she typed is in the box");
    press(&app, &format!("#pkb-{id} .save-reflection"), "save the reflection").await;
    wait_text(&app, &format!("#draft-{id}"), "sent", |t| t == "Terkirim ✓").await;

    // Nothing waits any more: sign-out goes through without a warning.
    open(&app, "settings", "#settings-title").await;
    wait_text(&app, "#settings-waiting", "nothing waits", |t| t == "0").await;
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
