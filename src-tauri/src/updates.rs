//! Updates of the app itself (desktop), from the server the user is signed in to, through Tauri's updater
//! plugin: the server answers its endpoint ([`route::APP_UPDATE`]) with a newer release or `204`, and a
//! release's bundle is installed only when its signature is the one the key built into this app
//! (`plugins.updater.pubkey` in `tauri.conf.json`, set by `cargo xtask package`) accepts. A build without
//! a key (development) and a server not reached over https (one on this computer) do not update.
//!
//! The commands (`check_update`, `install_update`) are thin over [`check_remembered`], [`check`] and
//! [`download`], which the tests call against a real server with keys of their own.
//!
//! Frugal: Pengaturan asks when it opens, and the server's answer stands for [`REMEMBERED`] (the same
//! server's): opening the page again costs no data (each check is a TLS handshake of its own, a few KB on
//! a paid link). "Periksa pembaruan" always asks.

use penggerak_core::Engine;
use penggerak_types::ipc::{UpdateCheck, UpdatesOff};
use penggerak_types::{route, ApiError, ErrorCode, Reason};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, Runtime, Url};
use tauri_plugin_updater::{Update, UpdaterExt};

/// The key updates are checked with: the build's, if it has one.
pub fn key<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    let plugins = &app.config().plugins.0;
    let key = plugins.get("updater")?.get("pubkey")?.as_str()?.trim();
    (!key.is_empty()).then(|| key.to_owned())
}

/// The updater's endpoint on `server` (the plugin fills in the platform and this app's version).
fn endpoint(server: &str) -> Option<Url> {
    let path = route::APP_UPDATE
        .replace("{target}", "{{target}}")
        .replace("{arch}", "{{arch}}")
        .replace("{current_version}", "{{current_version}}");
    Url::parse(&format!("{}{path}", server.trim_end_matches('/'))).ok()
}

fn failed(e: tauri_plugin_updater::Error) -> ApiError {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => {
            tracing::warn!(error = %e, "an update's signature was refused");
            ApiError::refused(ErrorCode::Validation, Reason::UpdateNotTrusted)
        }
        E::Reqwest(_) | E::Network(_) => {
            tracing::info!(error = %e, "the update server could not be reached");
            ApiError::new(ErrorCode::Offline, "Server pembaruan tidak dapat dihubungi.")
        }
        other => {
            tracing::warn!(error = %other, "looking for an update failed");
            ApiError::new(ErrorCode::Internal, "Pembaruan tidak dapat diperiksa.")
        }
    }
}

/// Asks `server` (the one the user is signed in to) for a newer release: what to tell the user, and the
/// update to [`download`] when there is one.
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    server: &str,
) -> Result<(UpdateCheck, Option<Update>), ApiError> {
    let Some(key) = key(app) else { return Ok((UpdateCheck::Off { why: UpdatesOff::NoKey }, None)) };
    let Some(url) = endpoint(server).filter(|u| u.scheme() == "https") else {
        return Ok((UpdateCheck::Off { why: UpdatesOff::NotHttps }, None));
    };
    let updater = app
        .updater_builder()
        .pubkey(key)
        .endpoints(vec![url])
        .map_err(failed)?
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(failed)?;
    match updater.check().await.map_err(failed)? {
        None => Ok((UpdateCheck::UpToDate, None)),
        Some(update) => {
            let date =
                update.date.and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok());
            let said = UpdateCheck::Available {
                version: update.version.clone(),
                notes: update.body.clone().unwrap_or_default(),
                date,
                // The reference server says it (`AppUpdate::size`); another server may not.
                size: update.raw_json.get("size").and_then(serde_json::Value::as_u64),
            };
            Ok((said, Some(update)))
        }
    }
}

/// How long a server's answer stands when the user did not ask again.
pub const REMEMBERED: Duration = Duration::from_secs(6 * 60 * 60);

/// The last answer: when, from which server, what it said (app state; a failed check is not kept).
#[derive(Default)]
pub struct LastCheck(Mutex<Option<(Instant, String, UpdateCheck)>>);

/// What [`check`] says, asked of `server` only when `again` (the user's word), or when its last answer is
/// older than [`REMEMBERED`] (or was another server's).
pub async fn check_remembered<R: Runtime>(
    app: &AppHandle<R>,
    server: &str,
    again: bool,
) -> Result<UpdateCheck, ApiError> {
    app.manage(LastCheck::default()); // once; a later call keeps the state there is
    let last = app.state::<LastCheck>();
    let kept = |l: &LastCheck| l.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    if let Some((at, from, said)) = kept(&last) {
        if !again && from == server && at.elapsed() < REMEMBERED {
            return Ok(said);
        }
    }
    let said = check(app, server).await?.0;
    *last.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
        Some((Instant::now(), server.to_owned(), said.clone()));
    Ok(said)
}

/// Downloads `update`'s bundle and checks its signature with the build's key: the bytes to install, or
/// [`Reason::UpdateNotTrusted`] when the signature is not the publisher's. What arrived is counted in the
/// month's data use whatever came of it (a refused or broken download was paid for too).
pub async fn download(update: &Update, engine: &Engine) -> Result<Vec<u8>, ApiError> {
    let arrived = AtomicU64::new(0);
    let result = update
        .download(
            |chunk, _| {
                arrived.fetch_add(chunk as u64, Ordering::Relaxed);
            },
            || {},
        )
        .await;
    engine.count_received(arrived.load(Ordering::Relaxed)).await;
    result.map_err(failed)
}

/// Installs the newer release `server` publishes, once [`download`] has checked it (the system asks for the
/// administrator's password to install a package): the version installed. `not_found` when there is none.
pub async fn install<R: Runtime>(
    app: &AppHandle<R>,
    engine: &Engine,
    server: &str,
) -> Result<String, ApiError> {
    // "Hanya unduh lewat Wi-Fi" holds an update as it holds a material.
    engine.may_download_now().await?;
    let Some(update) = check(app, server).await?.1 else {
        return Err(ApiError::new(ErrorCode::NotFound, "Tidak ada pembaruan."));
    };
    let bytes = download(&update, engine).await?;
    update.install(&bytes).map_err(|e| {
        tracing::warn!(error = %e, "the update could not be installed");
        ApiError::new(ErrorCode::Internal, "Pembaruan tidak dapat dipasang.")
    })?;
    Ok(update.version)
}
