//! A conflict in the real app: Siti's other device changes a plan item's reflection on the server; on this
//! device (which has not pulled that yet) she marks the item's progress. The push is refused as stale, both
//! versions stay, the sync line offers "Pilih versi"; the conflict screen shows the differing fields side by
//! side; she keeps hers and the server ends up with her progress on top of the other device's reflection.

use penggerak_client::{ApiClient, SyncAnswer};
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    absent, find, open, page_name_fits_beside_a_badge, press, screenshots, sign_out, wait_text, Driver,
};
use penggerak_testkit::DEMO_PASSWORD;
use penggerak_types::pkb::{PkbItemPatch, PkbOverview};
use penggerak_types::route;
use penggerak_types::RecordKind;

const OTHER_DEVICE: &str = "Ditulis di tablet sekolah.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_made_stale_by_another_device_waits_for_the_user_to_choose() {
    let server = penggerak_e2e::start_server();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;

    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "rencana", "#rencana-title").await;
    let first = find(&app, ".pkb-item", "a plan item").await;
    let item_id = first.attr("id").await.unwrap().unwrap().trim_start_matches("pkb-").to_owned();

    // The other device writes a reflection on the server (the app does not pull it: nothing wakes it).
    let SyncAnswer::Page { page, .. } = client.sync(&token, None, None, Some(1000)).await.unwrap() else {
        panic!("a first sync has a page");
    };
    let record = page.records.iter().find(|r| r.kind == RecordKind::PkbItem && r.id == item_id).unwrap();
    let patch = PkbItemPatch {
        base_version: record.version,
        reflection: Some(OTHER_DEVICE.into()),
        ..Default::default()
    };
    let body = serde_json::to_value(&patch).unwrap();
    client
        .mutate(
            &token,
            "PATCH",
            route::PKB_ITEM,
            &[&item_id],
            Some(&body),
            "6f1c2a4e-5b7d-4c1e-9a0b-3d2f1e0c9b8a",
        )
        .await
        .unwrap();

    // Here, progress from the version the device holds: refused as stale, kept, marked.
    press(&app, &format!("#edit-{item_id}"), "Ubah: the item's editor").await;
    let slider = find(&app, &format!("#progress-{item_id}"), "progress slider").await;
    let before: u8 = slider.prop("value").await.unwrap().unwrap().parse().unwrap();
    slider.send_keys("\u{E014}").await.unwrap(); // ArrowRight: +5 %
    press(&app, &format!("#pkb-{item_id} .save-progress"), "save progress").await;
    wait_text(&app, "#sync-line", "the conflict is reported", |t| t.contains("1 perubahan bentrok")).await;
    find(&app, &format!("#pkb-{item_id} .badge.warn"), "the item is marked in conflict").await;
    page_name_fits_beside_a_badge(&app).await;
    press(&app, "#open-conflicts", "the way to choose").await;
    find(&app, "#conflicts-title", "the conflict screen").await;
    absent(&app, "#open-conflicts", "no chip to the page already open (it pushed the bar apart on a phone)")
        .await;
    let row = |f: &str| format!(".conflict[data-id='{item_id}'] tr[data-field='{f}']");
    let progress = find(&app, &row("progress"), "progress row").await.text().await.unwrap();
    assert!(
        progress.contains(&(before + 5).to_string()) && progress.contains(&before.to_string()),
        "{progress}"
    );
    let reflection = find(&app, &row("reflection"), "reflection row").await.text().await.unwrap();
    assert!(reflection.contains(OTHER_DEVICE), "the server's version is shown beside hers: {reflection}");
    screenshots(&app, "40-konflik").await;

    // She keeps hers: sent again on the server's version; the other device's reflection stays.
    press(&app, ".keep-mine", "keep mine").await;
    find(&app, "#conflicts-none", "nothing left to choose").await;
    wait_text(&app, "#sync-line", "settled", |t| {
        t.contains("Terakhir disinkronkan") && !t.contains("bentrok")
    })
    .await;
    screenshots(&app, "41-konflik-selesai").await;
    let plan: PkbOverview = client.get_json(&token, route::PKB, &[]).await.unwrap();
    let item = plan.items.iter().find(|i| i.id == item_id).unwrap();
    assert_eq!(item.progress, before + 5, "her progress reached the server");
    assert_eq!(item.reflection, OTHER_DEVICE, "and the other device's reflection was not lost");

    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
