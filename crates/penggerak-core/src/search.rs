//! Offline search (`migrations/0010_search.sql`): one SQLite FTS5 index over the catalogue, the text of
//! saved materials by section, communities, development-plan items and performance plans.
//!
//! Indonesian-aware without teaching SQLite Indonesian: every word is folded here (Unicode NFD with the
//! combining marks dropped, then lowercase) and indexed followed by its stem from the Sastrawi stemmer
//! (Nazief–Adriani with a root-word dictionary: "mengajar", "pengajaran" and "ajar" share "ajar"). A query
//! is folded and stemmed the same way and every word becomes `("word"* OR "stem"*)`, so prefixes match too;
//! words are letters and digits only and quoted, so nothing typed is ever FTS5 syntax. Ranked by bm25 with
//! titles weighing [`TITLE_WEIGHT`] times the text. Snippets are cut here from the original text, the
//! matched words marked.
//!
//! The index follows the data in the same transaction: a saved material's sections are indexed by the
//! transaction that saves its text and dropped by the one that removes it; records are marked by triggers
//! in whatever transaction changes them and re-indexed before the next search reads (so no write path
//! can forget the index, and no search sees a stale hit).

use crate::{CoreError, Engine};
use penggerak_types::api::Community;
use penggerak_types::ipc::{SearchGroup, SearchHit, SearchResults, SearchScope, SearchTarget, SnippetPiece};
use penggerak_types::kinerja::PerformancePlan;
use penggerak_types::limits;
use penggerak_types::material::{Material, MaterialContent};
use penggerak_types::pkb::PkbItem;
use penggerak_types::RecordKind;
use sqlx::SqliteConnection;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// How much more a word in a title counts than one in the text (bm25 column weight).
pub const TITLE_WEIGHT: f64 = 10.0;
/// Rows read from the index per search, before grouping.
const ROWS: i64 = 200;
/// Longer words are indexed as they are, not stemmed (no Indonesian word is this long).
const STEM_CHARS: usize = 30;

fn stemmer() -> &'static sastrawi::Stemmer<'static> {
    static DICTIONARY: OnceLock<sastrawi::Dictionary> = OnceLock::new();
    static STEMMER: OnceLock<sastrawi::Stemmer<'static>> = OnceLock::new();
    STEMMER.get_or_init(|| sastrawi::Stemmer::new(DICTIONARY.get_or_init(sastrawi::Dictionary::new)))
}

/// `word` folded: decomposed, combining marks dropped, lowercase ("Pendidikan" and "pendidikàn" alike).
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// Stems kept between calls: text repeats its words, and a search stems every word of the sentences it
/// cuts snippets from. Emptied when it reaches this many.
const STEM_CACHE: usize = 100_000;

fn stem_cache() -> std::sync::MutexGuard<'static, HashMap<String, String>> {
    static CACHE: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `folded` is a word the stemmer works on (plain ASCII letters of a plausible length).
fn stemmable(folded: &str) -> bool {
    (3..=STEM_CHARS).contains(&folded.len()) && folded.bytes().all(|b| b.is_ascii_lowercase())
}

/// The stem of a folded word; the word itself when it has none (or is not plain ASCII letters).
pub fn stem(folded: &str) -> String {
    if !stemmable(folded) {
        return folded.to_owned();
    }
    if let Some(s) = stem_cache().get(folded) {
        return s.clone();
    }
    let s = stemmer().stem_word(folded).into_owned();
    let mut cache = stem_cache();
    if cache.len() >= STEM_CACHE {
        cache.clear();
    }
    cache.insert(folded.to_owned(), s.clone());
    s
}

/// Whether the stem of `folded` starts with `prefix` (as `stem(folded).starts_with(prefix)`, without a copy
/// once the stem is known).
fn stem_starts_with(folded: &str, prefix: &str) -> bool {
    if !stemmable(folded) {
        return folded.starts_with(prefix);
    }
    if let Some(s) = stem_cache().get(folded) {
        return s.starts_with(prefix);
    }
    stem(folded).starts_with(prefix)
}

/// The words of `text`: runs of letters and digits, folded.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold).filter(|w| !w.is_empty())
}

/// Text as the index holds it: each word followed by its stem when that differs.
fn indexed(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for w in words(text) {
        let s = stem(&w);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
        if s != w {
            out.push(' ');
            out.push_str(&s);
        }
    }
    out
}

/// One word of a query: the folded word and its stem.
#[derive(Debug, Clone)]
struct Term {
    word: String,
    stem: String,
}

