//! Learning materials saved for reading offline (`migrations/0006_saved_materials.sql`).
//!
//! The catalogue comes with sync like every record; a material's text and files come only when the user
//! saves it, because they cost data. Owns: downloading them (the text with its `ETag`, each file in parts
//! appended to a `.part` file named by the version's hash, so a dropped connection costs at most one part
//! and the next try resumes where it stopped; a part that times out is asked for again at half the size,
//! for the slowest links), checking each file against the catalogue's SHA-256 before it counts as saved,
//! and reading back what is saved, with no network.
//!
//! A material is saved once its text and every file of the catalogue's version are on the device. Files
//! are put in place one by one as each is whole; the text and the catalogue entry it belongs to are
//! written last, so a saved text means a version was once whole. While a newer version is being fetched
//! the page shows the saved text with whichever files are already new (`Outdated` until the text follows).
//! Saved materials are public texts and outlive sign-out, like the data-use figures: they stay listed and
//! readable from the catalogue entry saved with them, and a teacher who signs in again does not pay for
//! them twice.

use crate::material_files::{checked, file_path, folder, part_path};
use crate::{CoreError, Engine, LocalStore};
use penggerak_client::{ClientError, ContentAnswer, FilePart};
use penggerak_types::ipc::{Connection, MaterialItem, MaterialReader, MaterialsView, Saved, SavedFile};
use penggerak_types::material::{Material, MaterialContent, MaterialFile};
use penggerak_types::{limits, Reason, RecordKind};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// Bytes asked for per request of a file: what a connection dropped mid-download can cost again.
pub const PART: u64 = 256 * 1024;
/// The smallest part: halving stops here (at 2G speeds, ~2 KB/s, it still fits the request timeout).
const MIN_PART: u64 = 32 * 1024;

/// A material as saved: the catalogue entry of the version saved, and its text.
struct SavedText {
    etag: String,
    material: Material,
    content: MaterialContent,
}

/// The SHA-256 of the file at `path`, read in blocks (files can be large; never all in memory).
fn sha256_of_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            break;
        }
        hasher.update(&block[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> CoreError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return CoreError::DeviceFull(format!("{what} {}: {e}", path.display()));
    }
    CoreError::Storage(format!("{what} {}: {e}", path.display()))
}

/// Writes `bytes` into the part file at byte `from`: appended after what is there, or (from 0) in its place.
fn append_part(part: &Path, from: u64, bytes: &[u8]) -> Result<(), CoreError> {
    let mut out = crate::store::private_file(
        part,
        std::fs::OpenOptions::new().create(true).append(from != 0).write(true).truncate(from == 0),
    )
    .map_err(|e| io("opening", part, e))?;
    out.write_all(bytes).and_then(|()| out.sync_data()).map_err(|e| io("writing", part, e))
}

fn not_usable(reason: Reason, message: String) -> CoreError {
    CoreError::Download(reason, message)
}

impl LocalStore {
    async fn saved_text(&self, id: &str) -> Result<Option<SavedText>, CoreError> {
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT content_etag, material, content FROM saved_materials WHERE id = ?")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some((etag, material, content)) = row else { return Ok(None) };
        let unreadable =
            |e: serde_json::Error| CoreError::Storage(format!("saved material {id} unreadable: {e}"));
        Ok(Some(SavedText {
            etag,
            material: serde_json::from_str(&material).map_err(unreadable)?,
            content: serde_json::from_str(&content).map_err(unreadable)?,
        }))
    }

    /// The ids of every saved material.
    async fn saved_ids(&self) -> Result<Vec<String>, CoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM saved_materials").fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// The hashes of the saved files of material `id`, by file id.
    async fn saved_files(&self, id: &str) -> Result<Vec<(String, String)>, CoreError> {
        Ok(sqlx::query_as("SELECT file_id, sha256 FROM saved_material_files WHERE material_id = ?")
            .bind(id)
            .fetch_all(self.pool())
            .await?)
    }
}

impl Engine {
    fn materials_root(&self) -> &Path {
        &self.materials_dir
    }

