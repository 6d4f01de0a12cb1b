//! Learning materials in the real app: Siti finds a material in the synced catalogue, saves it for
//! reading offline (the button says what it costs), and then, with the server gone and the app killed and
//! started again, reads its text from the device. Removing it gives the space back.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    absent, find, kill_app, open, screenshots, screenshots_of, sign_out, type_into, wait_text, Driver,
};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::material::{Material, MaterialContent};
use penggerak_types::route;

/// A small material of the demo catalogue (a short handout).
const ID: &str = "materi-02";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_material_reads_offline_after_the_app_is_killed() {
    let mut server = TestServer::start();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let material: Material = client.get_json(&token, route::MATERIAL, &[ID]).await.unwrap();
    let content: MaterialContent = client.get_json(&token, route::MATERIAL_CONTENT, &[ID]).await.unwrap();
    let first_heading = content.sections[0].heading.clone();
    let title_word = material.title.split_whitespace().max_by_key(|w| w.len()).unwrap().to_owned();

    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "materi", "#materi-title").await;
    find(&app, "#all-materials", "the catalogue synced with everything else").await;
    screenshots(&app, "70-materi").await;

    // Search narrows the list to what matches; the material is there, not saved yet.
    type_into(&app, "#material-search", &title_word, "searching").await;
    let row = format!("#all-materials li[data-id='{ID}']");
    wait_text(&app, &row, "the material matches its own title", |t| t.contains(&material.title)).await;
    find(&app, &format!("{row} a"), "the material's link").await.click().await.unwrap();
    wait_text(&app, "#material-title", "its page", |t| t == material.title).await;
    find(&app, "#material-not-saved", "not saved yet: nothing to read").await;
    let offer = wait_text(&app, "#save-material", "the save button says what it costs", |t| {
        t.starts_with("Unduh untuk dibaca tanpa internet (") && (t.contains(" KB)") || t.contains(" MB)"))
    })
    .await;
    screenshots(&app, "71-materi-belum-tersimpan").await;

    find(&app, "#save-material", "save").await.click().await.unwrap();
    wait_text(&app, "#material-state", "saved", |t| t == "Tersimpan").await;
    wait_text(&app, "#material-text h2", "its text is shown", |t| t == first_heading).await;
    find(&app, "#remove-material", "it can be removed").await;
    absent(&app, "#save-material", &format!("nothing left to download after {offer:?}")).await;
    screenshots_of(&app, "72-materi-tersimpan", Some("#material-text")).await;

    // No server, and the app killed: the material is still there to read.
    server.stop();
    assert!(kill_app() >= 1, "the app was running");
    if let Err(e) = app.close().await {
        eprintln!("closing the killed app's session: {e}");
    }
    let app = driver.launch().await;
    wait_text(&app, "#user-name", "signed in after the kill", |t| t == "Siti Rahayu, S.Pd.").await;
    open(&app, "materi", "#materi-title").await;
    let saved = format!("#saved-materials li[data-id='{ID}']");
    wait_text(&app, &saved, "listed as saved", |t| t.contains("Tersimpan")).await;
    find(&app, &format!("{saved} a"), "the saved material's link").await.click().await.unwrap();
    wait_text(&app, "#material-text h2", "read offline, from the device", |t| t == first_heading).await;
    let text = find(&app, "#material-text", "the text").await.text().await.unwrap();
    for p in content.sections.iter().flat_map(|s| &s.paragraphs).take(3) {
        assert!(text.contains(p.as_str()), "the saved text holds {p:?}");
    }
    screenshots(&app, "73-materi-offline").await;

    // Removed: back to not saved, offering the download again.
    find(&app, "#remove-material", "remove").await.click().await.unwrap();
    find(&app, "#material-not-saved", "removed from the device").await;
    wait_text(&app, "#save-material", "offered again", |t| t == offer).await;

    // The server is back for the sign-out, so the run's keyring is left empty for the next test.
    server.restart();
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}
