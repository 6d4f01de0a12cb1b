//! Stored files (evidence uploads, material attachments): content-addressed by SHA-256 and kept in
//! chunks (`migrations/0004_files.sql`), so a `Range` read fetches only the chunks it covers. Served with
//! `ETag` (the hash), `Accept-Ranges`, `Range` → `206` (one range; several are answered whole, as HTTP
//! allows), an unsatisfiable range → `416`, and `If-Range` (a stale validator gets the whole file).

use crate::error::{Result, ServerError};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use penggerak_types::ErrorCode;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::ops::RangeInclusive;

/// Bytes per stored chunk.
pub const CHUNK: usize = 256 * 1024;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores `bytes` (once per content) and returns its SHA-256.
pub async fn store(conn: &mut AnyConnection, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    let inserted =
        sqlx::query("INSERT INTO files (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
            .bind(&sha)
            .bind(bytes.len() as i64)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if inserted == 1 {
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

/// The size of the stored file `sha`, if stored.
pub async fn size(conn: &mut AnyConnection, sha: &str) -> Result<Option<u64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT size FROM files WHERE sha256 = $1").bind(sha).fetch_optional(conn).await?;
    Ok(row.map(|(s,)| s as u64))
}

/// Bytes `range` of the stored file `sha`.
pub async fn read(conn: &mut AnyConnection, sha: &str, range: RangeInclusive<u64>) -> Result<Vec<u8>> {
    let (start, end) = (*range.start(), *range.end());
    let (first, last) = (start / CHUNK as u64, end / CHUNK as u64);
    let chunks: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT n, data FROM file_chunks WHERE sha256 = $1 AND n >= $2 AND n <= $3 ORDER BY n",
    )
    .bind(sha)
    .bind(first as i64)
    .bind(last as i64)
    .fetch_all(conn)
    .await?;
    if chunks.len() as u64 != last - first + 1 {
        return Err(ServerError::Internal(anyhow::anyhow!("file {sha} is missing chunks")));
    }
    let mut out = Vec::with_capacity((end - start + 1) as usize);
    for (n, data) in chunks {
        let base = n as u64 * CHUNK as u64;
        let from = start.saturating_sub(base) as usize;
        let to = ((end + 1 - base) as usize).min(data.len());
        out.extend_from_slice(&data[from..to]);
    }
    Ok(out)
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
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 => Wanted::Part(ranges[0].clone()),
        Ok(_) => Wanted::Whole,
        Err(_) => Wanted::Unsatisfiable,
    }
}

/// The download response for the stored file `sha` (`size` bytes), named `file_name`.
pub async fn serve(
    conn: &mut AnyConnection,
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
            r = r.header(header::CONTENT_TYPE, content_type).header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\', '\r', '\n'], "_")),
            );
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
        Wanted::Part(r) => {
            let bytes = read(conn, sha, r.clone()).await?;
            common(StatusCode::PARTIAL_CONTENT)
                .header(header::CONTENT_RANGE, format!("bytes {}-{}/{size}", r.start(), r.end()))
                .body(Body::from(bytes))
        }
        Wanted::Whole if size == 0 => common(StatusCode::OK).body(Body::empty()),
        Wanted::Whole => common(StatusCode::OK).body(Body::from(read(conn, sha, 0..=size - 1).await?)),
    };
    built.map_err(|e| ServerError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_str(v).unwrap())).collect()
    }

    #[test]
    fn ranges_validators_and_odd_headers() {
        let e = "\"abc\"";
        assert_eq!(wanted(&headers(&[]), 100, e), Wanted::Whole);
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=10-19")]), 100, e), Wanted::Part(10..=19));
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=90-")]), 100, e), Wanted::Part(90..=99));
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=-5")]), 100, e), Wanted::Part(95..=99));
        assert_eq!(wanted(&headers(&[(header::RANGE, "bytes=100-")]), 100, e), Wanted::Unsatisfiable);
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
