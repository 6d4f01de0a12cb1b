//! A refused change in the real app: a proxy in front of the server answers Siti's progress edit with an
//! HTML 413 (as a carrier's or school's proxy may). The engine refuses it at once (never sent again), keeps
//! what she wrote, and the sync line offers "Lihat yang ditolak"; the Ditolak screen shows why and what the
//! change held, in both languages; she dismisses it once read. Then her reflection on the same item is
//! refused the same way: the reason in Bahasa Indonesia and English, and she opens it again — her text is
//! back in its box — fixes it and sends it, and the server has it. A principal's feedback refused the same
//! way opens again on the staff member's page. A reflection she typed and did not send, whose box went
//! when her principal gave the predikat, is shown here too until she lets it go.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    absent, eventually, find, open, page_name_fits_beside_a_badge, press, screenshots, screenshots_of,
    sign_out, type_into, wait_text, Driver,
};
use penggerak_testkit::{ChaosMode, ChaosProxy, TestServer};
use penggerak_types::kinerja::KinerjaOverview;
use penggerak_types::pkb::PkbOverview;
use penggerak_types::route;

const PROXY_PAGE: &str = "<html><body><h1>413 Request Entity Too Large</h1></body></html>";
const REFLECTION: &str = "Murid kelas 4 lebih berani bertanya setelah saya memakai kartu pertanyaan.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_a_proxy_refuses_is_kept_and_shown_until_read() {
    // Plain http even in an https run (`PENGGERAK_E2E_TLS`): the chaos proxy in front reads and answers HTTP.
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
    press(&app, &format!("#edit-{item_id}"), "Ubah: the item's editor").await;
    let slider = find(&app, &format!("#progress-{item_id}"), "progress slider").await;
    let before: u8 = slider.prop("value").await.unwrap().unwrap().parse().unwrap();
    slider.send_keys("\u{E014}").await.unwrap(); // ArrowRight: +5 %
    press(&app, &format!("#pkb-{item_id} .save-progress"), "save progress").await;

    press(&app, "#open-refused", "the way to the refused change").await;
    find(&app, "#refused-title", "the refused-changes screen").await;
    let row = find(&app, ".refused tr[data-field='progress']", "what the change held").await;
    let held = row.text().await.unwrap();
    assert!(held.contains(&(before + 5).to_string()), "the progress she set is kept for her to redo: {held}");
    assert_eq!(proxy.answered(), 1, "refused at once: the proxy's answer is not retried");
    screenshots(&app, "45-ditolak").await;

    // The same screen in English.
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    wait_text(&app, "#settings-title", "the page in English", |t| t == "Settings").await;
    press(&app, "#open-refused", "the way there, in English").await;
    wait_text(&app, "#refused-title", "the screen in English", |t| t == "Needs your attention").await;
    screenshots(&app, "46-ditolak-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;

    // Read: dismissed, and the sync line no longer points there.
    press(&app, "#open-refused", "the way there").await;
    find(&app, ".refused .dismiss", "the refused progress edit").await;
    absent(&app, ".refused .reopen", "a progress edit holds no text of hers to open again").await;
    // A delete asks first: "Batal" keeps it, "Ya, hapus" deletes it.
    press(&app, ".refused .dismiss", "dismiss").await;
    press(&app, ".refused .ask-no", "no, keep it").await;
    press(&app, ".refused .dismiss", "dismiss, again").await;
    press(&app, ".refused .ask-yes", "yes, delete it").await;
    find(&app, "#refused-none", "nothing refused is left").await;
    absent(&app, "#open-refused", "the top bar no longer points there").await;

    // Her reflection on the same item is refused too: the reason in both languages, then she opens it
    // again, finds every character she wrote in its box, fixes it and sends it.
    open(&app, "rencana", "#rencana-title").await;
    press(&app, &format!("#edit-{item_id}"), "Ubah: the item's editor").await;
    type_into(&app, &format!("#reflection-{item_id}"), REFLECTION, "her reflection").await;
    press(&app, &format!("#pkb-{item_id} .save-reflection"), "save the reflection").await;
    // Beranda points there too.
    open(&app, "home", "#user-name").await;
    wait_text(&app, "#home-attention", "Beranda says something needs her", |t| {
        t == "1 perubahan yang ditolak perlu perhatian Anda"
    })
    .await;
    screenshots(&app, "44-beranda-perhatian").await;
    page_name_fits_beside_a_badge(&app).await;
    press(&app, "#home-attention a", "the way there from Beranda").await;
    find(&app, "#refused-title", "the refused-changes screen, from Beranda").await;
    absent(&app, "#open-refused", "no chip to the page already open (it pushed the bar apart on a phone)")
        .await;
    wait_text(&app, ".refused .reason", "why, in Indonesian", |t| {
        t == "Isinya melebihi batas ukuran yang diterima server. Persingkat teksnya, lalu kirim lagi."
    })
    .await;
    find(&app, ".refused-at", "when").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    page_name_fits_beside_a_badge(&app).await;
    press(&app, "#open-refused", "the way there, in English").await;
    wait_text(&app, ".refused .reason", "why, in English", |t| {
        t == "It is larger than the server accepts. Shorten the text, then send it again."
    })
    .await;
    screenshots(&app, "47-ditolak-refleksi-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;
    press(&app, "#open-refused", "the way there").await;
    screenshots(&app, "48-ditolak-refleksi").await;
    press(&app, ".refused .reopen", "open it again to fix").await;
    find(&app, "#rencana-title", "back on Rencana").await;
    let kept = find(&app, &format!("#reflection-{item_id}"), "the reflection box")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(REFLECTION), "every character she wrote is back in the box");
    wait_text(&app, &format!("#draft-{item_id}"), "shown as not sent", |t| t == "Draf belum dikirim").await;
    screenshots(&app, "49-rencana-dibuka-lagi").await;
    proxy.set_mode(ChaosMode::Pass);
    let fixed = format!("{REFLECTION} Saya akan mencobanya lagi pekan depan.");
    type_into(&app, &format!("#reflection-{item_id}"), &fixed, "her fix").await;
    press(&app, &format!("#pkb-{item_id} .save-reflection"), "save it").await;
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token =
        client.login("3471765432100001", penggerak_testkit::DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let (api, token_ref, item_ref, fixed_ref) = (&client, &token, &item_id, &fixed);
    eventually("the fixed reflection reached the server", move || async move {
        let plan: PkbOverview = api.get_json(token_ref, route::PKB, &[]).await.map_err(|e| e.to_string())?;
        let item = plan.items.iter().find(|i| &i.id == item_ref).ok_or("no item")?;
        (&item.reflection == fixed_ref).then_some(()).ok_or_else(|| format!("{:?}", item.reflection))
    })
    .await;

    proxy.set_mode(ChaosMode::Pass);
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}

const RESULT: &str = "Pembelajaran berdiferensiasi di kelas 4 pada semester genap";

/// A refused edit of her plan's results (RHK): it is named in her language on "Perlu perhatian" (the label
/// is data: "Ubah rencana kinerja", then "Change the performance plan"), and opening it again puts the rows
/// she wrote back in the plan editor as a draft; fixed and saved, they reach the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_edit_of_her_plan_opens_again_in_the_plan_editor() {
    // Plain http even in an https run (`PENGGERAK_E2E_TLS`): the chaos proxy in front reads and answers HTTP.
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 17);
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token =
        client.login("3471765432100001", penggerak_testkit::DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let overview: KinerjaOverview = client.get_json(&token, route::KINERJA, &[]).await.unwrap();
    let plan_id = overview.plan.expect("Siti has a plan").id;
    let driver = Driver::start(&proxy.base_url());
    let app =
        driver.signed_in("3471765432100001", penggerak_testkit::DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;

    // The proxy answers edits of her plan itself; everything else passes.
    // (As the app sends it: the id one percent-encoded segment, `:` and all.)
    let path = route::fill(route::KINERJA_PLAN, &[&plan_id]).unwrap();
    let path: &'static str = Box::leak(path.into_boxed_str());
    proxy.set_mode(ChaosMode::Answer { path, status: 413, body: PROXY_PAGE });
    open(&app, "kinerja", "#kinerja-title").await;
    wait_text(&app, "#plan-status", "her plan, a draft", |t| t == "Draf").await;
    press(&app, "#add-result", "add a result").await;
    let rows = app.find_all(fantoccini::Locator::Css(".result-row")).await.unwrap();
    let row_id = rows.last().unwrap().attr("data-id").await.unwrap().unwrap();
    type_into(&app, &format!("#result-text-{row_id}"), RESULT, "the result's text").await;
    wait_text(&app, "#plan-draft", "kept on the device", |t| t == "Draf tersimpan otomatis").await;
    press(&app, "#save-plan", "save the plan").await;

    press(&app, "#open-refused", "the way to the refused change").await;
    wait_text(&app, "#refused-title", "the place for what needs her", |t| t == "Perlu perhatian").await;
    wait_text(&app, ".refused h2", "what it was, in Indonesian", |t| t == "Ubah rencana kinerja").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    press(&app, "#open-refused", "the way there, in English").await;
    wait_text(&app, ".refused h2", "what it was, in English", |t| t == "Change the performance plan").await;
    wait_text(&app, ".refused .reason", "why, in English", |t| {
        t == "It is larger than the server accepts. Shorten the text, then send it again."
    })
    .await;
    screenshots(&app, "50-perhatian-rencana-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;

    press(&app, "#open-refused", "the way there").await;
    press(&app, ".refused .reopen", "open it again to fix").await;
    find(&app, "#kinerja-title", "back on Kinerja").await;
    let editor = format!("#result-text-{row_id}");
    let kept = eventually("the result she wrote, read from the editor", || async {
        // The page may be drawn again (a sync ending) between finding the editor and reading it: then the
        // element found is gone, and it is found again. The value read is checked once, below.
        find(&app, &editor, "the result she wrote").await.prop("value").await.map_err(|e| e.to_string())
    })
    .await;
    assert_eq!(kept.as_deref(), Some(RESULT), "every character of her result is back in the editor");
    screenshots(&app, "51-kinerja-dibuka-lagi").await;

    proxy.set_mode(ChaosMode::Pass);
    let fixed = format!("{RESULT} (kelas 4A dan 4B)");
    type_into(&app, &format!("#result-text-{row_id}"), &fixed, "her fix").await;
    press(&app, "#save-plan", "save the plan").await;
    let (api, token_ref, fixed_ref) = (&client, &token, &fixed);
    eventually("the fixed result reached the server", move || async move {
        let o: KinerjaOverview =
            api.get_json(token_ref, route::KINERJA, &[]).await.map_err(|e| e.to_string())?;
        let plan = o.plan.ok_or("no plan")?;
        plan.results
            .iter()
            .any(|r| &r.text == fixed_ref)
            .then_some(())
            .ok_or_else(|| format!("{:?}", plan.results.iter().map(|r| r.text.as_str()).collect::<Vec<_>>()))
    })
    .await;
    absent(&app, "#open-refused", "nothing is left to read: reopening took it off the list").await;
    sign_out(&app).await;
    app.close().await.unwrap();
}

const FEEDBACK: &str = "Rumusan RHK sudah jelas; tambahkan indikator tentang umpan balik murid.";

/// The principal's own text refused: Pak Bambang's feedback on Siti's plan is answered by a proxy, is kept
/// and named on "Perlu perhatian" in both languages, and "Buka lagi" takes him to her page with every
/// word back in the feedback box; sent again once the proxy lets it through, it reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_principals_refused_feedback_opens_again_on_the_staff_members_page() {
    // Plain http even in an https run (`PENGGERAK_E2E_TLS`): the chaos proxy in front reads and answers HTTP.
    let server = TestServer::start();
    let proxy = ChaosProxy::start(server.addr(), 19);
    let driver = Driver::start(&proxy.base_url());
    let app = driver
        .signed_in("196805121990031004", penggerak_testkit::DEMO_PASSWORD, "Drs. Bambang Sutrisno, M.Pd.")
        .await;
    // The proxy answers feedback itself; everything else passes.
    proxy.set_mode(ChaosMode::Answer { path: "/api/v1/kinerja/feedback", status: 413, body: PROXY_PAGE });
    open(&app, "staf", "#staff-title").await;
    press(&app, ".staff-row[data-id='guru-siti'] a", "Siti's page").await;
    wait_text(&app, "#member-title", "her page", |t| t == "Siti Rahayu, S.Pd.").await;
    type_into(&app, "#feedback-text", FEEDBACK, "his feedback").await;
    press(&app, "#give-feedback", "send it").await;

    press(&app, "#open-refused", "the way to the refused change").await;
    wait_text(&app, ".refused h2", "what it was, in Indonesian", |t| t == "Beri umpan balik").await;
    wait_text(&app, ".refused .reason", "why", |t| {
        t == "Isinya melebihi batas ukuran yang diterima server. Persingkat teksnya, lalu kirim lagi."
    })
    .await;
    screenshots(&app, "52-perhatian-umpan-balik").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    press(&app, "#open-refused", "the way there, in English").await;
    wait_text(&app, ".refused h2", "what it was, in English", |t| t == "Leave feedback").await;
    screenshots(&app, "53-perhatian-umpan-balik-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;

    press(&app, "#open-refused", "the way there").await;
    press(&app, ".refused .reopen", "open it again to fix").await;
    wait_text(&app, "#member-title", "on Siti's page", |t| t == "Siti Rahayu, S.Pd.").await;
    let kept = eventually("the feedback he wrote, read from its box", || async {
        // The page may be drawn again (a sync ending) between finding the box and reading it.
        find(&app, "#feedback-text", "the feedback box").await.prop("value").await.map_err(|e| e.to_string())
    })
    .await;
    assert_eq!(kept.as_deref(), Some(FEEDBACK), "every word he wrote is back in the box");
    wait_text(&app, "#feedback-draft", "said under the box", |t| t == "Draf belum dikirim").await;
    screenshots_of(&app, "54-staf-umpan-balik-dibuka-lagi", Some("#feedback-text")).await;

    proxy.set_mode(ChaosMode::Pass);
    press(&app, "#give-feedback", "send it again").await;
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token =
        client.login("3471765432100001", penggerak_testkit::DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let (api, token_ref) = (&client, &token);
    eventually("his feedback reached the server, for Siti", move || async move {
        let o: KinerjaOverview =
            api.get_json(token_ref, route::KINERJA, &[]).await.map_err(|e| e.to_string())?;
        o.feedback.iter().any(|f| f.text == FEEDBACK).then_some(()).ok_or_else(|| format!("{:?}", o.feedback))
    })
    .await;
    wait_text(&app, "#feedback-draft", "no draft is said once it is kept", |t| {
        t == "Tersimpan di perangkat saat Anda mengetik."
    })
    .await;
    absent(&app, "#open-refused", "nothing is left to read: reopening took it off the list").await;
    sign_out(&app).await;
    app.close().await.unwrap();
}

const LEFT_BEHIND: &str = "Saya belajar membagi kelompok dari hasil asesmen awal; belum saya kirim.";

/// A device of `identifier`'s own (the engine, outside the app), signed in to `server` and synced.
async fn another_device(
    dir: &std::path::Path,
    server: &TestServer,
    identifier: &str,
) -> penggerak_core::Engine {
    let tokens = std::sync::Arc::new(penggerak_core::MemoryStore::default());
    let device = penggerak_core::Engine::open(dir, tokens, &server.base_url()).await.unwrap();
    device.sign_in(penggerak_testkit::demo_sign_in(identifier, &server.base_url())).await.unwrap();
    device.sync_now().await.unwrap();
    device
}

/// Her plan's reflection, typed and not sent, loses its box when her principal gives the predikat: the top
/// bar points to it, Perlu perhatian shows it (what it was for, when, every word) in both languages, and
/// it stays until she deletes it (the box was gone and the text with it, though still counted at sign-out).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_whose_box_went_is_shown_until_she_lets_it_go() {
    use penggerak_types::ipc::Action;
    use penggerak_types::kinerja::{PlanStatus, Predikat};
    let server = TestServer::start();
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Her plan submitted, approved and agreed, from her other device and her principal's.
    let hers = another_device(dirs.0.path(), &server, "3471765432100001").await;
    let head = another_device(dirs.1.path(), &server, "196805121990031004").await;
    let plan = hers.kinerja().await.unwrap().plan.expect("Siti has a plan").id;
    let to = |to: PlanStatus| Action::MovePerformancePlan { id: plan.clone(), to, note: None };
    hers.act(to(PlanStatus::PerluDisetujui)).await.unwrap();
    assert_eq!(hers.sync_now().await.unwrap().waiting, 0, "submitted");
    head.sync_now().await.unwrap();
    head.act(to(PlanStatus::Disetujui)).await.unwrap();
    head.act(to(PlanStatus::Disepakati)).await.unwrap();
    assert_eq!(head.sync_now().await.unwrap().waiting, 0, "approved and agreed");

    let driver = Driver::start(&server.base_url());
    let app =
        driver.signed_in("3471765432100001", penggerak_testkit::DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "kinerja", "#kinerja-title").await;
    type_into(&app, "#plan-reflection", LEFT_BEHIND, "her reflection, not sent").await;
    wait_text(&app, "#plan-reflection-state", "kept as she types", |t| t == "Draf tersimpan otomatis").await;

    // Meanwhile he gives the predikat; her app syncs (asked without touching the page).
    head.act(Action::RatePlan { id: plan.clone(), predikat: Predikat::Baik, note: None }).await.unwrap();
    assert_eq!(head.sync_now().await.unwrap().waiting, 0, "rated");
    app.execute("document.getElementById('sync-now').click()", vec![]).await.unwrap();
    wait_text(&app, "#predikat", "the predikat", |t| t.contains("Baik")).await;
    absent(&app, "#plan-reflection", "no reflection box once the predikat is given").await;
    wait_text(&app, "#open-refused", "the top bar points to her text", |t| t == "Teks tertinggal").await;
    press(&app, "#open-refused", "the way there").await;
    wait_text(&app, "#stranded", "her text and what it was for", |t| {
        t.contains(LEFT_BEHIND) && t.contains("Refleksi rencana kinerja") && t.contains("Terakhir diketik")
    })
    .await;
    screenshots(&app, "47-teks-tertinggal").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    wait_text(&app, "#open-refused", "the way there, in English", |t| t == "Text left behind").await;
    press(&app, "#open-refused", "the way there, in English").await;
    wait_text(&app, "#stranded", "in English", |t| t.contains("Reflection on the performance plan")).await;
    screenshots(&app, "47-teks-tertinggal-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;

    // Deleting asks first; then it is gone, and so is the top bar's pointer.
    press(&app, "#open-refused", "the way there").await;
    press(&app, ".stranded .discard", "delete").await;
    press(&app, ".stranded .ask-no", "no, keep it").await;
    find(&app, ".stranded", "still there").await;
    press(&app, ".stranded .discard", "delete, again").await;
    press(&app, ".stranded .ask-yes", "yes, delete it").await;
    absent(&app, "#stranded", "her text is gone once she let it go").await;
    absent(&app, "#open-refused", "the top bar no longer points there").await;

    // Drafts are bounded: the device filled with as many as it keeps (through the shell, as a page
    // looping on `save_draft` would), a box's text is not kept and its line says why; once some are let
    // go, it is kept again.
    const FILL: &str = "const done = arguments[arguments.length - 1];
        (async () => {
            for (let i = 0; i < 100000; i++) {
                try {
                    await window.__TAURI__.core.invoke('save_draft', { draft: { key: 'uji-batas:' + i, text: 'a' } });
                } catch (e) {
                    return (e && e.reason && e.reason.rule === 'drafts_full') ? i : 'refused otherwise: ' + JSON.stringify(e);
                }
            }
            return 'never refused';
        })().then(done, (e) => done(String(e)));";
    let filled = app.execute_async(FILL, vec![]).await.unwrap();
    let filled = filled.as_u64().unwrap_or_else(|| panic!("filling stopped at the bound, not: {filled}"));
    assert_eq!(filled as usize, penggerak_types::limits::DRAFTS, "the device kept drafts up to the bound");
    open(&app, "rencana", "#rencana-title").await;
    find(&app, ".pkb-item .save-reflection", "an activity's reflection").await;
    let item: String = app
        .execute(
            "return document.querySelector('.pkb-item .save-reflection').closest('.pkb-item').id",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let id = item.trim_start_matches("pkb-").to_owned();
    let (area, line) = (format!("#reflection-{id}"), format!("#draft-{id}"));
    let expand = |step: &'static str| {
        let (app, toggle) = (&app, format!("#edit-{id}"));
        async move {
            let t = find(app, &toggle, step).await;
            if t.attr("aria-expanded").await.unwrap().as_deref() != Some("true") {
                press(app, &toggle, step).await;
            }
        }
    };
    expand("the activity's Ubah").await;
    type_into(&app, &area, "Tambahan", "her reflection, with the device full of drafts").await;
    wait_text(&app, &line, "the line says it was not kept, and why", |t| {
        t.starts_with("Draf ini tidak disimpan: perangkat sudah menyimpan draf sebanyak batasnya")
    })
    .await;
    screenshots_of(&app, "48b-draf-penuh", Some(&format!("#{item}"))).await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    open(&app, "rencana", "#rencana-title").await;
    expand("the activity's Edit").await;
    type_into(&app, &area, "More", "her reflection, in English").await;
    wait_text(&app, &line, "the line in English", |t| {
        t.starts_with("This draft was not kept: the device already holds as many drafts as it can")
    })
    .await;
    screenshots_of(&app, "48b-draf-penuh-en", Some(&format!("#{item}"))).await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;
    const EMPTY: &str = "const [n, done] = [arguments[0], arguments[arguments.length - 1]];
        (async () => {
            for (let i = 0; i < n; i++) {
                await window.__TAURI__.core.invoke('discard_draft', { key: 'uji-batas:' + i });
            }
            return 'ok';
        })().then(done, (e) => done(JSON.stringify(e)));";
    let emptied = app.execute_async(EMPTY, vec![serde_json::json!(filled)]).await.unwrap();
    assert_eq!(emptied, "ok", "the filler drafts let go");
    open(&app, "rencana", "#rencana-title").await;
    expand("the activity's Ubah, again").await;
    type_into(&app, &area, "Refleksi setelah ada ruang.", "her reflection, with room again").await;
    wait_text(&app, &line, "kept again", |t| t == "Draf tersimpan otomatis").await;
    // Saved for real, so nothing is left for the sign-out to warn about.
    press(&app, &format!("#{item} .save-reflection"), "save the reflection").await;
    app.execute("document.getElementById('sync-now').click()", vec![]).await.unwrap();
    sign_out(&app).await;
    app.close().await.unwrap();
}