    /// Bytes free where materials are kept (on the data folder's file system until the materials folder
    /// exists); `None` when the device cannot tell.
    fn free_bytes(&self) -> Option<u64> {
        #[cfg(feature = "testing")]
        if let Some(bytes) = *self.free_space.lock().unwrap_or_else(std::sync::PoisonError::into_inner) {
            return Some(bytes);
        }
        let root = self.materials_root();
        let probe = if root.exists() { root } else { root.parent().unwrap_or(root) };
        fs4::available_space(probe).ok()
    }

    /// Refuses a download of `needed` bytes that would leave less than [`limits::FREE_SPACE_KEPT`] free.
    fn room_for(&self, needed: u64) -> Result<(), CoreError> {
        let kept = limits::FREE_SPACE_KEPT;
        match self.free_bytes() {
            Some(free) if free < needed.saturating_add(kept) => {
                Err(CoreError::Refused(penggerak_types::Reason::NoRoom { needed, free, kept }))
            }
            _ => Ok(()),
        }
    }

    /// Whether file `f` of `m` is saved in the catalogue's version.
    fn file_current(&self, m: &Material, f: &MaterialFile, saved: &[(String, String)]) -> bool {
        saved.iter().any(|(id, sha)| *id == f.id && *sha == f.sha256)
            && file_len(&file_path(self.materials_root(), &m.id, f)) == f.size
    }

