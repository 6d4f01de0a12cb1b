//! Communities in the real app, against a server that goes away: Siti browses and searches the
//! communities, opens one she is not in, and joins it while the server is stopped — the join shows at once,
//! counted and marked as waiting; the server comes back, she syncs, the mark goes and the server counts her
//! once. On the way: the Status GP timeline and the Pengaturan page (its data use growing with a sync),
//! each screenshotted at both sizes.

use penggerak_client::ApiClient;
use penggerak_core::{KeyringStore, TokenStore};
use penggerak_e2e::{
    absent, answer_save_dialog, eventually, find, ids_of, open, press, screenshots, sign_out, type_into,
    wait_text, Driver,
};
use penggerak_testkit::DEMO_PASSWORD;
use penggerak_types::api::{CommunityDetail, CommunitySummary};
use penggerak_types::route;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_a_community_with_the_server_stopped_then_sync_when_it_is_back() {
    let mut server = penggerak_e2e::start_server();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let all: Vec<CommunitySummary> = client.get_json(&token, route::COMMUNITIES, &[]).await.unwrap();
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
    // What the search should show, worked out from the server's records with the rule the page states:
    // every word typed, case folded, in the name, topic, description, regency or lead's name.
    let mut details = Vec::new();
    for c in &all {
        let d: CommunityDetail = client.get_json(&token, route::COMMUNITY, &[&c.id]).await.unwrap();
        details.push(d);
    }
    let matching = |q: &str, jenjang: Option<&str>| -> Vec<String> {
        let mut ids: Vec<String> = details
            .iter()
            .filter(|d| {
                let s = &d.summary;
                let hay = format!("{} {} {} {} {}", s.name, s.topic, d.description, s.regency, d.lead_name)
                    .to_lowercase();
                q.to_lowercase().split_whitespace().all(|w| hay.contains(w))
                    && jenjang.is_none_or(|j| s.jenjang == j)
            })
            .map(|d| d.summary.id.clone())
            .collect();
        ids.sort();
        ids
    };
    // A word of the target's name that narrows the list (typed in capitals: the case is folded).
    let word = target
        .name
        .split_whitespace()
        .map(str::to_uppercase)
        .find(|w| matching(w, None).len() < all.len())
        .expect("a word of the community's name that not every community has");
    let expected = matching(&word, None);
    assert!(expected.contains(&target.id), "the target matches its own name");
    type_into(&app, "#community-search", &word, "search").await;
    let rows = "#all-communities .community";
    eventually(&format!("the search for {word:?} shows exactly the matching communities"), || async {
        let shown = ids_of(&app, rows).await;
        (shown == expected).then_some(()).ok_or_else(|| format!("shown {shown:?}, expected {expected:?}"))
    })
    .await;
    // The jenjang filter narrows the search further, to the matches of that jenjang only.
    let option = format!("#filter-jenjang option[value='{}']", target.jenjang);
    press(&app, &option, "the jenjang filter").await;
    let expected = matching(&word, Some(&target.jenjang));
    assert!(expected.contains(&target.id), "the target is of its own jenjang");
    eventually(&format!("the search with jenjang {} shows its matches only", target.jenjang), || async {
        let shown = ids_of(&app, rows).await;
        (shown == expected).then_some(()).ok_or_else(|| format!("shown {shown:?}, expected {expected:?}"))
    })
    .await;
    screenshots(&app, "22-komunitas-cari").await;

    // Its page; then the server goes away and she joins.
    let link = format!("#all-communities .community[data-id='{}'] a", target.id);
    press(&app, &link, "the community's link").await;
    wait_text(&app, "#community-title", "the community's page", |t| t == target.name).await;
    let before = target.member_count;
    wait_text(&app, "#community-members", "member count", |t| t.starts_with(&format!("{before} "))).await;
    server.stop();
    press(&app, "#join", "join button").await;
    find(&app, "#community-pending", "marked as waiting").await;
    wait_text(&app, "#community-members", "counted at once", |t| t.starts_with(&format!("{} ", before + 1)))
        .await;
    wait_text(&app, "#sync-line", "the join waits", |t| t.contains("1 perubahan menunggu")).await;
    find(&app, "#leave", "now a member: the leave button").await;
    screenshots(&app, "23-komunitas-menunggu").await;

    // The server is back: sync, the mark goes, the server counts her once.
    server.restart();
    press(&app, "#sync-now", "sync button").await;
    wait_text(&app, "#sync-line", "synced", |t| {
        t.contains("Terakhir disinkronkan") && !t.contains("menunggu")
    })
    .await;
    wait_text(&app, ".community-page", "no longer waiting", |t| !t.contains("Menunggu dikirim")).await;
    wait_text(&app, "#community-members", "the server's count", |t| {
        t.starts_with(&format!("{} ", before + 1))
    })
    .await;
    screenshots(&app, "24-komunitas-tersinkron").await;
    // A community she leads: no button to leave it (the server refuses a lead's leaving, so a button would
    // only bring a refusal later), and the page says why.
    let led =
        details.iter().find(|d| d.lead_name == "Siti Rahayu, S.Pd.").expect("the demo has her lead one");
    open(&app, "komunitas", "#komunitas-title").await;
    let led_link = format!("#all-communities .community[data-id='{}'] a", led.summary.id);
    press(&app, &led_link, "the community she leads").await;
    wait_text(&app, "#community-title", "its page", |t| t == led.summary.name).await;
    wait_text(&app, "#community-you-lead", "why there is no leave button", |t| {
        t == "Anda penggerak komunitas ini, jadi tetap menjadi anggotanya."
    })
    .await;
    absent(&app, "#leave", "no way to leave the community she leads").await;
    screenshots(&app, "24b-komunitas-dipimpin").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-en", "the English choice").await;
    open(&app, "komunitas", "#komunitas-title").await;
    press(&app, &led_link, "the community she leads, in English").await;
    wait_text(&app, "#community-you-lead", "the line in English", |t| {
        t == "You lead this community, so you stay a member."
    })
    .await;
    screenshots(&app, "24b-komunitas-dipimpin-en").await;
    open(&app, "settings", "#settings-title").await;
    press(&app, "#language-id", "the Indonesian choice").await;
    wait_text(&app, "#settings-title", "back in Indonesian", |t| t == "Pengaturan").await;
    let detail: CommunityDetail = client.get_json(&token, route::COMMUNITY, &[&target.id]).await.unwrap();
    assert!(detail.summary.is_member, "the server has her membership");
    assert_eq!(detail.summary.member_count, before + 1, "counted once, not once per retry");

    // An online meeting's https link opens in the device's browser (the harness's opener records what the
    // app handed the system): a community with one, found from the server's records.
    let (online, url) = details
        .iter()
        .find_map(|d| {
            let link = d.upcoming_events.iter().find_map(|e| e.link.clone())?;
            Some((d.summary.id.clone(), link))
        })
        .expect("the demo data has an online meeting");
    assert!(url.starts_with("https://"), "the demo's meetings are https: {url}");
    open(&app, "komunitas", "#komunitas-title").await;
    press(&app, &format!("#all-communities .community[data-id='{online}'] a"), "its community").await;
    press(&app, &format!("#community-events .event-link[data-url='{url}']"), "the meeting's link").await;
    let wanted = url.clone();
    eventually("the link handed to the device's browser", || async {
        let opened = driver.opened();
        if opened.contains(&wanted) {
            Ok(())
        } else {
            Err(format!("opened so far: {opened:?}"))
        }
    })
    .await;

    // Pengaturan shows the server and that nothing waits; sign out from there.
    open(&app, "settings", "#settings-title").await;
    wait_text(&app, "#settings-server", "the server address", |t| t == server.base_url()).await;
    wait_text(&app, "#settings-waiting", "nothing waits", |t| t == "0").await;
    // Data use: this month's figure from the engine's meter. Sign-in, a first sync and a join come to tens
    // of kilobytes (compressed), and the figure grows with the next sync (each sends a few hundred bytes).
    let used = wait_text(&app, "#data-use", "this month's data use", |t| t.starts_with("Bulan ini:")).await;
    assert!(
        used.contains(" (unduh ") && used.contains(" KB · unggah ") && used.ends_with(')'),
        "kilobytes: {used}"
    );
    screenshots(&app, "25-pengaturan").await;
    // App updates: this end-to-end build carries no update key, and says so (the updater's own test is
    // src-tauri/tests/updater.rs, against a server over https).
    wait_text(&app, "#update-state", "what the update check found", |t| t.contains("pengembangan")).await;
    penggerak_e2e::screenshots_of(&app, "25-pembaruan", Some("#update-check")).await;
    // On a phone the data use is below the fold: its own screenshot.
    penggerak_e2e::screenshots_of(&app, "26-pemakaian-data", Some("#data-use")).await;
    press(&app, "#settings-sync-now", "the sync button").await;
    wait_text(&app, "#data-use", "the figure grows with a sync", |t| t != used).await;
    sign_out(&app).await;
    app.close().await.unwrap();
    assert!(KeyringStore::app().load().unwrap().is_none(), "sign-out removed the keyring entry");
}

