//! The record store: every area's data as typed JSON documents with a version and an audience, and the
//! change feed `/sync` reads (see `migrations/0003_records.sql`).
//!
//! Owns: versions (+1 per change), each change's place in the feed ([`Position`]), tombstones, optimistic
//! concurrency ([`put_versioned`] answers `409` with the current copy). Areas own their types and rules;
//! they read and write their records only through this module, inside the request's transaction.
//!
//! The feed must never skip a change that commits late: a reader whose cursor passed a place in the feed
//! before the change holding it committed would never see it. On SQLite writers are serialised (`BEGIN
//! IMMEDIATE`), so a counter row (`record_seq`) updated inside the writing transaction gives places in
//! commit order. On PostgreSQL that row would make every writing transaction of the deployment wait for
//! every other's commit; instead a change's place is (its transaction's id, a number from the sequence
//! `record_seq_values`), and a reader takes only changes of transactions older than every transaction of
//! this database still running in its snapshot (`POSTGRES_HORIZON`): every change that can still become
//! visible belongs to a transaction at or past that horizon, so it sorts after every place already read. A
//! transaction left open holds the feed back (later changes wait for it), never makes it skip.

use crate::error::{Result, ServerError};
use penggerak_types::{limits, ApiError, ErrorCode, RecordKind, SyncRecord};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::AnyConnection;

/// Who may see a record besides admins of the server: everyone signed in, its owner, and the principal
/// of a school.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub owner: Option<String>,
    pub school: Option<String>,
    pub public: bool,
}

impl Audience {
    /// Every signed-in user.
    pub fn public() -> Self {
        Self { public: true, ..Self::default() }
    }

    /// The owner only.
    pub fn private(owner: &str) -> Self {
        Self { owner: Some(owner.to_owned()), ..Self::default() }
    }

    /// The principal of `school` only.
    pub fn school(school: &str) -> Self {
        Self { school: Some(school.to_owned()), ..Self::default() }
    }

    /// The owner and the principal of `school`.
    pub fn staff(owner: &str, school: Option<&str>) -> Self {
        Self { owner: Some(owner.to_owned()), school: school.map(str::to_owned), public: false }
    }
}

/// A live record read back with its type.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub id: String,
    pub version: i64,
    pub audience: Audience,
    pub data: T,
}

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    id: String,
    version: i64,
    owner_id: Option<String>,
    school_npsn: Option<String>,
    public: i64,
    deleted: i64,
    data: Option<String>,
}

impl Row {
    fn to_sync(&self) -> Result<SyncRecord> {
        let data = match &self.data {
            Some(text) if self.deleted == 0 => Some(
                serde_json::from_str(text)
                    .map_err(|e| internal(format!("record {}/{} holds bad JSON: {e}", self.kind, self.id)))?,
            ),
            _ => None,
        };
        Ok(SyncRecord {
            kind: RecordKind::parse(&self.kind),
            id: self.id.clone(),
            version: self.version,
            deleted: self.deleted != 0,
            data,
        })
    }

    fn audience(&self) -> Audience {
        Audience { owner: self.owner_id.clone(), school: self.school_npsn.clone(), public: self.public != 0 }
    }

    fn typed<T: DeserializeOwned>(self) -> Result<Stored<T>> {
        let text = self.data.as_deref().unwrap_or("null");
        let data = serde_json::from_str(text)
            .map_err(|e| internal(format!("record {}/{} is not its kind's type: {e}", self.kind, self.id)))?;
        Ok(Stored { audience: self.audience(), id: self.id, version: self.version, data })
    }
}

/// Where a change sits in the feed, in order: the writing transaction (PostgreSQL's transaction id; 0 on
/// SQLite and for changes made before places had one), then the change's number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub tx: i64,
    pub seq: i64,
}

fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// PostgreSQL's horizon: the oldest transaction still running in the statement's snapshot, leaving out
/// those of other databases of the cluster (transaction ids are the cluster's, and a long transaction in
/// another database, say another province's import, must not hold this feed back), or the snapshot's
/// `xmax` when none is left. Another database's transactions are known from `pg_stat_activity` (32-bit
/// ids, compared on the low bits of the 64-bit ones; ambiguous only 2³² transactions apart). The activity
/// is read after the snapshot, so a transaction that ended in between is not listed and counts as this
/// database's: the horizon can only come out lower (a change waits a moment), never higher (a change
/// skipped). Without the `pg_read_all_stats` role other users' sessions show no ids: the same, safely.
const POSTGRES_HORIZON: &str = "(SELECT COALESCE(MIN(x::text::bigint), \
     pg_snapshot_xmax(pg_current_snapshot())::text::bigint) \
     FROM pg_snapshot_xip(pg_current_snapshot()) AS x \
     WHERE x::text::bigint % 4294967296 NOT IN (SELECT backend_xid::text::bigint FROM pg_stat_activity \
         WHERE datname IS DISTINCT FROM current_database() AND backend_xid IS NOT NULL))";

/// The first transaction id whose changes a reader may not take yet (see the module's documentation).
fn horizon(conn: &AnyConnection) -> &'static str {
    if is_postgres(conn) {
        POSTGRES_HORIZON
    } else {
        "9223372036854775807"
    }
}

fn internal(msg: String) -> ServerError {
    ServerError::Internal(anyhow::anyhow!(msg))
}

const COLUMNS: &str = "kind, id, version, owner_id, school_npsn, public, deleted, data";

/// Reads `kind/id`. Inside a write transaction the row is then the transaction's until it ends: SQLite's
/// `BEGIN IMMEDIATE` already serialises writers, and on PostgreSQL the read takes the row lock
/// (`FOR UPDATE`), so two edits from one base version cannot both pass the version check (under READ
/// COMMITTED they otherwise both read the old version and both write). Outside a transaction the lock
/// lasts only as long as the statement.
async fn row(conn: &mut AnyConnection, kind: RecordKind, id: &str) -> Result<Option<Row>> {
    let lock = if is_postgres(conn) { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM records WHERE kind = $1 AND id = $2{lock}"))
        .bind(kind.as_str())
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The live (not deleted) record `kind/id`.
pub async fn get<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: &str,
) -> Result<Option<Stored<T>>> {
    match row(conn, kind, id).await? {
        Some(r) if r.deleted == 0 => Ok(Some(r.typed()?)),
        _ => Ok(None),
    }
}

/// The record `kind/id` as `/sync` would send it (tombstones included).
pub async fn current(conn: &mut AnyConnection, kind: RecordKind, id: &str) -> Result<Option<SyncRecord>> {
    row(conn, kind, id).await?.map(|r| r.to_sync()).transpose()
}

/// Who may see `kind/id` if the id is in use (a live record or a tombstone), for a create that names it.
pub async fn audience_of(conn: &mut AnyConnection, kind: RecordKind, id: &str) -> Result<Option<Audience>> {
    Ok(row(conn, kind, id).await?.map(|r| r.audience()))
}

/// Which live records of a kind [`list`] returns.
#[derive(Debug, Clone, Copy)]
pub enum Filter<'a> {
    All,
    Owner(&'a str),
}

/// The live records of `kind` matching `filter`, by id.
pub async fn list<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    kind: RecordKind,
    filter: Filter<'_>,
) -> Result<Vec<Stored<T>>> {
    let (clause, arg) = match filter {
        Filter::All => ("", None),
        Filter::Owner(o) => (" AND owner_id = $2", Some(o)),
    };
    let sql = format!("SELECT {COLUMNS} FROM records WHERE kind = $1 AND deleted = 0{clause} ORDER BY id");
    let mut query = sqlx::query_as(&sql).bind(kind.as_str());
    if let Some(arg) = arg {
        query = query.bind(arg);
    }
    let rows: Vec<Row> = query.fetch_all(conn).await?;
    rows.into_iter().map(Row::typed).collect()
}

/// SQLite's next change number: the counter row, inside the (serialised) writing transaction.
async fn next_seq(conn: &mut AnyConnection) -> Result<i64> {
    let (seq,): (i64,) =
        sqlx::query_as("UPDATE record_seq SET value = value + 1 WHERE id = 1 RETURNING value")
            .fetch_one(conn)
            .await?;
    Ok(seq)
}