impl Term {
    /// Whether a word of the text (folded) is this term: it starts with the word typed, or its stem starts
    /// with the typed word's stem.
    fn matches(&self, folded: &str) -> bool {
        folded.starts_with(&self.word) || stem_starts_with(folded, &self.stem)
    }
}

/// The query's words (at most [`limits::SEARCH_WORDS`], from at most [`limits::SEARCH`] characters), each
/// distinct once.
fn terms(query: &str) -> Vec<Term> {
    let query: String = query.chars().take(limits::SEARCH).collect();
    let mut out: Vec<Term> = Vec::new();
    for word in words(&query) {
        if out.len() == limits::SEARCH_WORDS {
            break;
        }
        if !out.iter().any(|t| t.word == word) {
            let stem = stem(&word);
            out.push(Term { word, stem });
        }
    }
    out
}

/// The FTS5 query for `terms`: every term must match, as the word typed or its stem, each as a prefix.
/// Terms are letters and digits only, so quoting them is enough to keep them plain words.
fn fts_query(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| {
            if t.stem == t.word {
                format!("\"{}\"*", t.word)
            } else {
                format!("(\"{}\"* OR \"{}\"*)", t.word, t.stem)
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The sentence of `text` that holds the most of `terms` (the first such), at most
/// [`limits::SEARCH_SNIPPET`] characters cut around its first match, with the matched words marked.
/// `None` when no word of `text` matches.
fn snippet(text: &str, terms: &[Term]) -> Option<Vec<SnippetPiece>> {
    let mut best: Option<(usize, &str)> = None;
    for sentence in sentences(text) {
        let mut found = vec![false; terms.len()];
        for w in words(sentence) {
            for (i, t) in terms.iter().enumerate() {
                if !found[i] && t.matches(&w) {
                    found[i] = true;
                }
            }
        }
        let n = found.iter().filter(|f| **f).count();
        if n > 0 && best.is_none_or(|(b, _)| n > b) {
            best = Some((n, sentence));
            if n == terms.len() {
                break;
            }
        }
    }
    let (_, sentence) = best?;
    // Pieces: runs of word and non-word characters, words marked when they match.
    let mut pieces: Vec<SnippetPiece> = Vec::new();
    let mut run = String::new();
    let mut in_word = false;
    let push = |run: &mut String, word: bool, pieces: &mut Vec<SnippetPiece>| {
        if run.is_empty() {
            return;
        }
        let hit = word && terms.iter().any(|t| t.matches(&fold(run)));
        match pieces.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(run),
            _ => pieces.push(SnippetPiece { text: run.clone(), hit }),
        }
        run.clear();
    };
    for c in sentence.trim().chars() {
        let word = c.is_alphanumeric();
        if word != in_word {
            push(&mut run, in_word, &mut pieces);
            in_word = word;
        }
        run.push(c);
    }
    push(&mut run, in_word, &mut pieces);
    Some(cut(pieces, limits::SEARCH_SNIPPET))
}

/// The first sentence of `text`, unmarked and cut to [`limits::SEARCH_SNIPPET`]; nothing when it is empty.
fn opening(text: &str) -> Vec<SnippetPiece> {
    sentences(text)
        .next()
        .map(|s| cut(vec![SnippetPiece { text: s.trim().to_owned(), hit: false }], limits::SEARCH_SNIPPET))
        .unwrap_or_default()
}

/// The sentences of `text`: split after `.`, `!`, `?` and at line ends.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '\n']).filter(|s| s.chars().any(char::is_alphanumeric))
}

/// `pieces` cut to at most `max` characters: from a little before the first hit, with `…` where text was
/// left out.
fn cut(pieces: Vec<SnippetPiece>, max: usize) -> Vec<SnippetPiece> {
    let total: usize = pieces.iter().map(|p| p.text.chars().count()).sum();
    if total <= max {
        return pieces;
    }
    let before_hit: usize = pieces.iter().take_while(|p| !p.hit).map(|p| p.text.chars().count()).sum();
    let start = before_hit.saturating_sub(max / 4).min(total - max);
    let mut out = Vec::new();
    let mut at = 0usize;
    for p in pieces {
        let len = p.text.chars().count();
        let (from, to) = (start.max(at), (start + max).min(at + len));
        if from < to {
            let text: String = p.text.chars().skip(from - at).take(to - from).collect();
            out.push(SnippetPiece { text, hit: p.hit });
        }
        at += len;
    }
    if start > 0 {
        if let Some(first) = out.first_mut() {
            first.text.insert(0, '…');
        }
    }
    if start + max < total {
        if let Some(last) = out.last_mut() {
            last.text.push('…');
        }
    }
    out
}

/// One row of the index.
struct Row<'a> {
    kind: &'a str,
    id: &'a str,
    section: Option<u32>,
    owner: &'a str,
    label: &'a str,
    heading: &'a str,
    shown: &'a str,
    title: &'a str,
}

