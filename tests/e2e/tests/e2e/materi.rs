//! Learning materials in the real app: Siti finds a material in the synced catalogue, saves it for
//! reading offline (the button says what it costs and the space left), and then, with the server gone and
//! the app killed and started again, reads its text from the device, finds it from Beranda's search by a
//! word deep in its text and opens it at that section; the same search finds a community and a PKB
//! activity. Penyimpanan shows what it takes, and "Hapus semua" frees it, its folder gone from the disk.
//! With the server back it is saved again and removed from its own page. Before that, with "Hanya unduh
//! lewat Wi-Fi" on a connection the device cannot name, a download waits, and goes when she asks for it
//! on this connection.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    absent, find, kill_app, open, press, screenshots, screenshots_of, sign_out, type_into, wait_text, Driver,
    APP_IDENTIFIER,
};
use penggerak_testkit::DEMO_PASSWORD;
use penggerak_types::material::{Material, MaterialContent};
use penggerak_types::route;

/// A small material of the demo catalogue (a short handout).
const ID: &str = "materi-02";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_material_reads_offline_after_the_app_is_killed() {
    let mut server = penggerak_e2e::start_server();
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

    // The search finds it by a word of its title (searched on the device); it is not saved yet.
    type_into(&app, "#material-search", &title_word, "searching").await;
    let row = format!("#material-search-results li.search-group[data-id='{ID}']");
    wait_text(&app, &row, "the material matches its own title", |t| t.contains(&material.title)).await;
    absent(&app, "#all-materials", "the results take the list's place").await;
    press(&app, &format!("{row} a.search-title"), "the material's link").await;
    wait_text(&app, "#material-title", "its page", |t| t == material.title).await;
    find(&app, "#material-not-saved", "not saved yet: nothing to read").await;
    let offer =
        wait_text(&app, "#save-material", "the save button says what it costs and the space left", |t| {
            t.starts_with("Unduh untuk dibaca tanpa internet (")
                && (t.contains(" KB) · sisa ruang ") || t.contains(" MB) · sisa ruang "))
        })
        .await;
    screenshots(&app, "71-materi-belum-tersimpan").await;

    // "Unduh nanti" marks it (the chip says it waits for Wi-Fi), and it can be taken back.
    press(&app, "#download-later", "download later").await;
    wait_text(&app, "#material-state", "marked", |t| t == "Menunggu Wi-Fi").await;
    screenshots(&app, "84-unduh-nanti").await;
    press(&app, "#cancel-later", "cancel download later").await;
    find(&app, "#download-later", "unmarked: offered again").await;
    absent(&app, "#material-state", "no chip once unmarked").await;

    // "Hanya unduh lewat Wi-Fi" in Pengaturan says what the device tells of its connection; on one that is
    // paid or unknown (here: no NetworkManager, so unknown) a download waits, with the reason.
    open(&app, "settings", "#settings-title").await;
    press(&app, "#wifi-only", "the Wi-Fi-only switch").await;
    let note =
        wait_text(&app, "#connection-note", "what the device says of its connection", |t| !t.is_empty())
            .await;
    screenshots_of(&app, "85-hanya-wifi", Some("#wifi-only")).await;
    let paid = !note.starts_with("Koneksi sekarang: Wi-Fi");
    open(&app, "materi", "#materi-title").await;
    press(&app, &format!("#all-materials li[data-id='{ID}'] a"), "the material's link").await;
    if paid {
        press(&app, "#save-material", "save").await;
        wait_text(&app, "#material-error", "held for Wi-Fi, with why", |t| {
            t.starts_with("Unduhan menunggu Wi-Fi")
        })
        .await;
        find(&app, "#material-not-saved", "nothing downloaded").await;
        screenshots(&app, "86-menunggu-wifi").await;
        // She may still take it now, on this connection: one download, the setting left on.
        press(&app, "#save-anyway", "download now on this connection").await;
        wait_text(&app, "#material-state", "saved past the setting, asked for", |t| t == "Tersimpan").await;
        absent(&app, "#save-anyway", "nothing held any more").await;
        // Removed and asked for again on the same page, the setting still on: held again, and offered again
        // (the page once kept the last "anyway" download's success and hid the offer for good).
        press(&app, "#remove-material", "remove").await;
        press(&app, "#remove-material-yes", "yes, remove it").await;
        find(&app, "#material-not-saved", "removed").await;
        press(&app, "#save-material", "save again").await;
        wait_text(&app, "#material-error", "held again", |t| t.starts_with("Unduhan menunggu Wi-Fi")).await;
        press(&app, "#save-anyway", "download now on this connection, again").await;
        wait_text(&app, "#material-state", "saved again", |t| t == "Tersimpan").await;
    }
    open(&app, "settings", "#settings-title").await;
    press(&app, "#wifi-only", "the Wi-Fi-only switch").await;
    open(&app, "materi", "#materi-title").await;
    press(&app, &format!("#all-materials li[data-id='{ID}'] a"), "the material's link").await;
    wait_text(&app, "#material-title", "its page again", |t| t == material.title).await;

    if !paid {
        press(&app, "#save-material", "save").await;
    }
    wait_text(&app, "#material-state", "saved", |t| t == "Tersimpan").await;
    wait_text(&app, "#material-text h2", "its text is shown", |t| t == first_heading).await;
    find(&app, "#remove-material", "it can be removed").await;
    absent(&app, "#save-material", &format!("nothing left to download after {offer:?}")).await;
    screenshots_of(&app, "72-materi-tersimpan", Some("#material-text")).await;
    // Its file opens in the device's own viewer: the app hands the system the saved file's path, inside
    // the app's materials folder (the harness's opener records it; the permission allows nothing else).
    press(&app, ".material-file .open-file", "Buka berkas").await;
    let path = penggerak_e2e::eventually("the file handed to the device's viewer", || async {
        driver.opened().into_iter().last().ok_or_else(|| "nothing opened yet".to_owned())
    })
    .await;
    assert!(
        path.contains("/id.penggerak.desktop/materials/") && std::path::Path::new(&path).is_file(),
        "a saved file in the app's materials folder: {path}"
    );

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
    press(&app, &format!("{saved} a"), "the saved material's link").await;
    wait_text(&app, "#material-text h2", "read offline, from the device", |t| t == first_heading).await;
    let text = find(&app, "#material-text", "the text").await.text().await.unwrap();
    for p in content.sections.iter().flat_map(|s| &s.paragraphs).take(3) {
        assert!(text.contains(p.as_str()), "the saved text holds {p:?}");
    }
    screenshots(&app, "73-materi-offline").await;

    // Still with no server: Beranda's search finds it by a word that appears only deep in its text, and the
    // result opens the material at that section.
    let (section, deep) = deep_word(&material, &content);
    open(&app, "home", "#user-name").await;
    type_into(&app, "#home-search", &deep, "searching the device from Beranda").await;
    let hit = format!(
        "#home-search-results li.search-group[data-id='{ID}'] li.search-hit[data-section='{section}']"
    );
    let found = wait_text(&app, &hit, "the deep word is found in its section", |t| !t.is_empty()).await;
    let marked = find(&app, &format!("{hit} mark"), "the word is marked").await.text().await.unwrap();
    assert!(found.contains(&content.sections[section].heading), "the hit names its section: {found:?}");
    assert!(
        marked.to_lowercase().starts_with(&deep.to_lowercase()),
        "{marked:?} is the word searched, {deep:?}"
    );
    screenshots_of(&app, "77-cari-beranda", Some("#home-search-results")).await;
    press(&app, &format!("{hit} a"), "the hit's link").await;
    wait_text(&app, "#material-title", "the material opens", |t| t == material.title).await;
    find(&app, &format!("#bagian-{section}.found"), "at the section the word is in, marked").await;
    screenshots_of(&app, "78-materi-bagian", Some(&format!("#bagian-{section}"))).await;

    // The same box finds a community and a PKB activity, each opening its page. The first search is made
    // while another writer holds the store past the app's wait (5 s), with the communities' index rows to
    // be brought up to date first (which writes), as after a sync: the search fails for a moment and is
    // tried again by itself once the store is free, so the results come without a touch (before, the
    // page said the data could not be read until something else changed the store).
    let db = driver.app_home.path().join("data").join(APP_IDENTIFIER).join("penggerak.sqlite");
    let mut holder = {
        use sqlx::Connection;
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap()
    };
    sqlx::query(
        "INSERT OR IGNORE INTO search_dirty (kind, id) SELECT kind, id FROM records WHERE kind = 'community'",
    )
    .execute(&mut holder)
    .await
    .unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut holder).await.unwrap();
    open(&app, "home", "#user-name").await;
    type_into(&app, "#home-search", "sleman", "a community's name, with the store held").await;
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    drop(holder);
    let community = "#home-search-results li.search-group[data-kind='community']";
    wait_text(&app, community, "a community is found once the store is free", |t| t.contains("Sleman")).await;
    type_into(&app, "#home-search", "disiplin", "a PKB activity's title").await;
    let activity = "#home-search-results li.search-group[data-kind='pkb_item']";
    wait_text(&app, activity, "her PKB activity is found", |t| t.contains("Disiplin Positif")).await;
    screenshots_of(&app, "79-cari-pkb", Some("#home-search-results")).await;
    press(&app, &format!("{activity} a.search-title"), "the activity's link").await;
    find(&app, "#rencana-title", "it opens the development plan").await;
    open(&app, "home", "#user-name").await;
    type_into(&app, "#home-search", "sleman", "a community's name again").await;
    press(&app, &format!("{community} a.search-title"), "the community's link").await;
    wait_text(&app, "#community-title", "it opens the community", |t| t.contains("Sleman")).await;

    // Materi's own search finds the deep word too.
    open(&app, "materi", "#materi-title").await;
    type_into(&app, "#material-search", &deep, "searching materials").await;
    wait_text(
        &app,
        &format!("#material-search-results li.search-group[data-id='{ID}']"),
        "found in Materi",
        |t| t.contains(&material.title),
    )
    .await;
    screenshots_of(&app, "80-cari-materi", Some("#material-search-results")).await;
    absent(&app, "#saved-materials", "the results take the lists' place").await;
    open(&app, "home", "#user-name").await;
    open(&app, "materi", "#materi-title").await;
    press(&app, &format!("{saved} a"), "the saved material's link").await;

    // Penyimpanan: what the saved material takes, with the total and the free space; "Hapus semua" (after
    // a second tap) frees it, the folder included.
    let folder = driver.app_home.path().join("data").join(APP_IDENTIFIER).join("materials");
    assert!(folder.is_dir(), "the saved material's folder is on disk: {}", folder.display());
    open(&app, "materi", "#materi-title").await;
    press(&app, "#storage-link", "the storage line").await;
    let total = wait_text(&app, "#storage-total", "the total and the free space", |t| {
        t.starts_with("Materi tersimpan memakai ") && t.contains(" · sisa ruang ")
    })
    .await;
    let stored = format!("#storage-list li[data-id='{ID}'] .stored-size");
    // (A size's number and unit are joined by a no-break space; `wait_text` read the total as spaces.)
    let size = find(&app, &stored, "the saved material, with its size")
        .await
        .text()
        .await
        .unwrap()
        .replace('\u{a0}', " ");
    assert!(total.contains(&size), "one material saved: the total is its size ({total:?}, {size:?})");
    screenshots(&app, "81-penyimpanan").await;
    press(&app, "#storage-remove-all", "remove all").await;
    find(&app, "#storage-remove-all-ask", "asked once more").await;
    screenshots(&app, "82-penyimpanan-yakin").await;
    press(&app, "#storage-remove-all-yes", "yes, remove all").await;
    find(&app, "#storage-none", "nothing saved any more").await;
    assert!(!folder.exists(), "the materials folder is gone from the disk");
    screenshots(&app, "83-penyimpanan-kosong").await;

    // The material is not saved any more, offered again, and its text is no hit.
    open(&app, "materi", "#materi-title").await;
    press(&app, &format!("#all-materials li[data-id='{ID}'] a"), "the material's link").await;
    find(&app, "#material-not-saved", "removed from the device").await;
    let cost = offer.split(" · ").next().unwrap().to_owned();
    wait_text(&app, "#save-material", "offered again", |t| t.starts_with(&cost)).await;
    open(&app, "home", "#user-name").await;
    type_into(&app, "#home-search", &deep, "the deep word again").await;
    find(&app, "#home-search-none", "a removed text is no hit").await;

    // With the server back, saved again, then removed from its own page.
    server.restart();
    open(&app, "materi", "#materi-title").await;
    press(&app, &format!("#all-materials li[data-id='{ID}'] a"), "the material's link").await;
    press(&app, "#save-material", "save again").await;
    wait_text(&app, "#material-state", "saved again", |t| t == "Tersimpan").await;
    // A delete asks first: "Batal" keeps the material saved.
    press(&app, "#remove-material", "remove").await;
    press(&app, "#remove-material-no", "no, keep it").await;
    wait_text(&app, "#material-state", "still saved after Batal", |t| t == "Tersimpan").await;
    press(&app, "#remove-material", "remove, again").await;
    press(&app, "#remove-material-yes", "yes, remove it").await;
    find(&app, "#material-not-saved", "removed from the device").await;
    wait_text(&app, "#save-material", "offered again", |t| t.starts_with(&cost)).await;

    // Signed out (the server is back), so the run's keyring is left empty for the next test.
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}

/// A word of a section's paragraphs that appears nowhere else in the material (other sections, its
/// headings, its title, topic or summary), with the section it is in: found only by searching inside the
/// saved text.
fn deep_word(m: &Material, c: &MaterialContent) -> (usize, String) {
    let all: Vec<String> = c
        .sections
        .iter()
        .map(|s| format!("{} {}", s.heading, s.paragraphs.join(" ")).to_lowercase())
        .collect();
    let catalogue = format!("{} {} {}", m.title, m.topic, m.summary).to_lowercase();
    for (i, section) in c.sections.iter().enumerate().rev() {
        let text = section.paragraphs.join(" ").to_lowercase();
        for w in text.split(|ch: char| !ch.is_alphanumeric()).filter(|w| w.len() >= 7) {
            let elsewhere = all.iter().enumerate().any(|(j, t)| j != i && t.contains(w));
            if !elsewhere && !catalogue.contains(w) && !section.heading.to_lowercase().contains(w) {
                return (i, w.to_owned());
            }
        }
    }
    panic!("the demo material {} has no word found in one section's text only", m.id);
}
