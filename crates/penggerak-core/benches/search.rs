//! Offline search benchmark (`cargo xtask bench`, or `cargo bench -p penggerak-core --bench search`): a
//! generated corpus of 10,000 sections of Indonesian text indexed as saving materials indexes them, then
//! the engine's search (FTS5, stems, ranking, snippets) against a `LIKE '%…%'` scan of the same rows, and
//! indexing one 6 MB module's text. Figures are printed; nothing is asserted about speed. Release build,
//! a real SQLite file. `SEARCH_BENCH_EACH=1` also prints each query's first time and how many groups it
//! found.

use penggerak_core::{Engine, MemoryStore};
use penggerak_types::ipc::SearchScope;
use penggerak_types::material::{Material, MaterialContent, MaterialKind, Section};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Instant;

/// Real Indonesian words of the trade: the first few are the commonest words of any text, the rest are
/// spread over the vocabulary's ranks below.
const REAL: &[&str] = &[
    "yang",
    "dan",
    "di",
    "untuk",
    "dengan",
    "dalam",
    "dapat",
    "setiap",
    "murid",
    "guru",
    "belajar",
    "kelas",
    "pembelajaran",
    "sekolah",
    "kegiatan",
    "kurikulum",
    "merdeka",
    "asesmen",
    "formatif",
    "sumatif",
    "diferensiasi",
    "berdiferensiasi",
    "mengajar",
    "pengajaran",
    "ajaran",
    "kebutuhan",
    "kesiapan",
    "minat",
    "profil",
    "pelajar",
    "pancasila",
    "projek",
    "penguatan",
    "literasi",
    "numerasi",
    "refleksi",
    "umpan",
    "balik",
    "tujuan",
    "capaian",
    "alur",
    "modul",
    "ajar",
    "perangkat",
    "lembar",
    "kerja",
    "diskusi",
    "kelompok",
    "mandiri",
    "bernalar",
    "kritis",
    "kreatif",
    "gotong",
    "royong",
    "berkebinekaan",
    "global",
    "orang",
    "tua",
    "komunitas",
    "praktik",
    "baik",
    "kepala",
    "pengawas",
    "supervisi",
    "akademik",
    "observasi",
    "rencana",
    "pelaksanaan",
    "evaluasi",
    "hasil",
    "nilai",
    "rapor",
    "portofolio",
    "proyek",
    "menyusun",
    "merancang",
    "mengembangkan",
    "pengembangan",
    "keprofesian",
    "berkelanjutan",
    "pelatihan",
    "lokakarya",
    "pendampingan",
    "coaching",
    "mentoring",
    "kolaborasi",
    "berkolaborasi",
    "inovasi",
    "teknologi",
    "digital",
    "platform",
    "sumber",
    "bacaan",
    "buku",
    "teks",
    "cerita",
    "matematika",
    "bahasa",
    "indonesia",
    "sains",
    "sosial",
    "seni",
    "budaya",
    "jasmani",
    "kesehatan",
    "lingkungan",
    "sampah",
    "kantin",
    "kebun",
    "air",
    "energi",
    "hemat",
    "pemetaan",
    "pemahaman",
    "keterampilan",
    "sikap",
    "karakter",
    "disiplin",
    "tanggung",
    "jawab",
    "kepemimpinan",
    "pemimpin",
    "visi",
    "misi",
    "fotosintesis",
    "ekosistem",
    "pecahan",
    "perkalian",
    "geometri",
    "puisi",
    "pantun",
    "wayang",
    "batik",
];
/// Words in the vocabulary: the real ones and, between them, made-up words of Indonesian syllables.
const VOCABULARY: usize = 6_000;

/// The vocabulary, most frequent first: `REAL`'s first 8 at the top, the others at roughly even steps of
/// rank (the 9th at about 12, the last near 4,500), made-up words in between.
fn vocabulary(rng: &mut StdRng) -> Vec<String> {
    const SYLLABLES: &[&str] = &[
        "ba", "ka", "ma", "na", "ra", "sa", "ta", "la", "pa", "da", "ga", "ja", "wa", "ya", "bi", "ki", "mi",
        "ni", "ri", "si", "ti", "li", "pi", "di", "bu", "ku", "mu", "nu", "ru", "su", "tu", "lu", "pu", "du",
        "be", "ke", "me", "ne", "re", "se", "te", "le", "pe", "de", "ang", "an", "ar", "as", "ung", "ah",
    ];
    let mut words: Vec<String> = Vec::with_capacity(VOCABULARY);
    let content = &REAL[8..];
    let step = 4_500 / content.len();
    while words.len() < VOCABULARY {
        let rank = words.len();
        let real = if rank < 8 {
            Some(REAL[rank])
        } else if rank >= 12 && (rank - 12).is_multiple_of(step) && (rank - 12) / step < content.len() {
            Some(content[(rank - 12) / step])
        } else {
            None
        };
        words.push(match real {
            Some(w) => w.to_owned(),
            None => (0..rng.gen_range(2..5)).map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())]).collect(),
        });
    }
    words
}

