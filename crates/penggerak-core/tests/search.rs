//! Offline search against the real reference server (materials published as an importer would) and a
//! real SQLite file: Indonesian words found by stem, prefix and without their diacritics; ranking; the
//! index following new versions and removals; anything typed is a plain search.

use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, TestServer};
use penggerak_types::ipc::{SearchGroup, SearchResults, SearchScope, SearchTarget};
use penggerak_types::material::{Material, MaterialContent, MaterialKind, Section};
use std::sync::Arc;

const SITI: &str = "3471765432100001";

fn material(id: &str, title: &str, summary: &str) -> Material {
    Material {
        id: id.into(),
        title: title.into(),
        kind: MaterialKind::Modul,
        topic: "Pedagogi".into(),
        jenjang: vec!["SD".into()],
        summary: summary.into(),
        updated: "2026-11-30".into(),
        content_size: 0,
        content_etag: String::new(),
        files: Vec::new(),
    }
}

/// A text of `n` sections of filler about other things, with `deep` as a paragraph of section `at`.
fn content(id: &str, n: usize, at: usize, deep: &str) -> MaterialContent {
    let sections = (0..n)
        .map(|i| Section {
            heading: format!("Bagian {}", i + 1),
            paragraphs: if i == at {
                vec!["Bagian ini melanjutkan yang sebelumnya.".into(), deep.into()]
            } else {
                vec![format!(
                    "Pada bagian {} kita membahas kegiatan harian di sekolah, jadwal piket, dan tata tertib \
                     kelas yang disepakati bersama orang tua murid.",
                    i + 1
                )]
            },
        })
        .collect();
    MaterialContent { material_id: id.into(), sections }
}

fn ids(r: &SearchResults) -> Vec<String> {
    r.groups
        .iter()
        .map(|g| match &g.target {
            SearchTarget::Material { id } | SearchTarget::Community { id } => id.clone(),
            SearchTarget::PkbItem { id, .. } | SearchTarget::PerformancePlan { id, .. } => id.clone(),
        })
        .collect()
}

fn group<'a>(r: &'a SearchResults, id: &str) -> Option<&'a SearchGroup> {
    r.groups.iter().find(|g| matches!(&g.target, SearchTarget::Material { id: m } if m == id))
}

/// The words marked in the first hit of material `id`.
fn marked(r: &SearchResults, id: &str) -> Vec<String> {
    let g = group(r, id).unwrap_or_else(|| panic!("{id} is among the results: {r:#?}"));
    g.hits[0].snippet.iter().filter(|p| p.hit).map(|p| p.text.clone()).collect()
}