/// Creates or replaces `kind/id` (reviving a tombstone), whatever its version. For changes the server
/// makes on its own (seed, derived counts); user edits go through [`put_versioned`].
pub async fn put<T: Serialize>(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: &str,
    audience: &Audience,
    data: &T,
) -> Result<SyncRecord> {
    write(conn, kind, id, audience, Some(data)).await
}

/// Replaces `kind/id` if its version is still `base_version`; otherwise `409 conflict` carrying the
/// current copy. A missing record is `404`.
pub async fn put_versioned<T: Serialize>(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: &str,
    base_version: i64,
    audience: &Audience,
    data: &T,
) -> Result<SyncRecord> {
    check_version(conn, kind, id, base_version).await?;
    write(conn, kind, id, audience, Some(data)).await
}

/// `409` with the current copy unless `kind/id` is live at `base_version`; `404` if it is not live.
pub async fn check_version(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: &str,
    base_version: i64,
) -> Result<()> {
    match row(conn, kind, id).await? {
        Some(r) if r.deleted == 0 && r.version == base_version => Ok(()),
        Some(r) if r.deleted == 0 => Err(ServerError::Api(ApiError::conflict(
            "Data ini sudah diubah di tempat lain. Bandingkan kedua versi lalu pilih.",
            r.to_sync()?,
        ))),
        _ => Err(ServerError::new(ErrorCode::NotFound, "Data tidak ditemukan.")),
    }
}

/// Deletes `kind/id`, leaving a tombstone that syncs. `None` if it was not live.
pub async fn delete(conn: &mut AnyConnection, kind: RecordKind, id: &str) -> Result<Option<SyncRecord>> {
    let Some(r) = row(conn, kind, id).await? else { return Ok(None) };
    if r.deleted != 0 {
        return Ok(None);
    }
    write::<()>(conn, kind, id, &r.audience(), None).await.map(Some)
}

async fn write<T: Serialize>(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: &str,
    audience: &Audience,
    data: Option<&T>,
) -> Result<SyncRecord> {
    let text = data
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| internal(format!("record {kind}/{id} does not serialise: {e}")))?;
    // The last guard of every bound: no record grows past what a `/sync` page can carry.
    if text.as_ref().is_some_and(|t| t.len() > limits::RECORD_BYTES) {
        return Err(ServerError::new(ErrorCode::PayloadTooLarge, "Data ini terlalu besar untuk disimpan."));
    }
    // The change's place (see the module's documentation): on PostgreSQL taken in the statement itself,
    // from the sequence and the transaction's id, with no row every writer waits on.
    let (place, seq) = if is_postgres(conn) {
        ("nextval('record_seq_values'), pg_current_xact_id()::text::bigint", None)
    } else {
        ("$8, 0", Some(next_seq(&mut *conn).await?))
    };
    let sql = format!(
        "INSERT INTO records (kind, id, version, owner_id, school_npsn, public, deleted, data, seq, tx)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, {place})
         ON CONFLICT (kind, id) DO UPDATE SET version = records.version + 1, seq = excluded.seq,
             tx = excluded.tx, owner_id = excluded.owner_id, school_npsn = excluded.school_npsn,
             public = excluded.public, deleted = excluded.deleted, data = excluded.data
         RETURNING version"
    );
    let mut query = sqlx::query_as(&sql)
        .bind(kind.as_str())
        .bind(id)
        .bind(audience.owner.as_deref())
        .bind(audience.school.as_deref())
        .bind(i64::from(audience.public))
        .bind(i64::from(text.is_none()))
        .bind(text.as_deref());
    if let Some(seq) = seq {
        query = query.bind(seq);
    }
    let (version,): (i64,) = query.fetch_one(conn).await?;
    Ok(SyncRecord {
        kind,
        id: id.to_owned(),
        version,
        deleted: text.is_none(),
        data: data.map(serde_json::to_value).transpose().map_err(|e| internal(e.to_string()))?,
    })
}

