//! Learning materials: publishing a version (its text content, its files' bytes and its public catalogue
//! record). Materials come from the seed and importers; nobody changes them through the API.

use crate::error::{Result, ServerError};
use crate::files;
use crate::records::{self, Audience};
use penggerak_types::material::{Material, MaterialContent};
use penggerak_types::RecordKind;
use sqlx::AnyConnection;

/// Stores a material: its content (the `ETag` is derived from it), its files' bytes, and the catalogue
/// record with sizes and hashes filled in from them. For the demo seed and importers.
pub async fn publish(
    conn: &mut AnyConnection,
    mut material: Material,
    content: &MaterialContent,
    file_bytes: &[Vec<u8>],
) -> Result<Material> {
    let body = serde_json::to_string(content).map_err(|e| ServerError::Internal(e.into()))?;
    let etag = format!("\"{}\"", &files::sha256_hex(body.as_bytes())[..32]);
    sqlx::query("DELETE FROM material_content WHERE id = $1").bind(&material.id).execute(&mut *conn).await?;
    sqlx::query("INSERT INTO material_content (id, etag, body) VALUES ($1, $2, $3)")
        .bind(&material.id)
        .bind(&etag)
        .bind(&body)
        .execute(&mut *conn)
        .await?;
    material.content_size = body.len() as u64;
    material.content_etag = etag;
    // The old version's files go unless the new one (or another record) still uses them.
    files::release(conn, RecordKind::Material, &material.id).await?;
    for (f, bytes) in material.files.iter_mut().zip(file_bytes) {
        f.sha256 = files::store(conn, RecordKind::Material, &material.id, bytes).await?;
        f.size = bytes.len() as u64;
    }
    records::put(conn, RecordKind::Material, &material.id, &Audience::public(), &material).await?;
    Ok(material)
}
