//! Communities in the real app, against a server that goes away: Siti browses and searches the
//! communities, opens one she is not in, and joins it while the server is stopped — the join shows at once,
//! counted and marked as waiting; the server comes back, she syncs, the mark goes and the server counts her
//! once. On the way: the Status GP timeline and the Pengaturan page (its data use growing with a sync),
//! each screenshotted at both sizes.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{find, open, screenshots, sign_out, type_into, wait_text, Driver};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::api::{CommunityDetail, CommunitySummary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_a_community_with_the_server_stopped_then_sync_when_it_is_back() {
    let mut server = TestServer::start();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let all: Vec<CommunitySummary> = client.get_json(&token, "/communities").await.unwrap();
    let target = all.iter().filter(|c| !c.is_member).min_by(|a, b| a.name.cmp(&b.name)).unwrap().clone();

    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;

    // Status GP: her timeline, from the store.
    open(&app, "status", "#status-title").await;
    let timeline = wait_text(&app, ".timeline", "the timeline", |t| t.contains("Modul 1.1")).await;
    assert!(timeline.contains("Modul 3.3") && timeline.contains("Tahap saat ini"), "{timeline}");
    screenshots(&app, "20-status-gp").await;

    // Komunitas: hers first, then all, searchable.
    open(&app, "komunitas", "#komunitas-title").await;
    find(&app, "#my-communities", "her communities").await;
    let listed = find(&app, "#all-communities", "all communities").await.text().await.unwrap();
    assert!(listed.contains(&target.name), "{} is listed: {listed}", target.name);
    screenshots(&app, "21-komunitas").await;
    let word = target.name.split_whitespace().last().unwrap();
    type_into(&app, "#community-search", word, "search").await;
    wait_text(&app, "#all-communities", "search narrows the list", |t| t.contains(&target.name)).await;
    let shown = app.find_all(fantoccini::Locator::Css("#all-communities .community")).await.unwrap().len();
    assert!(shown >= 1 && shown <= all.len(), "the search shows a subset: {shown} of {}", all.len());
    let option = format!("#filter-jenjang option[value='{}']", target.jenjang);
    find(&app, &option, "the jenjang filter").await.click().await.unwrap();
    let rows = app.find_all(fantoccini::Locator::Css("#all-communities .community .muted")).await.unwrap();
    for row in rows {
        let meta = row.text().await.unwrap();
        assert!(
            meta.contains(&format!("· {} ·", target.jenjang)),
            "only {} is shown: {meta}",
            target.jenjang
        );
    }
    screenshots(&app, "22-komunitas-cari").await;

    // Its page; then the server goes away and she joins.
    let link = format!("#all-communities .community[data-id='{}'] a", target.id);
    find(&app, &link, "the community's link").await.click().await.unwrap();
    wait_text(&app, "#community-title", "the community's page", |t| t == target.name).await;
    let before = target.member_count;
    wait_text(&app, "#community-members", "member count", |t| t.starts_with(&format!("{before} "))).await;
    server.stop();
    find(&app, "#join", "join button").await.click().await.unwrap();
    find(&app, "#community-pending", "marked as waiting").await;
    wait_text(&app, "#community-members", "counted at once", |t| t.starts_with(&format!("{} ", before + 1)))
        .await;
    wait_text(&app, "#sync-line", "the join waits", |t| t.contains("1 perubahan menunggu")).await;
    find(&app, "#leave", "now a member: the leave button").await;
    screenshots(&app, "23-komunitas-menunggu").await;

    // The server is back: sync, the mark goes, the server counts her once.
    server.restart();
    find(&app, "#sync-now", "sync button").await.click().await.unwrap();
    wait_text(&app, "#sync-line", "synced", |t| t.contains("Tersinkron") && !t.contains("menunggu")).await;
    wait_text(&app, ".community-page", "no longer waiting", |t| !t.contains("Menunggu sinkronisasi")).await;
    wait_text(&app, "#community-members", "the server's count", |t| {
        t.starts_with(&format!("{} ", before + 1))
    })
    .await;
    screenshots(&app, "24-komunitas-tersinkron").await;
    let detail: CommunityDetail =
        client.get_json(&token, &format!("/communities/{}", target.id)).await.unwrap();
    assert!(detail.summary.is_member, "the server has her membership");
    assert_eq!(detail.summary.member_count, before + 1, "counted once, not once per retry");

    // Pengaturan shows the server and that nothing waits; sign out from there.
    open(&app, "settings", "#settings-title").await;
    wait_text(&app, "#settings-server", "the server address", |t| t == server.base_url()).await;
    wait_text(&app, "#settings-waiting", "nothing waits", |t| t == "0").await;
    // Data use: this month's figure from the engine's meter. Sign-in, a first sync and a join come to tens
    // of kilobytes (compressed), and the figure grows with the next sync (each sends a few hundred bytes).
    let used = wait_text(&app, "#data-use", "this month's data use", |t| t.starts_with("Bulan ini:")).await;
    assert!(used.contains(" KB diterima · ") && used.ends_with(" dikirim"), "kilobytes received: {used}");
    screenshots(&app, "25-pengaturan").await;
    // On a phone the data use is below the fold: its own screenshot.
    penggerak_e2e::screenshots_of(&app, "26-pemakaian-data", Some("#data-use")).await;
    find(&app, "#settings-sync-now", "the sync button").await.click().await.unwrap();
    wait_text(&app, "#data-use", "the figure grows with a sync", |t| t != used).await;
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