/// A caller's feed, for `$1` = the user, `$2` = the school they lead (or ''), `$3` = 1 for a feed from the
/// very start, `$4`/`$5` = the place after which it is read, each part ended by `tail` (its order and
/// limit, or nothing to count them): records that are public,
/// theirs, or in that school, below the horizon. The three
/// parts do not overlap (a public record is only in the first, the caller's own only in the second), and
/// each is one range of its own index (`migrations/0010_feed_places.sql`), so a caller's no-change sync
/// reads only what that caller may see, never the changes everyone else made meanwhile. A feed from the
/// start leaves tombstones out (a device with nothing has nothing to delete).
fn feed_parts(horizon: &str, tail: &str) -> String {
    let part = |who: &str| {
        format!(
            "SELECT tx, seq, {COLUMNS} FROM records
             WHERE {who} AND (tx, seq) > ($4, $5) AND tx < {horizon} AND ($3 = 0 OR deleted = 0) {tail}"
        )
    };
    format!(
        "SELECT * FROM ({}) AS public_part UNION ALL SELECT * FROM ({}) AS own_part
         UNION ALL SELECT * FROM ({}) AS school_part",
        part("public = 1"),
        part("public = 0 AND owner_id = $1"),
        part("public = 0 AND $2 <> '' AND school_npsn = $2 AND (owner_id IS NULL OR owner_id <> $1)"),
    )
}

/// One page of the change feed for a caller: records placed after `after` that the caller may see (see
/// `feed_parts`) and whose transactions are below the horizon, in feed order, at most `limit` of them
/// and no more than `max_bytes` of record data (always at least one record, so a page never stalls). The
/// database measures the records (`octet_length`) and sends only those that fit, so a page of large
/// records never crosses from the database whole. Returns the records with their places, and whether more
/// wait after them.
pub async fn feed(
    conn: &mut AnyConnection,
    after: Position,
    user_id: &str,
    principal_of: Option<&str>,
    limit: i64,
    max_bytes: usize,
) -> Result<(Vec<(Position, SyncRecord)>, bool)> {
    #[derive(sqlx::FromRow)]
    struct FeedRow {
        tx: i64,
        seq: i64,
        /// Rows in the count-bounded page, before the byte bound.
        counted: i64,
        #[sqlx(flatten)]
        row: Row,
    }
    let parts = feed_parts(horizon(conn), "ORDER BY tx, seq LIMIT $6");
    // `page`: the next `limit + 1` records by count; `sized`: each with the bytes of the records before it.
    let rows: Vec<FeedRow> = sqlx::query_as(&format!(
        "SELECT tx, seq, counted, {COLUMNS} FROM (
             SELECT page.*, COUNT(*) OVER () AS counted,
                 SUM(COALESCE(octet_length(data), 0)) OVER (ORDER BY tx, seq) - COALESCE(octet_length(data), 0)
                     AS bytes_before
             FROM (SELECT * FROM ({parts}) AS parts ORDER BY tx, seq LIMIT $6) AS page
         ) AS sized
         WHERE bytes_before < $7 ORDER BY tx, seq"
    ))
    .bind(user_id)
    .bind(principal_of.unwrap_or(""))
    .bind(i64::from(after == Position::default()))
    .bind(after.tx)
    .bind(after.seq)
    .bind(limit + 1)
    .bind(i64::try_from(max_bytes).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?;
    let counted = rows.first().map_or(0, |r| r.counted);
    let mut page = rows
        .into_iter()
        .map(|r| Ok((Position { tx: r.tx, seq: r.seq }, r.row.to_sync()?)))
        .collect::<Result<Vec<_>>>()?;
    let more = counted > limit || (page.len() as i64) < counted;
    page.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((page, more))
}

/// How many records of the caller's feed (as [`feed`] from `after`) come after `last`: what a page's
/// `remaining` says.
pub async fn feed_count(
    conn: &mut AnyConnection,
    after: Position,
    last: Position,
    user_id: &str,
    principal_of: Option<&str>,
) -> Result<u64> {
    // Counted over the same parts, unbounded: the caller asked how many wait, not for them.
    let parts = feed_parts(horizon(conn), "");
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM ({parts}) AS parts"))
        .bind(user_id)
        .bind(principal_of.unwrap_or(""))
        .bind(i64::from(after == Position::default()))
        .bind(last.tx)
        .bind(last.seq)
        .fetch_one(conn)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
