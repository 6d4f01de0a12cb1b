//! The performance cycle in the real app, across two accounts on one device in separate runs: Siti adds a
//! planned result (kept as she types, saved, synced) and submits her plan; Bambang opens it, reads every
//! result and returns it with a note; Siti reads the note and resubmits with the server down (sent when it
//! is back); Bambang finds her on Staf, approves, agrees, schedules an observation and gives the predikat;
//! Siti sees the predikat and the observation. The server has every step.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    absent, answer_save_dialog, eventually, find, open, press, screenshots, screenshots_of, sign_out,
    type_into, wait_text, Driver, NotifyCalls,
};
use penggerak_testkit::DEMO_PASSWORD;
use penggerak_types::kinerja::{KinerjaOverview, PlanStatus};
use penggerak_types::route;

const NEW_RESULT: &str = "Asesmen diagnostik di awal semester untuk kelas 4";
const NEW_INDICATOR: &str = "Hasil asesmen dipakai menyusun kelompok belajar";
const RETURN_NOTE: &str = "Tambahkan indikator yang terukur untuk RHK asesmen.";
const PREDIKAT_NOTE: &str = "Pertahankan asesmen awal di semester berikutnya.";
const OBS_CLASS: &str = "IV A — Matematika";
const PREPARATION: &str = "Kelompok belajar sesuai hasil asesmen awal; media: kartu pecahan.";
const BAMBANG: &str = "196805121990031004";
const BAMBANG_NAME: &str = "Drs. Bambang Sutrisno, M.Pd.";
const FEEDBACK: &str = "Indikator asesmen sudah terukur; tambahkan target ketuntasan per kelompok.";
const REFLECTION: &str = "Asesmen awal membantu saya membagi kelompok sesuai kebutuhan murid.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_performance_cycle_across_two_accounts_on_one_device() {
    let mut server = penggerak_e2e::start_server();
    // The server seen as Siti (a session of its own) to check what reached it.
    let client = ApiClient::new(&server.base_url()).unwrap();
    let siti = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let (api, siti) = (&client, &siti);
    let plan_status = move || async move {
        let o: KinerjaOverview = api.get_json(siti, route::KINERJA, &[]).await.map_err(|e| e.to_string())?;
        o.plan.ok_or_else(|| "no plan".to_owned())
    };
    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;

    // Home fills from the store once the first sync has settled.
    wait_text(&app, "#kinerja-status", "home shows the plan status", |t| t.contains("Draf")).await;
    find(&app, "#programme-stage", "home shows the programme").await;
    screenshots(&app, "10-beranda").await;
    // A deadline leads to its page: an event to its community's page, whose events list it.
    let event = find(&app, "#deadlines a[href^='/komunitas/']", "an event among the deadlines").await;
    let title = event.find(fantoccini::Locator::Css(".deadline-title")).await.unwrap().text().await.unwrap();
    event.click().await.unwrap();
    find(&app, "#community-title", "the event's community").await;
    wait_text(&app, "#community-events", "the community lists the event", |t| t.contains(&title)).await;
    // "Lihat semua tenggat": every deadline, and the list saved as a calendar file, read back.
    open(&app, "home", "#user-name").await;
    press(&app, "#all-deadlines", "Lihat semua tenggat").await;
    find(&app, "#deadlines-title", "every deadline").await;
    let mut shown = Vec::new();
    for e in app.find_all(fantoccini::Locator::Css("#all-deadlines-list .deadline-title")).await.unwrap() {
        shown.push(e.text().await.unwrap());
    }
    assert!(shown.contains(&title), "the full list has the event Beranda showed: {shown:?}");
    let mut events = Vec::new();
    for e in app
        .find_all(fantoccini::Locator::Css("#all-deadlines-list a[href^='/komunitas/'] .deadline-title"))
        .await
        .unwrap()
    {
        events.push(e.text().await.unwrap());
    }
    assert!(events.contains(&title), "the event is one of the list's community events: {events:?}");
    screenshots(&app, "15-semua-tenggat").await;
    let out = tempfile::tempdir().unwrap();
    let ics = out.path().join("tenggat.ics");
    press(&app, "#deadlines-export", "Simpan ke kalender").await;
    answer_save_dialog("Simpan tenggat sebagai kalender", &ics).await;
    wait_text(&app, "#deadlines-said", "saved", |t| t.starts_with("Tersimpan.")).await;
    let text = std::fs::read_to_string(&ics).expect("the app wrote the calendar where she chose");
    let calendar: icalendar::Calendar = text.parse().expect("a calendar file other programs can read");
    let mut summaries: Vec<String> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .map(|e| {
            use icalendar::Component;
            let summary = e.get_summary().unwrap_or_default().to_owned();
            if events.contains(&summary) {
                // As "Tambah ke kalender" writes it (komunitas checks that file), so importing both keeps one.
                assert!(
                    matches!(e.get_start(), Some(icalendar::DatePerhapsTime::DateTime(_)))
                        && e.get_uid().is_some_and(|u| u.contains("-ev") && u.ends_with("@penggerak")),
                    "a community event is at its time, with its event's own UID: {e:?}"
                );
            } else {
                assert!(
                    matches!(e.get_start(), Some(icalendar::DatePerhapsTime::Date(_))),
                    "every other deadline is an all-day event: {e:?}"
                );
            }
            summary
        })
        .collect();
    summaries.sort();
    shown.sort();
    assert_eq!(summaries, shown, "one event per deadline on the screen, with its title");
    // The next thing to do, her draft plan, is one tap from Beranda.
    open(&app, "home", "#user-name").await;
    wait_text(&app, "#home-next", "the next step", |t| t == "Lengkapi dan ajukan rencana kinerja").await;
    press(&app, "#home-next", "the next step").await;
    find(&app, "#kinerja-title", "Kinerja, from Beranda's button").await;
    wait_text(&app, "#plan-status", "the plan, a draft", |t| t == "Draf").await;
    let stages = find(&app, "#cycle-stages", "cycle stages").await.text().await.unwrap();
    assert!(stages.contains("Perencanaan kinerja") && stages.contains("Penilaian kinerja"), "{stages}");
    let current = find(&app, "#nav-kinerja", "menu").await.attr("aria-current").await.unwrap();
    assert_eq!(current.as_deref(), Some("page"), "the menu tells screen readers which page is open");
    screenshots(&app, "11-kinerja-draf").await;

    // While a draft, the planned results are hers to edit: she adds one, with an indicator, and saves it.
    let before = app.find_all(fantoccini::Locator::Css(".result-row")).await.unwrap().len();
    press(&app, "#add-result", "add a result").await;
    let rows = app.find_all(fantoccini::Locator::Css(".result-row")).await.unwrap();
    assert_eq!(rows.len(), before + 1, "a new, empty row");
    let new_id = rows.last().unwrap().attr("data-id").await.unwrap().unwrap();
    penggerak_e2e::type_into(&app, &format!("#result-text-{new_id}"), NEW_RESULT, "the result's text").await;
    penggerak_e2e::type_into(&app, &format!("#result-indicators-{new_id}"), NEW_INDICATOR, "its indicator")
        .await;
    wait_text(&app, "#plan-draft", "the editing kept on the device", |t| t == "Draf tersimpan otomatis")
        .await;
    let submit = find(&app, "#submit-plan", "submit button").await;
    let disabled = submit.prop("disabled").await.unwrap();
    assert_eq!(disabled.as_deref(), Some("true"), "unsaved edits would not go with the plan: save first");
    wait_text(&app, "#submit-hint", "and the page says so", |t| {
        t.starts_with("Simpan rencana terlebih dahulu")
    })
    .await;
    screenshots(&app, "14-kinerja-ubah").await;
    press(&app, "#save-plan", "save the plan").await;
    wait_text(&app, "#plan-draft", "saved for real", |t| t == "Tersimpan di perangkat saat Anda mengetik.")
        .await;
    eventually("the added result reached the server", move || async move {
        let plan = plan_status().await?;
        let found = plan.results.iter().any(|r| r.text == NEW_RESULT);
        found.then_some(()).ok_or_else(|| format!("{} results, not the new one", plan.results.len()))
    })
    .await;

    // The reflection box grows with what is typed (nothing scrolled out of sight), and shrinks back.
    let size = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            let js = "const t = document.querySelector('#plan-reflection'); return [t.clientHeight, t.scrollHeight]";
            let v: Vec<i64> = serde_json::from_value(c.execute(js, vec![]).await.unwrap()).unwrap();
            (v[0], v[1])
        }
    };
    let (empty, _) = size(&app).await;
    let long = "Baris refleksi yang cukup panjang untuk satu baris kotak teks di layar ponsel. ".repeat(24);
    penggerak_e2e::type_into(&app, "#plan-reflection", &long, "a long reflection").await;
    let (tall, content) = size(&app).await;
    assert!(tall > empty * 2, "the box grew with ~1,900 characters of text: {empty} px -> {tall} px");
    assert!(content <= tall, "and shows all of it: {content} px of text in a {tall} px box");
    // On a phone's width the text wraps to more lines, and the box follows: as tall as its text, or (as
    // here) 70 % of the 740 px window, where it scrolls.
    app.set_window_size(360, 740).await.unwrap();
    eventually("the box refitted at a phone's width", || async {
        let (narrow, content) = size(&app).await;
        if narrow > tall && (content <= narrow || narrow >= 510) {
            Ok(())
        } else {
            Err(format!("{content} px of text in a {narrow} px box (it was {tall} px at 1280)"))
        }
    })
    .await;
    app.set_window_size(1280, 800).await.unwrap();
    // Her reflection on the plan, the same way: kept as typed, then saved.
    penggerak_e2e::type_into(&app, "#plan-reflection", REFLECTION, "the reflection").await;
    let (short, _) = size(&app).await;
    assert!(short < tall, "the box shrank back with a short text: {tall} px -> {short} px");
    wait_text(&app, "#plan-reflection-state", "kept on the device", |t| t == "Draf tersimpan otomatis").await;
    press(&app, "#save-plan-reflection", "save the reflection").await;
    wait_text(&app, "#plan-reflection-state", "saved, then sent", |t| t == "Terkirim ✓").await;

    press(&app, "#submit-plan", "submit button").await;
    wait_text(&app, "#plan-status", "submitted, shown at once", |t| t == "Perlu disetujui").await;
    screenshots(&app, "12-kinerja-diajukan").await;
    absent(&app, "#submit-plan", "nothing more to submit").await;

    // The server has it.
    let plan = eventually("the submit reached the server", move || async move {
        let plan = plan_status().await?;
        (plan.status == PlanStatus::PerluDisetujui).then_some(plan).ok_or_else(|| "still a draft".to_owned())
    })
    .await;
    let added =
        plan.results.iter().find(|r| r.text == NEW_RESULT).expect("the result she added is on the server");
    assert_eq!(added.indicators, [NEW_INDICATOR], "with its indicator");
    assert_eq!(plan.reflection, REFLECTION, "and her reflection");

    // Sign out and close the app. Second run: the principal signs in and finds it waiting; he opens it,
    // reads every result, and returns it with a note (not without one).
    sign_out(&app).await;
    app.close().await.unwrap();
    let app = driver.signed_in(BAMBANG, DEMO_PASSWORD, BAMBANG_NAME).await;
    // Beranda says what else waits for him ("Menunggu Anda", drawn by a lazily loaded module): Agus's
    // records lack his NIP (the demo's data problem); each count leads to Staf.
    wait_text(&app, "#principal-waits", "what waits for him on Beranda", |t| {
        t.contains("Menunggu Anda") && t.contains("orang dengan data bermasalah")
    })
    .await;
    screenshots(&app, "12-beranda-kepala-sekolah").await;
    press(&app, "#principal-waits a", "a count on Beranda").await;
    find(&app, "#staff-title", "Staf, from Beranda's count").await;
    open(&app, "kinerja", "#kinerja-title").await;
    wait_text(&app, "#approvals", "Siti's plan waits for him", |t| t.contains("Siti Rahayu")).await;
    // With when she sent it (the oldest waits first).
    wait_text(&app, "#approval-guru-siti .submitted", "when she sent it", |t| t.starts_with("diajukan "))
        .await;
    screenshots(&app, "13-kinerja-persetujuan").await;
    press(&app, "#approval-guru-siti .review", "open Siti's plan to read it").await;
    wait_text(&app, "#member-title", "her page", |t| t == "Siti Rahayu, S.Pd.").await;
    wait_text(&app, "#member-results", "every result, the one she added included", |t| {
        t.contains(NEW_RESULT) && t.contains(NEW_INDICATOR)
    })
    .await;
    screenshots(&app, "70-staf-rencana").await;
    press(&app, "#move-dikembalikan", "return without a note").await;
    wait_text(&app, "#member-error", "a return needs a note", |t| {
        t == "Tuliskan catatan perbaikan saat mengembalikan rencana."
    })
    .await;
    type_into(&app, "#return-note", RETURN_NOTE, "what to improve").await;
    press(&app, "#move-dikembalikan", "return it").await;
    wait_text(&app, "#member-plan-status", "returned, shown at once", |t| t == "Dikembalikan").await;
    eventually("returned on the server", move || async move {
        let plan = plan_status().await?;
        (plan.status == PlanStatus::Dikembalikan && plan.return_note() == Some(RETURN_NOTE))
            .then_some(())
            .ok_or_else(|| format!("{:?}", plan.status))
    })
    .await;
    sign_out(&app).await;
    app.close().await.unwrap();

    // Third run: Siti reads the note and submits again with the server down; it goes when it is back.
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "kinerja", "#kinerja-title").await;
    wait_text(&app, ".kinerja .note", "his note", |t| t.contains(RETURN_NOTE)).await;
    server.stop();
    press(&app, "#submit-plan", "submit again").await;
    wait_text(&app, "#plan-status", "submitted on the device", |t| t == "Perlu disetujui").await;
    server.restart();
    press(&app, "#sync-now", "sync now").await;
    eventually("the resubmit reached the server once it was back", move || async move {
        let plan = plan_status().await?;
        (plan.status == PlanStatus::PerluDisetujui).then_some(()).ok_or_else(|| format!("{:?}", plan.status))
    })
    .await;
    sign_out(&app).await;
    app.close().await.unwrap();

    // Fourth run: Bambang finds her on Staf (filtered to what waits for him), approves, agrees, schedules
    // an observation and gives the predikat.
    let app = driver.signed_in(BAMBANG, DEMO_PASSWORD, BAMBANG_NAME).await;
    open(&app, "staf", "#staff-title").await;
    find(&app, "#chart-plans", "the plans by status").await;
    // When each last synced, as the server saw it: Siti did (runs one and three), and he did just now,
    // last of all.
    wait_text(&app, ".staff-row[data-id='guru-siti'] .last-sync", "when Siti last synced", |t| {
        t.starts_with("terakhir disinkronkan")
    })
    .await;
    find(&app, "#staff-sort", "the order").await.select_by_value("last_sync").await.unwrap();
    let order = app
        .execute("return [...document.querySelectorAll('.staff-row')].map(e => e.dataset.id);", vec![])
        .await
        .unwrap();
    let order: Vec<String> = serde_json::from_value(order).unwrap();
    assert_eq!(order.last().map(String::as_str), Some("kepsek-bambang"), "he synced last: {order:?}");
    screenshots(&app, "71-staf").await;
    screenshots_of(&app, "76-staf-daftar", Some(".staff-row[data-id='guru-siti']")).await;
    // The table as CSV, saved where he says in the system's own dialog, and read back.
    let out = tempfile::tempdir().unwrap();
    let saved = out.path().join("staf-desember.csv");
    press(&app, "#staff-export", "export").await;
    answer_save_dialog("Simpan tabel staf", &saved).await;
    wait_text(&app, "#staff-said", "saved", |t| t == "Tabel tersimpan.").await;
    let bytes = std::fs::read(&saved).expect("the app wrote the file where he chose");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with a byte-order mark, for spreadsheet programs");
    let mut table = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = table.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers[0], "Nama", "Indonesian headers: {headers:?}");
    let rows: Vec<csv::StringRecord> = table.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), order.len(), "a row per staff member on the screen");
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let siti_row = rows.iter().find(|r| &r[0] == "Siti Rahayu, S.Pd.").expect("Siti's row");
    let served: Vec<penggerak_types::api::StaffSummary> = {
        let head = api.login(BAMBANG, DEMO_PASSWORD).await.unwrap().tokens.access_token;
        api.get_json(&head, route::SCHOOL_STAFF, &[]).await.unwrap()
    };
    let siti_served = served.iter().find(|s| s.person.id == "guru-siti").unwrap();
    assert_eq!(
        siti_row[column("JP selesai")],
        siti_served.jp_done.to_string(),
        "her JP as the server counts it"
    );
    let synced = &siti_row[column("Terakhir disinkronkan")];
    assert!(synced.len() == 10 && &synced[4..5] == "-", "when she last synced, as YYYY-MM-DD: {synced:?}");
    let waiting = find(&app, "#staff-show", "the filter").await;
    waiting.select_by_value("waiting").await.unwrap();
    wait_text(&app, "#staff-list", "only plans waiting for him", |t| t.contains("Siti Rahayu")).await;
    press(&app, ".staff-row[data-id='guru-siti'] a", "her page").await;
    wait_text(&app, "#member-title", "her page", |t| t == "Siti Rahayu, S.Pd.").await;
    press(&app, "#move-disetujui", "approve").await;
    wait_text(&app, "#member-plan-status", "approved", |t| t == "Disetujui").await;
    press(&app, "#move-disepakati", "agree").await;
    wait_text(&app, "#member-plan-status", "agreed", |t| t == "Disepakati").await;
    // A feedback note, at any point of the cycle. What he types is kept on the device as he types: he
    // leaves for the staff list and comes back, and it is still in the box (the page once started empty).
    type_into(&app, "#feedback-text", FEEDBACK, "his feedback").await;
    // So is the form scheduling an observation (it lived in the page's memory only). Date and time pickers
    // take their value as the page would get it from the picker.
    set_value(&app, "#obs-date", "2026-12-09").await;
    set_value(&app, "#obs-time", "08:00").await;
    type_into(&app, "#obs-class", OBS_CLASS, "the class").await;
    open(&app, "staf", "#staff-title").await;
    press(&app, ".staff-row[data-id='guru-siti'] a", "her page again").await;
    wait_text(&app, "#member-title", "her page again", |t| t == "Siti Rahayu, S.Pd.").await;
    eventually("the typed feedback is back in its box", || async {
        let kept = find(&app, "#feedback-text", "the box").await.prop("value").await.unwrap();
        (kept.as_deref() == Some(FEEDBACK)).then_some(()).ok_or_else(|| format!("{kept:?}"))
    })
    .await;
    wait_text(&app, "#feedback-draft", "and said so under it", |t| t == "Draf belum dikirim").await;
    eventually("the schedule form is back as he filled it", || async {
        let mut got = Vec::new();
        for css in ["#obs-date", "#obs-time", "#obs-class"] {
            got.push(
                find(&app, css, "a box of the form").await.prop("value").await.unwrap().unwrap_or_default(),
            );
        }
        (got == ["2026-12-09", "08:00", OBS_CLASS]).then_some(()).ok_or_else(|| format!("{got:?}"))
    })
    .await;
    wait_text(&app, "#schedule-draft", "said so under it", |t| t == "Draf belum dikirim").await;
    penggerak_e2e::screenshots_of(&app, "72b-staf-jadwal-dipulihkan", Some("#schedule-observation")).await;
    // The box empties once it is kept.
    press(&app, "#give-feedback", "send it").await;
    wait_text(&app, "#member-feedback", "kept on his page", |t| t.contains(FEEDBACK)).await;
    wait_text(&app, "#feedback-draft", "no draft once it is kept", |t| {
        t == "Tersimpan di perangkat saat Anda mengetik."
    })
    .await;
    wait_text(&app, "#member-last-sync", "when she last synced", |t| t.starts_with("Terakhir disinkronkan"))
        .await;
    eventually("the box empties once the note is kept", || async {
        let left = find(&app, "#feedback-text", "the box").await.prop("value").await.unwrap();
        left.as_deref().is_some_and(str::is_empty).then_some(()).ok_or_else(|| format!("{left:?}"))
    })
    .await;
    press(&app, "#schedule-observation", "schedule it").await;
    wait_text(&app, "#member-observations", "scheduled", |t| t.contains(OBS_CLASS)).await;
    wait_text(&app, "#schedule-draft", "the scheduled form is no draft", |t| {
        t == "Tersimpan di perangkat saat Anda mengetik."
    })
    .await;
    eventually(
        "the form empties of what it scheduled (left filled, it invited the same one twice)",
        || async {
            let mut left = Vec::new();
            for css in ["#obs-date", "#obs-time", "#obs-class"] {
                left.push(
                    find(&app, css, "a box of the form")
                        .await
                        .prop("value")
                        .await
                        .unwrap()
                        .unwrap_or_default(),
                );
            }
            left.iter().all(String::is_empty).then_some(()).ok_or_else(|| format!("{left:?}"))
        },
    )
    .await;
    // A note for the observation's record, typed and not sent: kept on the device, and said so until it is
    // sent, whatever else he sends meanwhile (the predikat below).
    type_into(&app, "#member-observations .obs-record", "Murid aktif berdiskusi.", "the record").await;
    let record_line = "#member-observations [id^='obs-record-draft-']";
    wait_text(&app, record_line, "kept as he types", |t| t == "Draf tersimpan otomatis").await;
    find(&app, "#predikat-choice", "the predikat").await.select_by_value("baik").await.unwrap();
    type_into(&app, "#predikat-note", PREDIKAT_NOTE, "his note").await;
    press(&app, "#give-predikat", "give it").await;
    wait_text(&app, "#member-predikat", "given", |t| t.contains("Baik") && t.contains(PREDIKAT_NOTE)).await;
    wait_text(&app, "#predikat-note-draft", "the sent note is no draft", |t| {
        t == "Tersimpan di perangkat saat Anda mengetik."
    })
    .await;
    wait_text(&app, record_line, "the record's note is still a draft", |t| t == "Draf tersimpan otomatis")
        .await;
    screenshots(&app, "72-staf-predikat").await;
    // Saved, it is no draft (and nothing is left unsent for signing out).
    press(&app, "#member-observations .save-observation", "save the record").await;
    wait_text(&app, record_line, "the saved record is no draft", |t| {
        t == "Tersimpan di perangkat saat Anda mengetik."
    })
    .await;
    let plan = eventually("approved, agreed and rated on the server", move || async move {
        let plan = plan_status().await?;
        (plan.status == PlanStatus::Disepakati && plan.predikat.is_some())
            .then_some(plan)
            .ok_or_else(|| "not yet".to_owned())
    })
    .await;
    assert_eq!(plan.history.last().unwrap().by_id, "kepsek-bambang");
    assert_eq!(plan.predikat_note.as_deref(), Some(PREDIKAT_NOTE));
    // On a desktop the staff are beside her page (the window is at 1280 after the screenshots): the next
    // person is one click away, and the one shown is marked. A phone has no room for the list.
    let current = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            let marked = "return [...document.querySelectorAll('#beside-staff + ul a[aria-current=page]')]\
                          .map(a => a.textContent)";
            c.execute(marked, vec![]).await.unwrap()
        }
    };
    find(&app, "#beside-staff", "the staff beside her page").await;
    assert_eq!(current(&app).await, serde_json::json!(["Siti Rahayu, S.Pd."]), "her name marked, once");
    press(&app, ".beside a[href='/staf/guru-agus']", "the next person beside").await;
    wait_text(&app, "#member-title", "his page, from the list beside", |t| t == "Agus Prasetyo, S.Pd.").await;
    assert_eq!(current(&app).await, serde_json::json!(["Agus Prasetyo, S.Pd."]), "the mark follows");
    // His data problem, worded about him for the principal reading it (the server words it to Agus:
    // "Anda tercatat…", which read as if it were about the principal).
    wait_text(&app, "#member-problems", "his data problem, about him", |t| {
        t.starts_with("Tercatat sebagai ASN tetapi NIP belum ada di Dapodik") && !t.contains("Anda")
    })
    .await;
    screenshots(&app, "75b-staf-masalah-data").await;
    app.set_window_size(360, 740).await.unwrap();
    let shown = find(&app, "#beside-staff", "the list, in the page").await.is_displayed().await.unwrap();
    assert!(!shown, "not on a phone: the page keeps the width");
    app.set_window_size(1280, 800).await.unwrap();
    // The same screens in English.
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    wait_text(&app, "#settings-title", "the page in English", |t| t == "Settings").await;
    open(&app, "staf", "#staff-title").await;
    wait_text(&app, "#staff-title", "Staf in English", |t| t == "School staff").await;
    find(&app, "#chart-plans", "the charts").await;
    screenshots(&app, "74-staff-en").await;
    // A principal's bar in English ("Appraisal": "Performance" was cut).
    penggerak_e2e::menu_words_fit(&app).await;
    press(&app, ".staff-row[data-id='guru-siti'] a", "her page").await;
    wait_text(&app, "#member-plan-status", "her plan, in English", |t| t == "Agreed").await;
    screenshots(&app, "75-staff-member-en").await;
    // Agus's data problem in English, about him.
    press(&app, ".beside a[href='/staf/guru-agus']", "his page, from the list beside").await;
    wait_text(&app, "#member-problems", "his data problem, in English", |t| {
        t.starts_with("Recorded as a civil servant (ASN) but has no NIP in Dapodik")
    })
    .await;
    screenshots(&app, "75c-staff-data-problem-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;
    sign_out(&app).await;
    app.close().await.unwrap();

    // Fifth run: Siti sees the predikat and the observation, and the app tells her (a notification, seen
    // on the session bus): this device last looked for her before he decided, so it is news here.
    let bus = NotifyCalls::watch();
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "kinerja", "#kinerja-title").await;
    wait_text(&app, "#predikat", "her predikat", |t| t.contains("Baik")).await;
    let told = ["Predikat Anda: Baik.".to_owned()];
    bus.wait_for(&told, "a notification of her predikat").await;
    assert_eq!(bus.count_any(&told), 1, "told once");
    wait_text(&app, "#plan-feedback", "his feedback", |t| t.contains(FEEDBACK) && t.contains(BAMBANG_NAME))
        .await;
    let told = ["Kepala sekolah memberi umpan balik baru pada rencana kinerja Anda (1).".to_owned()];
    bus.wait_for(&told, "a notification of his feedback").await;
    assert_eq!(bus.count_any(&told), 1, "told once");
    wait_text(&app, "#observations", "her observation", |t| t.contains(OBS_CLASS)).await;
    screenshots(&app, "73-kinerja-predikat").await;
    // She writes her preparation for it; the server has it for her principal to read.
    type_into(&app, "#observations .obs-preparation", PREPARATION, "her preparation").await;
    press(&app, "#observations .save-preparation", "save it").await;
    let (api2, siti2) = (api, siti);
    eventually("her preparation reached the server", move || async move {
        let o: KinerjaOverview =
            api2.get_json(siti2, route::KINERJA, &[]).await.map_err(|e| e.to_string())?;
        o.observations
            .iter()
            .any(|x| x.preparation == PREPARATION)
            .then_some(())
            .ok_or_else(|| format!("{:?}", o.observations.iter().map(|x| &x.preparation).collect::<Vec<_>>()))
    })
    .await;

    // Leave the device as found: signed out, keyring empty (the next test starts from nothing).
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}

/// Sets an input's value and tells the page, as a date or time picker does when a value is picked
/// (typing into one depends on the webview's locale).
async fn set_value(app: &fantoccini::Client, css: &str, value: &str) {
    find(app, css, "a picker").await;
    let script = "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new Event('input', { bubbles: true }));";
    app.execute(script, vec![css.into(), value.into()]).await.unwrap();
}