async fn signed_in(server: &TestServer, dir: &std::path::Path) -> Arc<Engine> {
    let session =
        Arc::new(Engine::open(dir, Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap());
    session.sign_in(demo_sign_in(SITI, &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    session
}

const DEEP: &str = "Guru melakukan pengajaran dengan pendekatan diferensiasi sesuai Kurikulum Merdéka, \
                    memperhatikan kesiapan belajar setiap murid.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_deep_in_a_saved_text_are_found_by_stem_prefix_and_without_diacritics() {
    let mut server = TestServer::start();
    server.publish_material(
        material("cari-1", "Tata Tertib Kelas", "Kesepakatan kelas bersama murid."),
        &content("cari-1", 12, 9, DEEP),
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    let before = session.search("mengajar", SearchScope::Materials).await.unwrap();
    assert!(
        group(&before, "cari-1").is_none(),
        "the text is not on the device yet, so not searched: {before:#?}"
    );
    session.save_material("cari-1").await.unwrap();
    server.stop(); // everything below is the device alone

    for (query, why) in [
        ("mengajar", "mengajar and pengajaran share the stem ajar"),
        ("ajar", "the root finds pengajaran"),
        ("PENGAJARAN", "case folded"),
        ("diferen", "a prefix of diferensiasi"),
        ("merdeka", "the text's Merdéka, diacritic folded"),
        ("merdéka kurikulum", "a query's diacritics folded too, words in any order"),
        ("kesiapan murid", "every word must be there, not side by side"),
    ] {
        let r = session.search(query, SearchScope::Materials).await.unwrap();
        let g =
            group(&r, "cari-1").unwrap_or_else(|| panic!("`{query}` finds the deep section ({why}): {r:#?}"));
        assert_eq!(g.hits[0].section, Some(9), "`{query}` opens the section it is in ({why})");
        assert_eq!(g.hits[0].heading, "Bagian 10");
        assert_eq!(g.title, "Tata Tertib Kelas", "grouped under the material's title");
    }
    assert_eq!(
        marked(&session.search("mengajar", SearchScope::Materials).await.unwrap(), "cari-1"),
        ["pengajaran", "belajar"],
        "the matching words are marked in the sentence: both have the root ajar"
    );
    assert_eq!(
        marked(&session.search("merdeka diferen", SearchScope::Materials).await.unwrap(), "cari-1"),
        ["diferensiasi", "Merdéka"],
        "marked as written in the text"
    );
    let none = session.search("fotosintesis", SearchScope::Materials).await.unwrap();
    assert!(group(&none, "cari-1").is_none(), "a word the text lacks finds nothing: {none:#?}");

    // Whatever FTS5 syntax is typed, it is a plain search: never an error.
    for query in [
        "\"diferensiasi",
        "diferensiasi*",
        "-diferensiasi",
        "diferensiasi NOT",
        "NEAR(diferensiasi",
        "^diferensiasi",
        "diferensiasi:",
        "(",
        "\"",
        "*",
        "AND OR NOT",
        "diferensiasi AND",
    ] {
        let r = session.search(query, SearchScope::Materials).await;
        let r = r.unwrap_or_else(|e| panic!("`{query}` is a plain search, not an error: {e:?}"));
        if query.contains("diferensiasi")
            && !query.contains("NOT")
            && !query.contains("NEAR")
            && !query.contains("AND")
        {
            assert!(group(&r, "cari-1").is_some(), "`{query}` is the word diferensiasi: {r:#?}");
        }
    }
    let near = session.search("NEAR(diferensiasi", SearchScope::Materials).await.unwrap();
    assert!(group(&near, "cari-1").is_none(), "NEAR is a word to look for here, and the text lacks it");
    let empty = session.search("  ?!  ", SearchScope::Materials).await.unwrap();
    assert!(empty.groups.is_empty(), "no letters, no search");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_hit_ranks_above_a_passing_mention() {
    let server = TestServer::start();
    server.publish_material(
        material("cari-a", "Asesmen Formatif di Kelas", "Cara menilai selama belajar."),
        &content("cari-a", 4, 2, "Contoh lembar kerja."),
        &[],
    );
    server.publish_material(
        material("cari-b", "Tata Tertib Kelas", "Kesepakatan kelas bersama murid."),
        &content(
            "cari-b",
            30,
            20,
            "Sekali lagi tentang asesmen, lalu kita beralih ke topik lain yang panjang sekali.",
        ),
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    session.save_material("cari-a").await.unwrap();
    session.save_material("cari-b").await.unwrap();
    let r = session.search("asesmen", SearchScope::Materials).await.unwrap();
    let order = ids(&r);
    let (a, b) = (
        order.iter().position(|i| i == "cari-a").expect("the title hit is found"),
        order.iter().position(|i| i == "cari-b").expect("the passing mention is found"),
    );
    assert!(a < b, "the material titled Asesmen comes before a passing mention: {order:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_a_new_version_a_new_title_and_a_removal() {
    let server = TestServer::start();
    let first = server.publish_material(
        material("cari-v", "Projek Penguatan Profil Pelajar", "Panduan projek."),
        &content("cari-v", 6, 4, DEEP),
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    session.save_material("cari-v").await.unwrap();
    assert!(group(&session.search("pengajaran", SearchScope::Materials).await.unwrap(), "cari-v").is_some());

    // A new version: the deep word is gone, another came, and the title changed.
    let mut next = first.clone();
    next.title = "Projek Kewirausahaan Sekolah".into();
    server.publish_material(
        next,
        &content("cari-v", 6, 3, "Murid menyusun rencana usaha kantin sekolah."),
        &[],
    );
    session.sync_now().await.unwrap();
    let title = session.search("kewirausahaan", SearchScope::Materials).await.unwrap();
    assert!(group(&title, "cari-v").is_some(), "the synced catalogue's new title is searched: {title:#?}");
    let old_title = session.search("penguatan profil", SearchScope::Materials).await.unwrap();
    assert!(group(&old_title, "cari-v").is_none(), "the old title is no hit any more: {old_title:#?}");
    session.save_material("cari-v").await.unwrap();
    let gone = session.search("pengajaran", SearchScope::Materials).await.unwrap();
    assert!(group(&gone, "cari-v").is_none(), "the old version's text is no hit any more: {gone:#?}");
    let new = session.search("kantin", SearchScope::Materials).await.unwrap();
    assert_eq!(group(&new, "cari-v").map(|g| g.hits[0].section), Some(Some(3)), "the new text is: {new:#?}");

    // Removed: its text is no hit; the catalogue entry still is (it is still listed).
    session.remove_material("cari-v").await.unwrap();
    let removed = session.search("kantin", SearchScope::Materials).await.unwrap();
    assert!(group(&removed, "cari-v").is_none(), "a removed text is no hit: {removed:#?}");
    let listed = session.search("kewirausahaan", SearchScope::Materials).await.unwrap();
    assert_eq!(
        group(&listed, "cari-v").map(|g| g.hits[0].section),
        Some(None),
        "the catalogue entry is still found, with no section to open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_search_finds_communities_and_plan_items_too() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    let community =
        session.communities().await.unwrap().communities.into_iter().next().expect("a demo community");
    let word = community.community.name.split_whitespace().max_by_key(|w| w.len()).unwrap().to_owned();
    let everything = session.search(&word, SearchScope::Everything).await.unwrap();
    assert!(
        everything
            .groups
            .iter()
            .any(|g| g.target == SearchTarget::Community { id: community.community.id.clone() }),
        "`{word}` finds the community {}: {everything:#?}",
        community.community.name
    );
    let materials = session.search(&word, SearchScope::Materials).await.unwrap();
    assert!(
        !materials.groups.iter().any(|g| matches!(g.target, SearchTarget::Community { .. })),
        "the materials' search is materials only"
    );
    let item = session.pkb().await.unwrap().items.into_iter().next().expect("a demo plan item");
    let word = item.item.title.split_whitespace().max_by_key(|w| w.len()).unwrap().to_owned();
    let r = session.search(&word, SearchScope::Everything).await.unwrap();
    assert!(
        r.groups.iter().any(|g| g.target == SearchTarget::PkbItem { id: item.item.id.clone(), owner: None }),
        "`{word}` finds her own plan item {}: {r:#?}",
        item.item.title
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_made_on_the_device_is_searched_at_once_and_again_after_the_next() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    let item = session.pkb().await.unwrap().items.into_iter().next().expect("a demo plan item").item;
    let edit = |title: &str| penggerak_types::ipc::Action::EditPkbItem {
        id: item.id.clone(),
        patch: penggerak_types::pkb::PkbItemPatch { title: Some(title.into()), ..Default::default() },
    };
    let mine = SearchTarget::PkbItem { id: item.id.clone(), owner: None };
    let finds = |r: &SearchResults| r.groups.iter().any(|g| g.target == mine);
    // Two edits of one record before any search (the second marks a record already marked), then a
    // third after one: each applied and queued with its index mark in the same transaction.
    session.act(edit("Kelas Kewirausahaan Pertama")).await.expect("the first edit is taken");
    session.act(edit("Kelas Kewirausahaan Kedua")).await.expect("a second edit of a marked record is taken");
    assert!(finds(&session.search("kewirausahaan kedua", SearchScope::Everything).await.unwrap()));
    assert!(
        !finds(&session.search("pertama kewirausahaan", SearchScope::Everything).await.unwrap()),
        "the old title is gone"
    );
    session.act(edit("Lokakarya Batik Tulis")).await.expect("an edit after a search is taken");
    assert!(
        finds(&session.search("batik", SearchScope::Everything).await.unwrap()),
        "the latest title is searched"
    );
    assert!(!finds(&session.search("kewirausahaan", SearchScope::Everything).await.unwrap()), "no stale hit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn her_performance_plan_is_found_by_the_words_of_its_results_and_indicators() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    let plan = session.kinerja().await.unwrap().plan.expect("Siti has a demo performance plan");
    let result = plan.results.first().expect("the demo plan has a planned result (RHK)");
    let indicator = result.indicators.first().expect("the demo result has an indicator");
    let mine = SearchTarget::PerformancePlan { id: plan.id.clone(), owner: None };
    // A result's and an indicator's whole wording (every word must be in one row): only her plan holds both.
    for words in [&result.text, indicator] {
        let r = session.search(words, SearchScope::Everything).await.unwrap();
        assert!(
            r.groups.iter().any(|g| g.target == mine),
            "`{words}`, written in her plan, finds the plan: {r:#?}"
        );
        let m = session.search(words, SearchScope::Materials).await.unwrap();
        assert!(!m.groups.iter().any(|g| g.target == mine), "the materials' search leaves her plan out");
    }
}

/// A search after a sync that brought many records brings the index up to date a batch at a time: the
/// store's one writer is free between batches, so her change or the draft she types meanwhile waits a
/// batch, not the whole refresh (20,000 catalogue records here; on a cheap phone a whole refresh in one
/// transaction outlasted the 5 s a write waits, and the change or the draft failed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_that_brings_many_records_into_the_index_lets_other_writes_in() {
    use sqlx::Connection;
    const MANY: usize = 20_000;
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let session = signed_in(&server, dir.path()).await;
    // The records as a sync writes them (the store's triggers mark each for the index).
    let mut sync = penggerak_core::testing::another_connection(dir.path()).await;
    let mut tx = sync.begin().await.unwrap();
    for i in 0..MANY {
        let m = material(&format!("latihan-{i}"), &format!("Modul latihan numerasi {i}"), "Latihan soal.");
        sqlx::query("INSERT INTO records (kind, id, data, server_version, server_data) VALUES ('material', ?, ?, 1, ?)")
            .bind(&m.id)
            .bind(serde_json::to_string(&m).unwrap())
            .bind(serde_json::to_string(&m).unwrap())
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // Another writer (as her typing is), which waits at most 2 s for the store (the app's writes 5 s).
    let mut other = penggerak_core::testing::another_connection(dir.path()).await;
    sqlx::query("PRAGMA busy_timeout = 2000").execute(&mut other).await.unwrap();
    sqlx::query("CREATE TABLE typed_meanwhile (n INTEGER)").execute(&mut other).await.unwrap();

    let searching = {
        let session = session.clone();
        tokio::spawn(async move { session.search("numerasi", SearchScope::Everything).await })
    };
    let mut writes = 0;
    while !searching.is_finished() {
        sqlx::query("INSERT INTO typed_meanwhile (n) VALUES (?)")
            .bind(writes)
            .execute(&mut other)
            .await
            .unwrap_or_else(|e| panic!("a write waited more than 2 s while the search indexed: {e}"));
        writes += 1;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let found = searching.await.unwrap().expect("the search");
    assert!(found.groups.len() > 10, "the records it indexed are found: {} groups", found.groups.len());
    assert!(
        writes >= 3,
        "writes were made while it indexed ({writes}): the search took long enough to matter"
    );
    let (left,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM search_dirty").fetch_one(&mut other).await.unwrap();
    assert_eq!(left, 0, "every record is in the index");
}