/// "Saya hadir" in the real app: Siti opens a community of hers whose meeting was ten days ago and says
/// she was there while the server is stopped — it shows at once, counted and waiting; the server comes
/// back, she syncs, and the server has her attendance and counts her once. On the way she saves the next
/// meeting to a calendar file, which is read back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saya_hadir_with_the_server_stopped_then_counted_once_synced() {
    use penggerak_client::SyncAnswer;
    use penggerak_types::api::{Attendance, CommunityEventRecord};
    use penggerak_types::RecordKind;
    let mut server = penggerak_e2e::start_server();
    let client = ApiClient::new(&server.base_url()).unwrap();
    let token = client.login("3471765432100001", DEMO_PASSWORD).await.unwrap().tokens.access_token;
    let kom: CommunityDetail = client.get_json(&token, route::COMMUNITY, &["kom-02"]).await.unwrap();
    assert!(kom.summary.is_member, "the demo has Siti in kom-02");
    let next = kom.upcoming_events.first().expect("kom-02 has a meeting coming").clone();

    let driver = Driver::start(&server.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "komunitas", "#komunitas-title").await;
    press(&app, "#all-communities .community[data-id='kom-02'] a", "kom-02's link").await;
    wait_text(&app, "#community-title", "its page", |t| t == kom.summary.name).await;
    let past = "#community-past-events li[data-event='kom-02-ev1']";
    wait_text(&app, past, "the meeting ten days ago, its lead there", |t| t.contains("Hadir: 1")).await;
    absent(&app, "#community-events .attend", "no 'Saya hadir' on what has not begun").await;

    // The next meeting to her calendar: the file she chose, read back as a calendar program would.
    let out = tempfile::tempdir().unwrap();
    let ics = out.path().join("kegiatan.ics");
    let add = format!("#community-events li[data-event='{}'] .event-to-calendar", next.id);
    press(&app, &add, "Tambah ke kalender").await;
    answer_save_dialog("Simpan kegiatan ke kalender", &ics).await;
    wait_text(&app, "#event-said", "saved", |t| t.starts_with("Tersimpan.")).await;
    let text = std::fs::read_to_string(&ics).expect("the app wrote the calendar file where she chose");
    let calendar: icalendar::Calendar = text.parse().expect("a calendar file other programs can read");
    let events: Vec<_> = calendar.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 1, "one event: {text}");
    {
        use icalendar::{Component, EventLike};
        assert_eq!(events[0].get_summary(), Some(next.title.as_str()));
        let starts =
            time::OffsetDateTime::parse(&next.starts_at, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp();
        match events[0].get_start() {
            Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => {
                assert_eq!(t.timestamp(), starts, "at the meeting's time");
            }
            other => panic!("a meeting has a time in UTC (any calendar shows it in its own zone): {other:?}"),
        }
        assert!(events[0].get_location().is_some(), "it says where: {text}");
    }

    // Offline, she says she was there: at once, counted, waiting.
    server.stop();
    press(&app, &format!("{past} .attend"), "Saya hadir").await;
    wait_text(&app, past, "counted at once, waiting", |t| {
        t.contains("Anda hadir") && t.contains("Hadir: 2") && t.contains("Menunggu dikirim")
    })
    .await;
    wait_text(&app, "#sync-line", "the attendance waits", |t| t.contains("1 perubahan menunggu")).await;
    find(&app, &format!("{past} .unattend"), "a wrong tap can be taken back").await;
    penggerak_e2e::screenshots_of(&app, "27-komunitas-hadir", Some(past)).await;

    server.restart();
    press(&app, "#sync-now", "sync button").await;
    wait_text(&app, "#sync-line", "synced", |t| {
        t.contains("Terakhir disinkronkan") && !t.contains("menunggu")
    })
    .await;
    wait_text(&app, past, "no longer waiting, the server's count", |t| {
        t.contains("Anda hadir") && t.contains("Hadir: 2") && !t.contains("Menunggu dikirim")
    })
    .await;
    penggerak_e2e::screenshots_of(&app, "28-komunitas-hadir-tersinkron", Some(past)).await;

    // The server's records, read as her feed: her attendance, and the meeting counting her once.
    let (mut records, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let SyncAnswer::Page { page, .. } =
            client.sync(&token, cursor.as_deref(), None, Some(1000)).await.unwrap()
        else {
            panic!("a full sync has a page");
        };
        records.extend(page.records);
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    let find_record = |kind, id: &str| records.iter().rev().find(|r| r.kind == kind && r.id == id).cloned();
    let attendance: Attendance = find_record(RecordKind::Attendance, "kom-02-ev1:guru-siti")
        .expect("the server has her attendance")
        .parse()
        .unwrap();
    assert_eq!(attendance.community_id, "kom-02");
    let event: CommunityEventRecord =
        find_record(RecordKind::CommunityEvent, "kom-02-ev1").unwrap().parse().unwrap();
    assert_eq!(event.event.attendee_count, 2, "the lead and Siti: counted once, not once per retry");
    sign_out(&app).await;
    app.close().await.unwrap();
}