/// A word drawn by Zipf's law (rank r with probability ∝ 1/r), as words are in text.
fn word<'a>(rng: &mut StdRng, vocabulary: &'a [String]) -> &'a str {
    // The inverse of the continuous approximation: rank = N^u.
    let u: f64 = rng.gen();
    let rank = (vocabulary.len() as f64).powf(u) as usize;
    &vocabulary[rank.clamp(1, vocabulary.len()) - 1]
}

fn paragraph(rng: &mut StdRng, vocabulary: &[String], words: usize) -> String {
    let mut p = String::new();
    for i in 0..words {
        let w = word(rng, vocabulary);
        if i == 0 || p.ends_with(". ") {
            let mut c = w.chars();
            p.extend(c.next().map(|f| f.to_ascii_uppercase()));
            p.push_str(c.as_str());
        } else {
            p.push_str(w);
        }
        p.push_str(if i % 14 == 13 { ". " } else { " " });
    }
    p.trim_end().to_owned() + "."
}

fn material(id: &str, title: &str) -> Material {
    Material {
        id: id.into(),
        title: title.into(),
        kind: MaterialKind::Modul,
        topic: "Pedagogi".into(),
        jenjang: Vec::new(),
        summary: String::new(),
        updated: "2026-12-01".into(),
        content_size: 0,
        content_etag: "\"x\"".into(),
        files: Vec::new(),
    }
}

fn p(xs: &mut [f64], q: f64) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[((xs.len() as f64 - 1.0) * q).round() as usize]
}