    async fn item(&self, m: Material, text: Option<&SavedText>) -> Result<MaterialItem, CoreError> {
        let files = self.store().saved_files(&m.id).await?;
        let text_current = text.is_some_and(|t| t.etag == m.content_etag);
        let mut saved_bytes = if text_current { m.content_size } else { 0 };
        let mut files_current = true;
        for f in &m.files {
            if self.file_current(&m, f, &files) {
                saved_bytes += f.size;
            } else {
                files_current = false;
                saved_bytes += file_len(&part_path(self.materials_root(), &m.id, f)).min(f.size);
            }
        }
        let saved = match (text.is_some(), text_current && files_current) {
            (true, true) => Saved::Yes,
            (true, false) => Saved::Outdated,
            (false, _) => Saved::No,
        };
        let later: Option<(Option<String>, i64)> =
            sqlx::query_as("SELECT reason, failures FROM download_later WHERE id = ?")
                .bind(&m.id)
                .fetch_optional(self.store().pool())
                .await?;
        let later_failed =
            later.as_ref().and_then(|(r, _)| r.as_deref()).and_then(|r| serde_json::from_str(r).ok());
        let later_failures = later.as_ref().map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(u32::MAX));
        Ok(MaterialItem {
            material: m,
            saved,
            saved_bytes,
            later: later.is_some(),
            later_failed,
            later_failures,
        })
    }

    /// The catalogue's entry for `id`, else the one saved with the material (a saved material stays
    /// readable when the catalogue is not on the device, e.g. after sign-out), else `Missing`.
    async fn entry(&self, id: &str, text: Option<&SavedText>) -> Result<Material, CoreError> {
        match (self.store().record(RecordKind::Material, id).await?, text) {
            (Some(r), _) => r.parse(),
            (None, Some(t)) => Ok(t.material.clone()),
            (None, None) => Err(CoreError::Missing(format!(
                "Materi {id} tidak ada di perangkat ini. Sinkronkan dulu, lalu coba lagi."
            ))),
        }
    }

    /// The catalogue on the device, most recently updated first, with what of each is saved; saved
    /// materials the catalogue does not list (any more, or not yet after a sign-in) are listed too.
    pub async fn materials(&self) -> Result<MaterialsView, CoreError> {
        let mut all: Vec<Material> = self.store().all(RecordKind::Material).await?;
        for id in self.store().saved_ids().await? {
            if !all.iter().any(|m| m.id == id) {
                if let Some(t) = self.store().saved_text(&id).await? {
                    all.push(t.material);
                }
            }
        }
        all.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.title.cmp(&b.title)));
        let mut materials = Vec::with_capacity(all.len());
        for m in all {
            let text = self.store().saved_text(&m.id).await?;
            materials.push(self.item(m, text.as_ref()).await?);
        }
        let saved_bytes = materials.iter().map(|m| m.saved_bytes).sum();
        Ok(MaterialsView {
            materials,
            connection: self.connection().await,
            free_bytes: self.free_bytes(),
            saved_bytes,
        })
    }

    /// A material to read: its saved text and files (whatever version is saved), from the device only.
    pub async fn material(&self, id: &str) -> Result<MaterialReader, CoreError> {
        let id = checked(id)?;
        let text = self.store().saved_text(id).await?;
        let m = self.entry(id, text.as_ref()).await?;
        let saved = self.store().saved_files(id).await?;
        let files = m
            .files
            .iter()
            .map(|f| {
                let path = file_path(self.materials_root(), id, f);
                // An outdated file is still the file to open until its new version replaces it.
                let whole = saved.iter().any(|(fid, _)| *fid == f.id) && path.is_file();
                SavedFile { file: f.clone(), path: whole.then(|| path.display().to_string()) }
            })
            .collect();
        let item = self.item(m, text.as_ref()).await?;
        Ok(MaterialReader { item, content: text.map(|t| t.content), files, free_bytes: self.free_bytes() })
    }

    /// Downloads what the device lacks of material `id` in the catalogue's version: the text unless the
    /// saved one is current (`If-None-Match`), and each file not yet saved, resuming a part left by an
    /// earlier try. One download runs at a time; a second call waits and then finds little left to do.
    pub async fn save_material(&self, id: &str) -> Result<MaterialReader, CoreError> {
        let id = checked(id)?;
        self.may_download_now().await?;
        self.save_now(id).await
    }

    /// Downloads material `id` now on whatever connection the device has, because the user asked for it
    /// knowing that: the one-off answer to a download held by "Hanya unduh lewat Wi-Fi" (the setting stays
    /// on). The free-space check and everything else of [`Self::save_material`] still hold.
    pub async fn save_material_anyway(&self, id: &str) -> Result<MaterialReader, CoreError> {
        let id = checked(id)?;
        self.save_now(id).await
    }

    /// Whether a download the user asked for may start now: not while "Hanya unduh lewat Wi-Fi" is on and
    /// the connection is metered or unknown (`waits_for_wifi`, with the connection). Materials and the
    /// app's own updates alike.
    pub async fn may_download_now(&self) -> Result<(), CoreError> {
        if self.store().preferences().await?.wifi_only {
            let connection = self.connection().await;
            if connection != Connection::Unmetered {
                return Err(CoreError::Refused(penggerak_types::Reason::WaitsForWifi { connection }));
            }
        }
        Ok(())
    }

    /// Downloads what the device lacks of material `id` (see [`Self::save_material`]), whatever the
    /// connection; a material saved is no longer waiting to be fetched later.
    async fn save_now(&self, id: &str) -> Result<MaterialReader, CoreError> {
        let _one_at_a_time = self.downloads.lock().await;
        let result = self.download(id).await;
        // Whatever happened, what it cost is counted.
        self.keep_data_use_or_warn().await;
        result?;
        sqlx::query("DELETE FROM download_later WHERE id = ?").bind(id).execute(self.store().pool()).await?;
        self.material(id).await
    }

    /// Marks material `id` to be fetched at a sync on a connection that is not metered (`on`), or unmarks
    /// it. Only a material the catalogue on the device lists can be marked.
    pub async fn download_later(&self, id: &str, on: bool) -> Result<MaterialReader, CoreError> {
        let id = checked(id)?;
        if on {
            if self.store().record(RecordKind::Material, id).await?.is_none() {
                return Err(CoreError::Refused(penggerak_types::Reason::NotOnDevice));
            }
            sqlx::query("INSERT INTO download_later (id, asked_at) VALUES (?, unixepoch()) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .execute(self.store().pool())
                .await?;
        } else {
            sqlx::query("DELETE FROM download_later WHERE id = ?")
                .bind(id)
                .execute(self.store().pool())
                .await?;
        }
        self.material(id).await
    }

    /// Fetches the materials marked "Unduh nanti", oldest mark first, if the connection is not metered
    /// (an unknown one counts as metered); returns how many were saved. A material that cannot be saved
    /// keeps its mark with the error it ended on, for its page, and the rest are still tried; after
    /// [`limits::LATER_DOWNLOAD_TRIES`] such failures in a row it is no longer tried (saving it by hand
    /// still can). One the catalogue no longer lists loses its mark. A connection cut or too slow for one
    /// goes on to the next, and counts as a failure only when nothing more of it arrived; a second such cut
    /// in a row ends the pass (the link is poor now). No connection at all, a busy server or gateway (503,
    /// 429), or a session ended stops the pass, counting nothing. Started by the sync loop after each good
    /// sync; one pass at a time.
    pub async fn fetch_later(&self) -> Result<usize, CoreError> {
        let Ok(_one_pass) = self.later_running.try_lock() else { return Ok(0) };
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM download_later WHERE failures < ? ORDER BY asked_at, id")
                .bind(i64::from(limits::LATER_DOWNLOAD_TRIES))
                .fetch_all(self.store().pool())
                .await?;
        if ids.is_empty() || self.connection().await != Connection::Unmetered {
            return Ok(0);
        }
        let (mut saved, mut cuts) = (0, 0);
        for (id,) in ids {
            let had = self.material(&id).await.map_or(0, |r| r.item.saved_bytes);
            let answer = self.save_now(&id).await;
            if !matches!(answer, Err(CoreError::Client(ClientError::Offline { request_sent: true, .. }))) {
                cuts = 0;
            }
            match answer {
                Ok(_) => saved += 1,
                Err(CoreError::Missing(_)) => {
                    sqlx::query("DELETE FROM download_later WHERE id = ?")
                        .bind(&id)
                        .execute(self.store().pool())
                        .await?;
                }
                Err(e @ CoreError::Client(ClientError::Offline { request_sent: true, .. })) => {
                    // Cut, or too slow for its parts: what arrived is kept and resumed next time. Only a
                    // cut that brought nothing more counts against it (something on the way that resets
                    // it every time); a second cut in a row ends the pass.
                    tracing::info!(material = %id, error = %e, "fetching later cut short");
                    cuts += 1;
                    let has = self.material(&id).await.map_or(0, |r| r.item.saved_bytes);
                    if has <= had {
                        self.later_failed(&id, &e).await?;
                    }
                    if cuts == 2 {
                        break;
                    }
                }
                Err(e) if stops_the_pass(&e) => {
                    // Not this material's fault: the next sync tries again.
                    tracing::info!(material = %id, error = %e, "fetching later stopped");
                    break;
                }
                Err(e) => {
                    tracing::warn!(material = %id, error = %e, "a material marked to fetch later could not be saved");
                    self.later_failed(&id, &e).await?;
                }
            }
        }
        Ok(saved)
    }

    /// A try to fetch material `id` later failed with `e`: kept for its page, and counted.
    async fn later_failed(&self, id: &str, e: &CoreError) -> Result<(), CoreError> {
        let failed =
            serde_json::to_string(&e.to_api_error()).map_err(|e| CoreError::Storage(e.to_string()))?;
        sqlx::query("UPDATE download_later SET reason = ?, failures = failures + 1 WHERE id = ?")
            .bind(failed)
            .bind(id)
            .execute(self.store().pool())
            .await?;
        Ok(())
    }

    /// `NotSignedIn` once another sign-in or a sign-out happened since `epoch`.
    fn same_session(&self, epoch: u64) -> Result<(), CoreError> {
        if self.account_epoch.load(Ordering::SeqCst) == epoch {
            Ok(())
        } else {
            Err(CoreError::NotSignedIn)
        }
    }

    async fn download(&self, id: &str) -> Result<(), CoreError> {
        let epoch = self.account_epoch.load(Ordering::SeqCst);
        let m = match self.store().record(RecordKind::Material, id).await? {
            Some(r) => r.parse::<Material>()?,
            None => return self.entry(id, None).await.map(|_| ()),
        };
        checked(&m.id)?;
        if let Some(bad) = m.files.iter().find(|f| checked(&f.id).is_err()) {
            return Err(CoreError::Client(ClientError::Protocol(format!(
                "the catalogue gives {} an unusable id",
                bad.name
            ))));
        }
        if let Some(bad) = m.files.iter().find(|f| !penggerak_types::peer::is_sha256(&f.sha256)) {
            return Err(CoreError::Client(ClientError::Protocol(format!(
                "the catalogue gives {} no SHA-256",
                bad.name
            ))));
        }
        let held = self.store().saved_text(id).await?;
        // What is still missing must fit, with room to spare, before anything is asked for.
        let have = self.item(m.clone(), held.as_ref()).await?.saved_bytes;
        self.room_for(m.download_size().saturating_sub(have))?;
        let mut link = self.link().await?;
        let held_tag = held.as_ref().map(|t| t.etag.clone());
        // A colleague's device first (Berbagi di sekolah), for a text this device does not hold yet; its
        // copy is used only if it is the catalogue's version.
        let from_peer = match held_tag.as_deref() == Some(m.content_etag.as_str()) {
            true => None,
            false => self.text_from_peer(&m.content_etag).await,
        };
        let answer = match from_peer {
            Some(content) => ContentAnswer::Content { content, etag: m.content_etag.clone() },
            None => {
                self.call(&mut link, |c, token| {
                    let tag = held_tag.clone();
                    async move { c.material_content(&token, id, tag.as_deref()).await }
                })
                .await?
            }
        };
        let (content, etag) = match (answer, held) {
            (ContentAnswer::Content { content, etag }, _) => (content, etag),
            (ContentAnswer::NotModified, Some(t)) => (t.content, t.etag),
            (ContentAnswer::NotModified, None) => {
                return Err(CoreError::Client(ClientError::Protocol(
                    "304 for a text the device does not hold".into(),
                )))
            }
        };
        crate::store::private_dir(self.materials_root())
            .map_err(|e| io("creating", self.materials_root(), e))?;
        let dir = folder(self.materials_root(), id);
        crate::store::private_dir(&dir).map_err(|e| io("creating", &dir, e))?;
        let saved = self.store().saved_files(id).await?;
        for f in &m.files {
            if !self.file_current(&m, f, &saved) {
                self.download_file(&mut link, &m, f, epoch).await?;
            }
        }
        // The text last: from now on this version counts as saved.
        let material = serde_json::to_string(&m).map_err(|e| CoreError::Storage(e.to_string()))?;
        let json = serde_json::to_string(&content).map_err(|e| CoreError::Storage(e.to_string()))?;
        let mut tx = self.store().write().await?;
        sqlx::query(
            "INSERT INTO saved_materials (id, content_etag, material, content, saved_at)
             VALUES (?, ?, ?, ?, unixepoch())
             ON CONFLICT (id) DO UPDATE SET content_etag = excluded.content_etag, material = excluded.material,
                                            content = excluded.content, saved_at = excluded.saved_at",
        )
        .bind(id)
        .bind(&etag)
        .bind(&material)
        .bind(&json)
        .execute(&mut *tx)
        .await?;
        crate::search::index_saved(&mut tx, &m, &content).await?;
        // Files the saved version no longer has are forgotten, and (below) their bytes removed.
        let keep: Vec<&str> = m.files.iter().map(|f| f.id.as_str()).collect();
        for (file_id, _) in &saved {
            if !keep.contains(&file_id.as_str()) {
                sqlx::query("DELETE FROM saved_material_files WHERE material_id = ? AND file_id = ?")
                    .bind(id)
                    .bind(file_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        self.remove_leftovers(&m);
        if etag != m.content_etag {
            // The server's text is newer than the catalogue on the device: a sync brings the entry that
            // goes with it (until then the material shows as having a newer version).
            self.wake_sync();
        }
        tracing::info!(material = id, "saved for reading offline");
        Ok(())
    }

    /// Deletes what the folder of `m` holds beyond the files of the version just saved: parts and files
    /// of older versions, which nothing would otherwise ever remove.
    fn remove_leftovers(&self, m: &Material) {
        let wanted: Vec<PathBuf> =
            m.files.iter().map(|f| file_path(self.materials_root(), &m.id, f)).collect();
        let Ok(entries) = std::fs::read_dir(folder(self.materials_root(), &m.id)) else { return };
        for e in entries.flatten() {
            let path = e.path();
            if !wanted.contains(&path) {
                if let Err(err) = std::fs::remove_file(&path) {
                    tracing::warn!(path = %path.display(), error = %err, "could not remove an old download");
                }
            }
        }
    }

    /// Appends parts of file `f` to its `.part` file until it is whole, checks it against the catalogue's
    /// hash, then puts it in place and records it.
    async fn download_file(
        &self,
        link: &mut crate::engine::Link,
        m: &Material,
        f: &MaterialFile,
        epoch: u64,
    ) -> Result<(), CoreError> {
        let part = part_path(self.materials_root(), &m.id, f);
        // Peers (Berbagi di sekolah) whose bytes are in the part file, and those this file asks no more.
        let mut from_peers: Vec<std::net::SocketAddr> = Vec::new();
        let mut skip: Vec<std::net::SocketAddr> = Vec::new();
        // A pass that a lying peer spoiled is followed by one without it; each drops at least one peer.
        for _pass in 0..=penggerak_types::limits::PEERS {
            // Created before the loop, so an empty file is saved like any other.
            crate::store::private_file(&part, std::fs::OpenOptions::new().create(true).append(true))
                .map_err(|e| io("opening", &part, e))?;
            let mut part_len = PART;
            loop {
                let have = file_len(&part);
                if have >= f.size {
                    break;
                }
                self.same_session(epoch)?;
                // A colleague's device first: the same part, by the catalogue's hash, no mobile data.
                let wanted = PART.min(f.size - have);
                if let Some((peer, bytes)) = self.part_from_peer(&f.sha256, have, wanted, &mut skip).await {
                    append_part(&part, have, &bytes)?;
                    if !from_peers.contains(&peer) {
                        from_peers.push(peer);
                    }
                    continue;
                }
                let answer = self
                    .call(link, |c, token| async move {
                        c.material_file_part(&token, &m.id, &f.id, &f.sha256, have, part_len).await
                    })
                    .await;
                let (from, bytes) = match answer {
                    Ok(FilePart::Bytes { from, bytes }) => (from, bytes),
                    Ok(FilePart::Changed) => {
                        // The catalogue on the device is behind the server: a sync brings the new entry.
                        let _ = std::fs::remove_file(&part);
                        self.wake_sync();
                        return Err(not_usable(
                            Reason::FileChanged,
                            format!("file {} changed on the server", f.name),
                        ));
                    }
                    // A part that did not arrive in time: the link is slow, so ask for less at a time.
                    Err(CoreError::Client(ClientError::Offline { request_sent: true, .. }))
                        if part_len > MIN_PART =>
                    {
                        part_len /= 2;
                        tracing::info!(part_len, "a file part timed out; asking for smaller parts");
                        continue;
                    }
                    Err(e) if e.to_api_error().code == penggerak_types::ErrorCode::Validation => {
                        // 416: what is on the device is not the start of this file; start it again.
                        let _ = std::fs::remove_file(&part);
                        return Err(e);
                    }
                    Err(e) => return Err(e),
                };
                if from != 0 && from != have {
                    return Err(CoreError::Client(ClientError::Protocol(format!(
                        "asked for {} from byte {have}, got bytes from {from}",
                        f.name
                    ))));
                }
                // The server may send the whole file instead of a range: start again with it.
                if from == 0 {
                    from_peers.clear();
                }
                append_part(&part, from, &bytes)?;
                if file_len(&part) <= have {
                    return Err(CoreError::Client(ClientError::Protocol(format!(
                        "a part of {} at byte {have} brought nothing new",
                        f.name
                    ))));
                }
            }
            let hashing = part.clone();
            let sha = tokio::task::spawn_blocking(move || sha256_of_file(&hashing))
                .await
                .map_err(|e| CoreError::Storage(format!("hashing {}: {e}", part.display())))?
                .map_err(|e| io("reading", &part, e))?;
            if file_len(&part) != f.size || sha != f.sha256 {
                // Not the file the catalogue lists (damaged on the way): kept, it would only be resumed into
                // something wrong.
                let _ = std::fs::remove_file(&part);
                if !from_peers.is_empty() {
                    // A colleague's device sent it (or part of it): dropped, and the file fetched again
                    // without it.
                    for p in from_peers.drain(..) {
                        tracing::warn!(peer = %p, file = %f.name, "a colleague's device sent a damaged file; it is dropped");
                        self.peers.drop_peer(p);
                    }
                    continue;
                }
                return Err(not_usable(Reason::FileDamaged, format!("file {} arrived damaged", f.name)));
            }
            let target = file_path(self.materials_root(), &m.id, f);
            std::fs::rename(&part, &target).map_err(|e| io("moving into place", &target, e))?;
            sqlx::query(
                "INSERT INTO saved_material_files (material_id, file_id, sha256, size) VALUES (?, ?, ?, ?)
             ON CONFLICT (material_id, file_id) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size",
            )
            .bind(&m.id)
            .bind(&f.id)
            .bind(&f.sha256)
            .bind(f.size as i64)
            .execute(self.store().pool())
            .await?;
            return Ok(());
        }
        Err(not_usable(
            Reason::FileDamaged,
            format!("file {} arrived damaged again after its damaging peers were dropped", f.name),
        ))
    }

    /// Removes every saved material from the device: their texts, their search rows, and the whole
    /// materials folder (files and parts of downloads).
    pub async fn remove_all_materials(&self) -> Result<(), CoreError> {
        let _one_at_a_time = self.downloads.lock().await;
        let mut tx = self.store().write().await?;
        for (id,) in
            sqlx::query_as::<_, (String,)>("SELECT id FROM saved_materials").fetch_all(&mut *tx).await?
        {
            crate::search::unindex_saved(&mut tx, &id).await?;
        }
        sqlx::query("DELETE FROM saved_materials").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM saved_material_files").execute(&mut *tx).await?;
        tx.commit().await?;
        match std::fs::remove_dir_all(self.materials_root()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("removing", self.materials_root(), e)),
        }
    }

    /// Removes material `id` from the device: its text, its files and any part of a download.
    pub async fn remove_material(&self, id: &str) -> Result<(), CoreError> {
        let id = checked(id)?;
        let _one_at_a_time = self.downloads.lock().await;
        let mut tx = self.store().write().await?;
        sqlx::query("DELETE FROM saved_materials WHERE id = ?").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM saved_material_files WHERE material_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        crate::search::unindex_saved(&mut tx, id).await?;
        tx.commit().await?;
        let dir = folder(self.materials_root(), id);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("removing", &dir, e)),
        }
    }
}

/// Whether a failed fetch of a material marked "Unduh nanti" says nothing about the material: no
/// connection, a server or gateway busy (503), its pace, or the session ended. The pass stops there,
/// counting nothing; the next sync tries again. (A gateway's other bare 5xx for one material, moments
/// after a sync went through, is that material's failure: counted and shown, or it would be tried for
/// ever unseen.)
fn stops_the_pass(e: &CoreError) -> bool {
    use penggerak_types::ErrorCode;
    matches!(
        e,
        CoreError::NotSignedIn
            | CoreError::Client(ClientError::Offline { .. } | ClientError::Unavailable { status: 503 })
    ) || matches!(
        e.to_api_error().code,
        ErrorCode::ServerBusy | ErrorCode::RateLimited | ErrorCode::SessionExpired | ErrorCode::Unauthorized
    )
}
