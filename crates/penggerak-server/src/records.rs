//! The record store: every area's data as typed JSON documents with a version and an audience, and the
//! change feed `/sync` reads (see `migrations/0003_records.sql`).
//!
//! Owns: versions (+1 per change), the global change sequence, tombstones, optimistic concurrency
//! ([`put_versioned`] answers `409` with the current copy). Areas own their types and rules; they read and
//! write their records only through this module, inside the request's transaction.

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
    let lock = if conn.backend_name() == "PostgreSQL" { " FOR UPDATE" } else { "" };
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
    let seq = next_seq(&mut *conn).await?;
    let (version,): (i64,) = sqlx::query_as(
        "INSERT INTO records (kind, id, version, seq, owner_id, school_npsn, public, deleted, data)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (kind, id) DO UPDATE SET version = records.version + 1, seq = excluded.seq,
             owner_id = excluded.owner_id, school_npsn = excluded.school_npsn, public = excluded.public,
             deleted = excluded.deleted, data = excluded.data
         RETURNING version",
    )
    .bind(kind.as_str())
    .bind(id)
    .bind(seq)
    .bind(audience.owner.as_deref())
    .bind(audience.school.as_deref())
    .bind(i64::from(audience.public))
    .bind(i64::from(text.is_none()))
    .bind(text.as_deref())
    .fetch_one(conn)
    .await?;
    Ok(SyncRecord {
        kind,
        id: id.to_owned(),
        version,
        deleted: text.is_none(),
        data: data.map(serde_json::to_value).transpose().map_err(|e| internal(e.to_string()))?,
    })
}

/// What a caller's feed holds, for `$1` = the cursor's seq, `$2` = the user, `$3` = the school they lead
/// (or ''): records that are public, theirs, or in that school. A feed from the very start leaves
/// tombstones out: a device with nothing has nothing to delete.
const FEED_VISIBLE: &str =
    "(public = 1 OR owner_id = $2 OR ($3 <> '' AND school_npsn = $3)) AND ($1 > 0 OR deleted = 0)";

/// One page of the change feed for a caller: records with `seq > after` that the caller may see (see
/// [`FEED_VISIBLE`]), oldest first, at most `limit` of them and no more than `max_bytes` of record data
/// (always at least one record, so a page never stalls). The database measures the records
/// (`octet_length`) and sends only those that fit, so a page of large records never crosses from the
/// database whole. Returns the records with their seq, and whether more wait after them.
pub async fn feed(
    conn: &mut AnyConnection,
    after: i64,
    user_id: &str,
    principal_of: Option<&str>,
    limit: i64,
    max_bytes: usize,
) -> Result<(Vec<(i64, SyncRecord)>, bool)> {
    #[derive(sqlx::FromRow)]
    struct FeedRow {
        seq: i64,
        /// Rows in the count-bounded page, before the byte bound.
        counted: i64,
        #[sqlx(flatten)]
        row: Row,
    }
    // `page`: the next `limit + 1` records by count; `sized`: each with the bytes of the records before it.
    let rows: Vec<FeedRow> = sqlx::query_as(&format!(
        "SELECT seq, counted, {COLUMNS} FROM (
             SELECT page.*, COUNT(*) OVER () AS counted,
                 SUM(COALESCE(octet_length(data), 0)) OVER (ORDER BY seq) - COALESCE(octet_length(data), 0)
                     AS bytes_before
             FROM (SELECT seq, {COLUMNS} FROM records WHERE seq > $1 AND {FEED_VISIBLE} ORDER BY seq LIMIT $4)
                 AS page
         ) AS sized
         WHERE bytes_before < $5 ORDER BY seq"
    ))
    .bind(after)
    .bind(user_id)
    .bind(principal_of.unwrap_or(""))
    .bind(limit + 1)
    .bind(i64::try_from(max_bytes).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?;
    let counted = rows.first().map_or(0, |r| r.counted);
    let mut page = rows.into_iter().map(|r| Ok((r.seq, r.row.to_sync()?))).collect::<Result<Vec<_>>>()?;
    let more = counted > limit || (page.len() as i64) < counted;
    page.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((page, more))
}

/// How many records of the caller's feed (as [`feed`] from `after`) come after `last`: what a page's
/// `remaining` says.
pub async fn feed_count(
    conn: &mut AnyConnection,
    after: i64,
    last: i64,
    user_id: &str,
    principal_of: Option<&str>,
) -> Result<u64> {
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT COUNT(*) FROM records WHERE seq > $4 AND {FEED_VISIBLE}"))
            .bind(after)
            .bind(user_id)
            .bind(principal_of.unwrap_or(""))
            .bind(last)
            .fetch_one(conn)
            .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
