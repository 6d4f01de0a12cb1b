//! App releases: the newest build of the app per platform, published by an operator
//! (`penggerak-server publish-update`) and offered to older apps through the Tauri updater's endpoint.
//! The bundle is a stored file ([`crate::files`], so every instance serves it and a download can
//! resume); its signature is the publisher's (`cargo xtask package`), checked by the app, never here: the
//! server only carries it.

use crate::error::{Result, ServerError};
use crate::files;
use base64::Engine as _;
use penggerak_types::{limits, ErrorCode};
use sqlx::AnyConnection;

/// Who uses a release's bundle, for [`files::store_for`].
const OWNER: &str = "app_release";

/// What an operator publishes.
pub struct NewRelease<'a> {
    /// `<os>-<arch>` as the Tauri updater names it (`linux-x86_64`, `windows-x86_64`, `darwin-aarch64`).
    pub platform: &'a str,
    /// Semantic version (`0.2.0`).
    pub version: &'a str,
    pub notes: &'a str,
    /// The bundle's file name (`Penggerak_0.2.0_amd64.deb`).
    pub file_name: &'a str,
    pub bundle: &'a [u8],
    /// The bundle's signature as `tauri signer sign` writes it (`<bundle>.sig`: base64).
    pub signature: &'a str,
    /// When (Unix seconds).
    pub at: i64,
}

/// A published release, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Release {
    pub version: String,
    pub notes: String,
    pub pub_date: i64,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub signature: String,
}

fn refused(message: String) -> ServerError {
    ServerError::new(ErrorCode::Validation, message)
}

/// Whether `p` is a platform name the updater sends: `<os>-<arch>`, lowercase letters, digits and `_`.
pub fn is_platform(p: &str) -> bool {
    let part = |s: &str| {
        (1..=32).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    p.split_once('-').is_some_and(|(os, arch)| part(os) && part(arch))
}

/// Publishes `new` for its platform, replacing what was published there (its bundle is removed when no
/// other release uses it). Checked first: a version that is not semantic, notes or a bundle over their
/// bounds, a file name with a path in it, a signature that is not base64 text.
pub async fn publish(conn: &mut AnyConnection, new: NewRelease<'_>) -> Result<()> {
    if !is_platform(new.platform) {
        return Err(refused(format!("Platform {:?} is not <os>-<arch>.", new.platform)));
    }
    semver::Version::parse(new.version).map_err(|e| refused(format!("Version {:?}: {e}", new.version)))?;
    if !limits::fits(new.notes, limits::RELEASE_NOTES) {
        return Err(refused(format!("Notes longer than {} characters.", limits::RELEASE_NOTES)));
    }
    if new.bundle.is_empty() || new.bundle.len() > limits::APP_BUNDLE {
        return Err(refused(format!("A bundle is 1 byte to {} bytes.", limits::APP_BUNDLE)));
    }
    let name_ok = !new.file_name.is_empty()
        && limits::fits(new.file_name, limits::FILE_NAME)
        && !new.file_name.contains(['/', '\\'])
        && !limits::has_control(new.file_name);
    if !name_ok {
        return Err(refused(format!("File name {:?} is not a plain file name.", new.file_name)));
    }
    let signature = new.signature.trim();
    let decodes = base64::engine::general_purpose::STANDARD.decode(signature).is_ok();
    if signature.is_empty() || signature.len() > limits::SIGNATURE || !decodes {
        return Err(refused("The signature is not a `tauri signer sign` signature (base64).".into()));
    }
    files::release_for(conn, OWNER, new.platform).await?;
    let sha = files::store_for(conn, OWNER, new.platform, new.bundle).await?;
    sqlx::query("DELETE FROM app_releases WHERE platform = $1")
        .bind(new.platform)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO app_releases (platform, version, notes, pub_date, file_name, sha256, size, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new.platform)
    .bind(new.version)
    .bind(new.notes)
    .bind(new.at)
    .bind(new.file_name)
    .bind(&sha)
    .bind(new.bundle.len() as i64)
    .bind(signature)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The release published for `platform`, if any.
pub async fn current(conn: &mut AnyConnection, platform: &str) -> Result<Option<Release>> {
    Ok(sqlx::query_as(
        "SELECT version, notes, pub_date, file_name, sha256, size, signature FROM app_releases WHERE platform = $1",
    )
    .bind(platform)
    .fetch_optional(conn)
    .await?)
}

/// The release whose bundle is `sha256`, if one is published.
pub async fn by_file(conn: &mut AnyConnection, sha256: &str) -> Result<Option<Release>> {
    Ok(sqlx::query_as(
        "SELECT version, notes, pub_date, file_name, sha256, size, signature FROM app_releases
         WHERE sha256 = $1 LIMIT 1",
    )
    .bind(sha256)
    .fetch_optional(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_are_os_dash_arch() {
        for ok in ["linux-x86_64", "windows-x86_64", "darwin-aarch64", "linux-i686"] {
            assert!(is_platform(ok), "{ok}");
        }
        for bad in ["linux", "-x86_64", "linux-", "Linux-x86_64", "linux-x86_64-deb", "../etc-x", "a b-c"] {
            assert!(!is_platform(bad), "{bad}");
        }
    }
}