async fn insert(conn: &mut SqliteConnection, r: Row<'_>) -> Result<(), CoreError> {
    let id = sqlx::query(
        "INSERT INTO search_docs (kind, ref, owner, label, section, heading, shown) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.kind)
    .bind(r.id)
    .bind(r.owner)
    .bind(r.label)
    .bind(r.section)
    .bind(r.heading)
    .bind(r.shown)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    sqlx::query("INSERT INTO search_index (rowid, kind, title, body) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(r.kind)
        .bind(indexed(r.title))
        .bind(indexed(r.shown))
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops the index rows of `kind/id`.
async fn unindex(conn: &mut SqliteConnection, kind: &str, id: &str) -> Result<(), CoreError> {
    sqlx::query(
        "DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_docs WHERE kind = ? AND ref = ?)",
    )
    .bind(kind)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM search_docs WHERE kind = ? AND ref = ?")
        .bind(kind)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Indexes the saved text of `material` by section, in place of what was indexed of it before. Called
/// by the transaction that saves the text.
pub(crate) async fn index_saved(
    conn: &mut SqliteConnection,
    material: &Material,
    content: &MaterialContent,
) -> Result<(), CoreError> {
    unindex_saved(conn, &material.id).await?;
    for (i, s) in content.sections.iter().enumerate() {
        let text = s.paragraphs.join("\n");
        let row = Row {
            kind: "section",
            id: &material.id,
            section: u32::try_from(i).ok(),
            owner: "",
            label: &material.title,
            heading: &s.heading,
            shown: &text,
            title: &s.heading,
        };
        insert(&mut *conn, row).await?;
    }
    sqlx::query("DELETE FROM search_dirty WHERE kind = 'saved' AND id = ?")
        .bind(&material.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops the index rows of material `id`'s saved text. Called by the transaction that removes it.
pub(crate) async fn unindex_saved(conn: &mut SqliteConnection, id: &str) -> Result<(), CoreError> {
    unindex(conn, "section", id).await
}

/// Marked records brought into the index per transaction: the store's one writer is held for a batch at a
/// time, so a change or a draft typed meanwhile waits a batch (tens of milliseconds here), not a whole
/// refresh after a sync of thousands of records (seconds on a cheap phone, past the 5 s a write waits).
const REFRESH_BATCH: i64 = 200;

/// Brings the index rows of every marked record up to date, [`REFRESH_BATCH`] records per transaction,
/// with a pause of half a batch's time after each: SQLite does not queue the writers waiting for the
/// store (each polls, at most every 100 ms), and a next batch begun at once took it again before any of
/// them looked. Each batch takes its marks away, so the batches end: at most as many as the marks when it
/// began, and one more. Records marked meanwhile (a sync under way) are taken by the next search; this one
/// leaves them out of its results (their index rows may be of an older version).
async fn refresh_all(store: &crate::LocalStore) -> Result<(), CoreError> {
    let (marked,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM search_dirty").fetch_one(store.pool()).await?;
    for _ in 0..=marked / REFRESH_BATCH {
        let mut tx = store.write().await?;
        let began = std::time::Instant::now();
        let done = refresh(&mut tx).await?;
        tx.commit().await?;
        if done < REFRESH_BATCH as usize {
            break;
        }
        tokio::time::sleep((began.elapsed() / 2).max(std::time::Duration::from_millis(1))).await;
    }
    Ok(())
}

/// Brings the index rows of up to [`REFRESH_BATCH`] marked records up to date in `conn`'s transaction, and
/// says how many.
async fn refresh(conn: &mut SqliteConnection) -> Result<usize, CoreError> {
    let dirty: Vec<(String, String)> = sqlx::query_as("SELECT kind, id FROM search_dirty LIMIT ?")
        .bind(REFRESH_BATCH)
        .fetch_all(&mut *conn)
        .await?;
    let batch = dirty.len();
    for (kind, id) in dirty {
        if kind == "saved" {
            let row: Option<(String, String)> =
                sqlx::query_as("SELECT material, content FROM saved_materials WHERE id = ?")
                    .bind(&id)
                    .fetch_optional(&mut *conn)
                    .await?;
            match row.map(|(m, c)| {
                Ok::<_, serde_json::Error>((serde_json::from_str(&m)?, serde_json::from_str(&c)?))
            }) {
                Some(Ok((m, c))) => index_saved(&mut *conn, &m, &c).await?,
                Some(Err(e)) => {
                    tracing::warn!(material = %id, error = %e, "a saved material is unreadable; not indexed")
                }
                None => unindex_saved(&mut *conn, &id).await?,
            }
            sqlx::query("DELETE FROM search_dirty WHERE kind = 'saved' AND id = ?")
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            continue;
        }
        unindex(&mut *conn, &kind, &id).await?;
        let data: Option<(String,)> = sqlx::query_as(
            "SELECT data FROM records WHERE kind = ? AND id = ? AND deleted = 0 AND data IS NOT NULL",
        )
        .bind(&kind)
        .bind(&id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((data,)) = data {
            if let Err(e) = index_record(&mut *conn, &kind, &id, &data).await {
                // A record this build cannot read is left out of search, not a reason to fail every search.
                tracing::warn!(kind, id, error = %e, "a record could not be indexed");
            }
        }
        sqlx::query("DELETE FROM search_dirty WHERE kind = ? AND id = ?")
            .bind(&kind)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(batch)
}

async fn index_record(
    conn: &mut SqliteConnection,
    kind: &str,
    id: &str,
    data: &str,
) -> Result<(), CoreError> {
    let bad = |e: serde_json::Error| CoreError::Storage(format!("record {kind}/{id}: {e}"));
    let base = Row { kind, id, section: None, owner: "", label: "", heading: "", shown: "", title: "" };
    match RecordKind::parse(kind) {
        RecordKind::Material => {
            let m: Material = serde_json::from_str(data).map_err(bad)?;
            let shown = format!("{}\n{}\n{}", m.topic, m.summary, m.jenjang.join(", "));
            insert(conn, Row { label: &m.title, shown: &shown, title: &m.title, ..base }).await
        }
        RecordKind::Community => {
            let c: Community = serde_json::from_str(data).map_err(bad)?;
            let shown = format!("{}\n{}\n{}, {}", c.description, c.topic, c.regency, c.province);
            insert(conn, Row { label: &c.name, shown: &shown, title: &c.name, ..base }).await
        }
        RecordKind::PkbItem => {
            let i: PkbItem = serde_json::from_str(data).map_err(bad)?;
            let row =
                Row { owner: &i.owner_id, label: &i.title, shown: &i.reflection, title: &i.title, ..base };
            insert(conn, row).await
        }
        RecordKind::PerformancePlan => {
            let p: PerformancePlan = serde_json::from_str(data).map_err(bad)?;
            let mut lines: Vec<&str> = Vec::new();
            for r in &p.results {
                lines.push(&r.text);
                lines.extend(r.indicators.iter().map(String::as_str));
            }
            lines.push(&p.reflection);
            let shown = lines.join("\n");
            insert(conn, Row { owner: &p.owner_id, shown: &shown, ..base }).await
        }
        _ => Ok(()),
    }
}

/// For the benchmarks (`benches/search.rs`): indexing a text as saving it would, the index's size, and the
/// naive scan search is measured against.
#[cfg(feature = "testing")]
impl crate::LocalStore {
    /// Indexes `content` as the saved text of `material`, in one transaction, as saving it does.
    pub async fn index_saved_text(
        &self,
        material: &Material,
        content: &MaterialContent,
    ) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        index_saved(&mut tx, material, content).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Bytes of the search tables in the database file: the texts kept for snippets, the index and its
    /// own tables.
    pub async fn search_index_bytes(&self) -> Result<i64, CoreError> {
        let (bytes,): (Option<i64>,) =
            sqlx::query_as("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'")
                .fetch_one(self.pool())
                .await?;
        Ok(bytes.unwrap_or(0))
    }

    /// The index lookup alone: how many of the best rows for `query` by rank there are, as a search starts (no
    /// grouping, no text, no snippets). The like-for-like counterpart of [`Self::like_scan`].
    pub async fn index_lookup(&self, query: &str) -> Result<usize, CoreError> {
        let (n,): (i64,) = sqlx::query_as(&format!(
            "SELECT count(*) FROM (SELECT rowid FROM search_index WHERE search_index MATCH ?
                                   ORDER BY bm25(search_index, 0.0, {TITLE_WEIGHT}, 1.0) LIMIT {ROWS})"
        ))
        .bind(format!("{{title body}} : ({})", fts_query(&terms(query))))
        .fetch_one(self.pool())
        .await?;
        Ok(n as usize)
    }

    /// A copy of the whole database at `path` (`VACUUM INTO`), to look into a benchmark's corpus after.
    pub async fn copy_into(&self, path: &std::path::Path) -> Result<(), CoreError> {
        sqlx::query("VACUUM INTO ?").bind(path.to_string_lossy().into_owned()).execute(self.pool()).await?;
        Ok(())
    }

    /// A statement that reads nothing (`SELECT 1`) through the same pool: what any one query costs here
    /// before SQLite does any work (a pooled connection, sqlx's worker thread and back).
    pub async fn empty_query(&self) -> Result<(), CoreError> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    /// How many rows' shown text contains `word` anywhere, by `LIKE '%word%'`: every row read.
    pub async fn like_scan(&self, word: &str) -> Result<usize, CoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM search_docs WHERE shown LIKE ?")
            .bind(format!("%{word}%"))
            .fetch_one(self.pool())
            .await?;
        Ok(n as usize)
    }
}

/// A row of the index as ranked: what it is, not yet its text, and whether its record is marked for the
/// index (`json_array(id, kind, ref, owner, label, marked)`).
type Ranked = (i64, String, String, String, String, i64);
/// The text of a row kept for the results (`json_array(id, section, label, heading, shown)`).
type Text = (i64, Option<i64>, String, String, String);

/// The kinds each scope searches.
fn kinds(scope: SearchScope) -> &'static [&'static str] {
    match scope {
        SearchScope::Materials => &["material", "section"],
        SearchScope::Everything => &["material", "section", "community", "pkb_item", "performance_plan"],
    }
}

/// The rows of one query answered as a single JSON array: sqlx hands a SQLite row from its worker
/// thread to the caller one at a time, which costs more than the search itself for a few hundred rows.
async fn json_rows<T: serde::de::DeserializeOwned>(
    pool: &sqlx::SqlitePool,
    sql: &str,
    bind: String,
) -> Result<Vec<T>, CoreError> {
    let (json,): (Option<String>,) = sqlx::query_as(sql).bind(bind).fetch_one(pool).await?;
    serde_json::from_str(json.as_deref().unwrap_or("[]"))
        .map_err(|e| CoreError::Storage(format!("search rows unreadable: {e}")))
}

impl Engine {
    /// Searches what the device holds (no network): best first, grouped by what each hit opens, each with
    /// the matching sentence. An empty query, or one with no letters or digits, finds nothing.
    pub async fn search(&self, query: &str, scope: SearchScope) -> Result<SearchResults, CoreError> {
        let terms = terms(query);
        if terms.is_empty() {
            return Ok(SearchResults { groups: Vec::new(), more: false });
        }
        let me = self.store().account().await?.map(|(_, p)| p.id).unwrap_or_default();
        let dirty: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM search_dirty LIMIT 1").fetch_optional(self.store().pool()).await?;
        if dirty.is_some() {
            refresh_all(self.store()).await?;
        }
        let pool = self.store().pool();
        // The best rows by rank (bm25 is lower for better) and what they are. Ranked over every kind first:
        // the rows that are not materials are few, so a search of materials only filters them after, and
        // asks the index to filter (slower: every row of those kinds is read) only when they crowded the
        // materials out.
        let ranked_sql = format!(
            "SELECT json_group_array(json_array(d.id, d.kind, d.ref, d.owner, d.label,
                        EXISTS (SELECT 1 FROM search_dirty x WHERE x.id = d.ref
                                AND x.kind = CASE d.kind WHEN 'section' THEN 'saved' ELSE d.kind END))
                    ORDER BY s.score)
             FROM (SELECT rowid AS id, bm25(search_index, 0.0, {TITLE_WEIGHT}, 1.0) AS score
                   FROM search_index WHERE search_index MATCH ? ORDER BY score LIMIT {ROWS}) s
             JOIN search_docs d ON d.id = s.id"
        );
        let wanted = kinds(scope);
        let fts = fts_query(&terms);
        let mut ranked: Vec<Ranked> =
            json_rows(pool, &ranked_sql, format!("{{title body}} : ({fts})")).await?;
        let all = ranked.len() as i64 == ROWS;
        // Rows of records marked while this search brought the index up to date (a sync's page between two
        // batches, see `refresh_all`) may be of the older version: left out, as the next search has them.
        ranked.retain(|r| r.5 == 0 && wanted.contains(&r.1.as_str()));
        if all && ranked.len() as i64 != ROWS {
            let only = wanted.join(" OR ");
            ranked =
                json_rows(pool, &ranked_sql, format!("kind : ({only}) AND {{title body}} : ({fts})")).await?;
            ranked.retain(|r| r.5 == 0);
        }
        let mut groups: Vec<(SearchGroup, Vec<i64>)> = Vec::new();
        let mut more = false;
        for (rowid, kind, id, owner, label, _) in ranked {
            let owner = (!owner.is_empty() && owner != me).then_some(owner);
            let target = match kind.as_str() {
                "material" | "section" => SearchTarget::Material { id },
                "community" => SearchTarget::Community { id },
                "pkb_item" => SearchTarget::PkbItem { id, owner },
                _ => SearchTarget::PerformancePlan { id, owner },
            };
            let full = groups.len() == limits::SEARCH_GROUPS;
            match groups.iter_mut().find(|(g, _)| g.target == target) {
                Some((g, rows)) => {
                    if g.title.is_empty() {
                        g.title = label;
                    }
                    if rows.len() < limits::SEARCH_HITS_PER_GROUP {
                        rows.push(rowid);
                    }
                }
                None if full => more = true,
                None => groups.push((SearchGroup { target, title: label, hits: Vec::new() }, vec![rowid])),
            }
        }
        let kept: Vec<i64> = groups.iter().flat_map(|(_, rows)| rows.iter().copied()).collect();
        let texts: Vec<Text> = json_rows(
            pool,
            "SELECT json_group_array(json_array(id, section, label, heading, shown))
             FROM search_docs WHERE id IN (SELECT value FROM json_each(?))",
            serde_json::to_string(&kept).map_err(|e| CoreError::Storage(e.to_string()))?,
        )
        .await?;
        let mut texts: HashMap<i64, Text> = texts.into_iter().map(|t| (t.0, t)).collect();
        let groups = groups
            .into_iter()
            .map(|(mut g, rows)| {
                g.hits = rows
                    .iter()
                    .filter_map(|rowid| texts.remove(rowid))
                    .map(|(_, section, _, heading, shown)| SearchHit {
                        section: section.and_then(|s| u32::try_from(s).ok()),
                        // The sentence of the text the words are in; else the heading they are in; else
                        // (they are in the title, shown above it) the text's first sentence as it is.
                        snippet: snippet(&shown, &terms)
                            .or_else(|| snippet(&heading, &terms))
                            .unwrap_or_else(|| opening(&shown)),
                        heading,
                    })
                    .collect();
                g
            })
            .collect();
        Ok(SearchResults { groups, more })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split_on_anything_but_letters_and_digits() {
        let w: Vec<String> = words("Pembelajaran Berdiferensiasi: \"café\"-NEAR(anak-anak) *2024*").collect();
        assert_eq!(w, ["pembelajaran", "berdiferensiasi", "cafe", "near", "anak", "anak", "2024"]);
    }

    #[test]
    fn a_query_is_plain_words_whatever_is_typed() {
        let q = fts_query(&terms("\"kurikulum\" NEAR(merdeka) -guru * OR ^"));
        assert_eq!(q, "\"kurikulum\"* AND \"near\"* AND \"merdeka\"* AND \"guru\"* AND \"or\"*");
    }

    #[test]
    fn a_snippet_marks_the_matched_words_and_stays_short() {
        let text =
            "Bab ini pendek. Guru mengajarkan materi dengan pembelajaran berdiferensiasi di kelas. Selesai.";
        let s = snippet(text, &terms("ajar diferensiasi")).expect("the second sentence matches both");
        let marked: Vec<&str> = s.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["mengajarkan", "pembelajaran", "berdiferensiasi"]);
        let long = format!("{} kurikulum {}", "kata ".repeat(200), "lain ".repeat(200));
        let s = snippet(&long, &terms("kurikulum")).unwrap();
        let len: usize = s.iter().map(|p| p.text.chars().count()).sum();
        assert!(len <= limits::SEARCH_SNIPPET + 2, "cut to the limit (plus the two ellipses), got {len}");
        assert!(s.iter().any(|p| p.hit && p.text == "kurikulum"), "the cut keeps the match");
    }
}
