//! Stored files (evidence uploads, material attachments): content-addressed by SHA-256 and kept in
//! chunks (`migrations/0004_files.sql`), so a `Range` read fetches only the chunks it covers. Served with
//! `ETag` (the hash), `Accept-Ranges`, `Range` → `206` (one range; several are answered whole, as HTTP
//! allows; a suffix longer than the file is all of it; a last byte before the first is no range and is
//! ignored), a range past the end → `416`, and `If-Range` (a stale validator gets the whole file).

use crate::error::{Result, ServerError};
use crate::records::{self, Filter};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use penggerak_types::kinerja::Evidence;
use penggerak_types::material::Material;
use penggerak_types::{ErrorCode, RecordKind};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};
use std::ops::RangeInclusive;

/// Bytes per stored chunk.
pub const CHUNK: usize = 256 * 1024;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores `bytes` (once per content) for the record `kind/id`, and returns its SHA-256. The record's use
/// of the file is noted in `file_refs` until [`release`] forgets it.
pub async fn store(conn: &mut AnyConnection, kind: RecordKind, id: &str, bytes: &[u8]) -> Result<String> {
    store_for(conn, kind.as_str(), id, bytes).await
}

/// [`store`] for a user of files that is not a synced record (an app release: `owner` `app_release`).
pub async fn store_for(conn: &mut AnyConnection, owner: &str, id: &str, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    note_use(conn, &sha, owner, id).await?;
    let inserted =
        sqlx::query("INSERT INTO files (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
            .bind(&sha)
            .bind(bytes.len() as i64)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    // On PostgreSQL a file that is there may be on its way out: [`release`] holds its row locked while it
    // decides. Waiting for that lock, and finding the row gone, means storing it again.
    let there = inserted == 1 || lock_file(conn, &sha).await?;
    if !there {
        sqlx::query("INSERT INTO files (sha256, size) VALUES ($1, $2)")
            .bind(&sha)
            .bind(bytes.len() as i64)
            .execute(&mut *conn)
            .await?;
    }
    if inserted == 1 || !there {
        for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
            sqlx::query("INSERT INTO file_chunks (sha256, n, data) VALUES ($1, $2, $3)")
                .bind(&sha)
                .bind(n as i64)
                .bind(chunk.to_vec())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(sha)
}

/// Notes that the record `kind/id` uses file `sha` (once; noting it again changes nothing).
async fn note_use(conn: &mut AnyConnection, sha: &str, kind: &str, id: &str) -> Result<()> {
    sqlx::query("INSERT INTO file_refs (sha256, kind, id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(sha)
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the row lock of file `sha` on PostgreSQL (SQLite's writers are already one at a time); whether
/// the file is stored.
async fn lock_file(conn: &mut AnyConnection, sha: &str) -> Result<bool> {
    let lock = if conn.backend_name() == "PostgreSQL" { " FOR UPDATE" } else { "" };
    let row: Option<(String,)> = sqlx::query_as(&format!("SELECT sha256 FROM files WHERE sha256 = $1{lock}"))
        .bind(sha)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// The record `kind/id` no longer uses its files (deleted, or about to store a new version's): forgets its
/// uses, and removes each of those files, with its chunks, that no other record uses. Returns how many
/// files were removed.
pub async fn release(conn: &mut AnyConnection, kind: RecordKind, id: &str) -> Result<u64> {
    release_for(conn, kind.as_str(), id).await
}

/// [`release`] for a user of files that is not a synced record (see [`store_for`]).
pub async fn release_for(conn: &mut AnyConnection, kind: &str, id: &str) -> Result<u64> {
    let used: Vec<(String,)> = sqlx::query_as("SELECT sha256 FROM file_refs WHERE kind = $1 AND id = $2")
        .bind(kind)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM file_refs WHERE kind = $1 AND id = $2")
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let mut removed = 0;
    for (sha,) in used {
        if !lock_file(conn, &sha).await? {
            continue;
        }
        let (others,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM file_refs WHERE sha256 = $1")
            .bind(&sha)
            .fetch_one(&mut *conn)
            .await?;
        if others == 0 {
            sqlx::query("DELETE FROM file_chunks WHERE sha256 = $1").bind(&sha).execute(&mut *conn).await?;
            sqlx::query("DELETE FROM files WHERE sha256 = $1").bind(&sha).execute(&mut *conn).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Notes the uses of files stored before `file_refs` existed (evidence records and material catalogue
/// entries name their files by hash), once: while files are stored and no use is noted. Run at start,
/// before any request, so [`release`] never removes a file an older record still names.
pub async fn note_earlier_uses(pool: &sqlx::AnyPool) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let (files,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM files").fetch_one(&mut *tx).await?;
    let (refs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM file_refs").fetch_one(&mut *tx).await?;
    if files == 0 || refs > 0 {
        return Ok(());
    }
    let mut uses = Vec::new();
    for e in records::list::<Evidence>(&mut tx, RecordKind::Evidence, Filter::All).await? {
        uses.push((e.data.sha256, RecordKind::Evidence, e.id));
    }
    for m in records::list::<Material>(&mut tx, RecordKind::Material, Filter::All).await? {
        uses.extend(m.data.files.into_iter().map(|f| (f.sha256, RecordKind::Material, m.id.clone())));
    }
    for (sha, kind, id) in uses {
        note_use(&mut tx, &sha, kind.as_str(), &id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The size of the stored file `sha`, if stored.
pub async fn size(conn: &mut AnyConnection, sha: &str) -> Result<Option<u64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT size FROM files WHERE sha256 = $1").bind(sha).fetch_optional(conn).await?;
    Ok(row.map(|(s,)| s as u64))
}

/// Bytes `range` of the stored file `sha`, one stored chunk at a time: each piece is read when the
/// connection is ready for it, through a pooled database connection held only for that read. So a
/// download holds at most one chunk ([`CHUNK`]) in memory and no database connection while the client
/// reads, however large the file and however slow the link (a 64 MiB app bundle to a thousand phones on
/// 2G is a thousand chunks in memory, not 64 GiB). A chunk gone missing (the file released meanwhile)
/// ends the body with an error, which cuts the connection short of its `Content-Length`: the client sees
/// an incomplete download, never a wrong one.
pub fn read(
    pool: AnyPool,
    sha: String,
    range: RangeInclusive<u64>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>>> + Send + 'static {
    let (start, end) = (*range.start(), *range.end());
    let (first, last) = (start / CHUNK as u64, end / CHUNK as u64);
    futures_util::stream::try_unfold(first, move |n| {
        let (pool, sha) = (pool.clone(), sha.clone());
        async move {
            if n > last {
                return Ok(None);
            }
            let mut conn = pool.acquire().await?;
            let row: Option<(Vec<u8>,)> =
                sqlx::query_as("SELECT data FROM file_chunks WHERE sha256 = $1 AND n = $2")
                    .bind(&sha)
                    .bind(n as i64)
                    .fetch_optional(&mut *conn)
                    .await?;
            let Some((data,)) = row else {
                return Err(ServerError::Internal(anyhow::anyhow!("file {sha} is missing chunk {n}")));
            };
            let base = n * CHUNK as u64;
            let from = start.saturating_sub(base) as usize;
            let to = ((end + 1 - base) as usize).min(data.len());
            if from > to {
                return Err(ServerError::Internal(anyhow::anyhow!("file {sha}: chunk {n} is short")));
            }
            let piece = if from == 0 && to == data.len() { data } else { data[from..to].to_vec() };
            Ok(Some((piece, n + 1)))
        }
    })
}

/// A response body of bytes `range` of file `sha`, streamed by [`read`].
fn body(pool: &AnyPool, sha: &str, range: RangeInclusive<u64>) -> Body {
    use futures_util::TryStreamExt;
    Body::from_stream(read(pool.clone(), sha.to_owned(), range).map_err(|e| {
        tracing::warn!(error = %e, "a file download was cut short");
        std::io::Error::other("the stored file could not be read")
    }))
}

/// What a download request asked for, against a file of `size` bytes with validator `etag`.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    Part(RangeInclusive<u64>),
    Unsatisfiable,
    NotModified,
}

/// Reads `If-None-Match`, `Range` and `If-Range`.
pub fn wanted(headers: &HeaderMap, size: u64, etag: &str) -> Wanted {
    let text = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    if text(header::IF_NONE_MATCH).is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Wanted::NotModified;
    }
    let Some(range) = text(header::RANGE) else { return Wanted::Whole };
    // A range made against another version of the file would splice two versions: send it whole.
    if text(header::IF_RANGE).is_some_and(|v| v.trim() != etag) {
        return Wanted::Whole;
    }
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return Wanted::Whole; // not a byte range we understand: ignored, as HTTP allows
    };
    use http_range_header::{EndPosition, StartPosition};
    if let [one] = parsed.ranges.as_slice() {
        match (one.start, one.end) {
            // A last byte before the first is no valid range (RFC 9110 §14.1.1): ignored, as any
            // range we do not understand.
            (StartPosition::Index(first), EndPosition::Index(last)) if last < first => return Wanted::Whole,
            // A suffix longer than the file is the whole file (§14.1.2), not a range outside it.
            (StartPosition::FromLast(n), _) if n >= size && size > 0 => return Wanted::Part(0..=size - 1),
            _ => {}
        }
    }
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 => Wanted::Part(ranges[0].clone()),
        Ok(_) => Wanted::Whole,
        Err(_) => Wanted::Unsatisfiable,
    }
}

/// The download response for the stored file `sha` (`size` bytes), named `file_name`: its body streamed
/// chunk by chunk (see [`read`]).
pub fn serve(
    pool: &AnyPool,
    headers: &HeaderMap,
    sha: &str,
    size: u64,
    content_type: &str,
    file_name: &str,
) -> Result<Response> {
    let etag = format!("\"{sha}\"");
    let common = |status: StatusCode| {
        let mut r = Response::builder()
            .status(status)
            .header(header::ETAG, &etag)
            .header(header::ACCEPT_RANGES, "bytes")
            .header(header::CACHE_CONTROL, "private, max-age=31536000, immutable");
        if status != StatusCode::NOT_MODIFIED {
            r = r
                .header(header::CONTENT_TYPE, content_type)
                .header(header::CONTENT_DISPOSITION, disposition(file_name));
        }
        r
    };
    let built = match wanted(headers, size, &etag) {
        Wanted::NotModified => common(StatusCode::NOT_MODIFIED).body(Body::empty()),
        Wanted::Unsatisfiable => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
                axum::Json(penggerak_types::ApiError::new(
                    ErrorCode::Validation,
                    format!("Rentang di luar ukuran berkas ({size} byte)."),
                )),
            )
                .into_response())
        }
        // The length is said, as a whole body's would be: the client shows progress and knows a download
        // cut short for what it is.
        Wanted::Part(r) => common(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {}-{}/{size}", r.start(), r.end()))
            .header(header::CONTENT_LENGTH, r.end() - r.start() + 1)
            .body(body(pool, sha, r)),
        Wanted::Whole if size == 0 => common(StatusCode::OK).body(Body::empty()),
        Wanted::Whole => {
            common(StatusCode::OK).header(header::CONTENT_LENGTH, size).body(body(pool, sha, 0..=size - 1))
        }
    };
    built.map_err(|e| ServerError::Internal(e.into()))
}

/// `Content-Disposition` for a download named `file_name` (RFC 6266): a plain-ASCII `filename` for old
/// clients and the exact name as `filename*=UTF-8''…`, so no name (quotes, non-ASCII, control characters
/// from an older upload) can break the header.
fn disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let exact = percent_encoding::utf8_percent_encode(file_name, RFC5987);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

/// What `filename*` must percent-encode: everything but RFC 5987's `attr-char`.
const RFC5987: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_str(v).unwrap())).collect()
    }

    #[test]
    fn any_file_name_makes_a_valid_header() {
        for name in
            ["laporan.pdf", "Bukti \"akhir\".pdf", "rapor\u{1}\n.pdf", "modul diferensiasi – kelas 4.pdf"]
        {
            let d = disposition(name);
            assert!(HeaderValue::from_str(&d).is_ok(), "{name:?} gave a header value hyper refuses: {d}");
        }
        assert_eq!(
            disposition("modul – 4.pdf"),
            "attachment; filename=\"modul _ 4.pdf\"; filename*=UTF-8''modul%20%E2%80%93%204.pdf",
            "the exact name travels percent-encoded beside an ASCII fallback"
        );
    }

    #[test]
    fn ranges_validators_and_odd_headers() {
        let e = "\"abc\"";
        assert_eq!(wanted(&headers(&[]), 100, e), Wanted::Whole);
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=10-19")]), 100, e), Wanted::Part(10..=19));
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=90-")]), 100, e), Wanted::Part(90..=99));
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=-5")]), 100, e), Wanted::Part(95..=99));
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=100-")]), 100, e), Wanted::Unsatisfiable);
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=200-300")]), 100, e), Wanted::Unsatisfiable);
        assert_eq!(
            wanted(&headers(&[(header::RANGE, "bytes=10-5")]), 100, e),
            Wanted::Whole,
            "a last byte before the first is no range: ignored (RFC 9110 14.1.1), not 416"
        );
        assert_eq!(
            wanted(&headers(&[(header::RANGE, "bytes=-200")]), 100, e),
            Wanted::Part(0..=99),
            "a suffix longer than the file is all of it (RFC 9110 14.1.2), not 416"
        );
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=-100")]), 100, e), Wanted::Part(0..=99));
        assert_eq!(
            wanted(&headers(&[(header::RANGE, "bytes=-1")]), 0, e),
            Wanted::Unsatisfiable,
            "empty file"
        );
        assert_eq!(
            wanted(&headers(&[(header::RANGE, "bytes=0-1,5-6")]), 100, e),
            Wanted::Whole,
            "several ranges are answered whole rather than as multipart"
        );
        assert_eq!(wanted(&headers(&[(header::RANGE, "items=1-2")]), 100, e), Wanted::Whole);
        assert_eq!(
            wanted(&headers(&[(header::RANGE, "bytes=10-19"), (header::IF_RANGE, "\"old\"")]), 100, e),
            Wanted::Whole,
            "a resume against another version must restart"
        );
        assert_eq!(
            wanted(&headers(&[(header::RANGE, "bytes=10-19"), (header::IF_RANGE, e)]), 100, e),
            Wanted::Part(10..=19)
        );
        assert_eq!(wanted(&headers(&[(header::IF_NONE_MATCH, e)]), 100, e), Wanted::NotModified);
    }
}