#[tokio::main]
async fn main() {
    let mut rng = StdRng::seed_from_u64(20261202);
    let vocabulary = vocabulary(&mut rng);
    let dir = tempfile::tempdir().unwrap();
    let session =
        Engine::open(dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    let store = session.store();

    // 1. The corpus: 100 materials of 100 sections (~130 words each, drawn by Zipf's law from a vocabulary of
    //    6,000 words), indexed as saving them indexes them.
    let t = Instant::now();
    let mut bytes = 0usize;
    for m in 0..100 {
        let id = format!("bench-{m:03}");
        let sections: Vec<Section> = (0..100)
            .map(|s| Section {
                heading: format!(
                    "Bagian {}: {} {}",
                    s + 1,
                    word(&mut rng, &vocabulary),
                    word(&mut rng, &vocabulary)
                ),
                paragraphs: vec![paragraph(&mut rng, &vocabulary, 70), paragraph(&mut rng, &vocabulary, 60)],
            })
            .collect();
        bytes += sections.iter().map(|s| s.paragraphs.iter().map(String::len).sum::<usize>()).sum::<usize>();
        let content = MaterialContent { material_id: id.clone(), sections };
        store
            .index_saved_text(
                &material(&id, &format!("Modul {m}: {}", word(&mut rng, &vocabulary))),
                &content,
            )
            .await
            .unwrap();
    }
    let corpus_secs = t.elapsed().as_secs_f64();
    if let Some(to) = std::env::var_os("SEARCH_BENCH_KEEP") {
        store.copy_into(std::path::Path::new(&to)).await.unwrap();
    }
    let corpus_index = store.search_index_bytes().await.unwrap();

    // 2. Searches: common, rare, stems, prefixes, two words; each timed alone, the engine's whole call.
    let queries = [
        "murid",
        "pembelajaran",
        "diferensiasi",
        "mengajar",
        "ajar",
        "fotosintesis",
        "wayang batik",
        "asesmen formatif",
        "kurikulum merdeka",
        "refleksi",
        "pantun",
        "difer",
        "kolab",
        "pemetaan kebutuhan",
        "geometri pecahan",
        "literasi",
        "profil pelajar pancasila",
        "kebun sampah",
        "coach",
        "evaluasi hasil",
    ];
    let mut fts = Vec::new();
    let mut found = 0usize;
    for _ in 0..10 {
        for q in queries {
            let t = Instant::now();
            let r = session.search(q, SearchScope::Materials).await.unwrap();
            fts.push(t.elapsed().as_secs_f64() * 1000.0);
            if std::env::var_os("SEARCH_BENCH_EACH").is_some() && fts.len() <= queries.len() {
                eprintln!("  {q:<28} {:>7.2} ms  {} groups", fts.last().unwrap(), r.groups.len());
            }
            found += r.groups.len();
        }
    }
    assert!(found > 0, "the searches found something");
    // The same words looked up in the index alone, and by a LIKE scan of every row (which can neither
    // stem nor rank, so it does less): each query's five lookups in a row, then its five scans. Not
    // alternating: each scan reads 8 MiB through SQLite's 2 MiB page cache, so a lookup right after one
    // would find the index out of that cache (a rare word's lookup measured that way took about three
    // times as long), and a teacher's searches follow each other, not scans.
    let (mut lookup, mut like) = (Vec::new(), Vec::new());
    // Each query's own times too: how far the index is ahead depends on how many rows a word is in.
    let mut each: Vec<(&str, Vec<f64>, Vec<f64>)> =
        queries.iter().map(|q| (*q, Vec::new(), Vec::new())).collect();
    for (q, own_lookup, own_like) in &mut each {
        for _ in 0..5 {
            let t = Instant::now();
            store.index_lookup(q).await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            lookup.push(ms);
            own_lookup.push(ms);
        }
        let w = q.split_whitespace().next().unwrap();
        for _ in 0..5 {
            let t = Instant::now();
            let n = store.like_scan(w).await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            like.push(ms);
            own_like.push(ms);
            assert!(n > 0 || w == "coach" || w == "kolab" || w == "difer", "the scan found `{w}`");
        }
    }
    let mut empty = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        store.empty_query().await.unwrap();
        empty.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (fts_p50, fts_p95) = (p(&mut fts, 0.5), p(&mut fts, 0.95));
    let (lookup_p50, lookup_p95) = (p(&mut lookup, 0.5), p(&mut lookup, 0.95));
    let (like_p50, like_p95) = (p(&mut like, 0.5), p(&mut like, 0.95));

    // 3. One 6 MB module's text, indexed alone in a fresh store.
    let dir6 = tempfile::tempdir().unwrap();
    let six =
        Engine::open(dir6.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    let mut sections = Vec::new();
    let mut text_bytes = 0usize;
    while text_bytes < 6 * 1024 * 1024 {
        let s = Section {
            heading: format!("Bagian {}", sections.len() + 1),
            paragraphs: vec![paragraph(&mut rng, &vocabulary, 200)],
        };
        text_bytes += s.paragraphs[0].len();
        sections.push(s);
    }
    let n_sections = sections.len();
    let content = MaterialContent { material_id: "modul-6mb".into(), sections };
    let t = Instant::now();
    six.store().index_saved_text(&material("modul-6mb", "Modul besar"), &content).await.unwrap();
    let six_secs = t.elapsed().as_secs_f64();
    let six_index = six.store().search_index_bytes().await.unwrap();

    let mib = |b: f64| b / 1024.0 / 1024.0;
    println!("search figures (release, a real SQLite file):");
    println!(
        "  corpus: 10,000 sections, {:.1} MiB of text, indexed in {corpus_secs:.2} s; index {:.1} MiB",
        mib(bytes as f64),
        mib(corpus_index as f64)
    );
    println!(
        "  the engine's search (FTS5, stems, bm25, groups, snippets), {} runs   p50 {fts_p50:>7.2} ms   p95 {fts_p95:>7.2} ms",
        fts.len()
    );
    println!(
        "  its index lookup alone (MATCH, bm25, best {}), {} runs             p50 {lookup_p50:>7.2} ms   p95 {lookup_p95:>7.2} ms",
        200,
        lookup.len()
    );
    println!(
        "  LIKE '%word%' scan of the same rows, {} runs                       p50 {like_p50:>7.2} ms   p95 {like_p95:>7.2} ms",
        like.len()
    );
    println!(
        "  the LIKE scan takes {:.0}x the index lookup at p50 ({:.0}x at p95) and {:.0}x the whole search ({:.0}x)",
        like_p50 / lookup_p50,
        like_p95 / lookup_p95,
        like_p50 / fts_p50,
        like_p95 / fts_p95
    );
    println!(
        "  a query that reads nothing (SELECT 1) through the same pool, 100 runs  p50 {:>7.3} ms   p95 {:>7.3} ms",
        p(&mut empty, 0.5),
        p(&mut empty, 0.95)
    );
    println!("  each query, median of 5: index lookup, LIKE scan of its first word, and their ratio");
    let mut hundredfold = 0;
    for (q, own_lookup, own_like) in &mut each {
        let (a, b) = (p(own_lookup, 0.5), p(own_like, 0.5));
        hundredfold += usize::from(b / a >= 100.0);
        println!("    {q:<28} {a:>7.3} ms  {b:>7.2} ms  {:>5.0}x", b / a);
    }
    println!("  the index lookup is at least 100x the LIKE scan for {hundredfold} of {} queries", each.len());
    println!(
        "  index a 6 MB module's text ({:.1} MiB, {n_sections} sections): {six_secs:.2} s; index {:.1} MiB",
        mib(text_bytes as f64),
        mib(six_index as f64)
    );
}
