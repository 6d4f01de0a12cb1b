//! Learning materials saved for reading offline (`migrations/0006_saved_materials.sql`).
//!
//! The catalogue comes with sync like every record; a material's text and files come only when the user
//! saves it, because they cost data. Owns: downloading them (the text with its `ETag`, each file in parts
//! of [`PART`] bytes appended to a `.part` file, so a dropped connection costs at most one part and the
//! next try resumes where it stopped), checking each file against the catalogue's SHA-256 before it
//! counts as saved, and reading back what is saved, with no network.
//!
//! A material is saved once its text and every file of the catalogue's version are on the device. The
//! text is written last, so a text on the device means a version was once whole; when the catalogue moves
//! on, the old version stays readable (`Outdated`) until the new one has replaced it. Saved materials are
//! public texts and outlive sign-out, like the data-use figures: a teacher who signs in again does not pay
//! for them twice.

use crate::{CoreError, LocalStore, Session};
use penggerak_client::{ContentAnswer, FilePart};
use penggerak_types::ipc::{MaterialItem, MaterialReader, MaterialsView, Saved, SavedFile};
use penggerak_types::material::{Material, MaterialContent, MaterialFile};
use penggerak_types::RecordKind;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Bytes asked for per request of a file: what a connection dropped mid-download can cost again.
pub const PART: u64 = 256 * 1024;

/// The text of a material as saved: which version, and its sections.
struct SavedText {
    etag: String,
    content: MaterialContent,
}

/// A path component for an id from the server: hex, so no id can name a path outside its folder.
fn hex(id: &str) -> String {
    id.bytes().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a material's files live, under the engine's data folder.
fn folder(root: &Path, material_id: &str) -> PathBuf {
    root.join(hex(material_id))
}

/// A saved file's name: its id (hex) and its name with anything but letters, digits, `.`, `-` and `_`
/// made `_`, so the file keeps its extension for the app that opens it.
fn file_path(root: &Path, material_id: &str, f: &MaterialFile) -> PathBuf {
    let name: String = f
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
        .collect();
    folder(root, material_id).join(format!("{}-{name}", hex(&f.id)))
}

/// Where a file's download grows until it is whole: named by the version's hash, so a part of an older
/// version is never resumed into a newer one.
fn part_path(root: &Path, material_id: &str, f: &MaterialFile) -> PathBuf {
    folder(root, material_id).join(format!("{}.part", f.sha256))
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> CoreError {
    CoreError::Storage(format!("{what} {}: {e}", path.display()))
}

impl LocalStore {
    async fn saved_text(&self, id: &str) -> Result<Option<SavedText>, CoreError> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT content_etag, content FROM saved_materials WHERE id = ?")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(|(etag, json)| {
            serde_json::from_str(&json)
                .map(|content| SavedText { etag, content })
                .map_err(|e| CoreError::Storage(format!("saved material {id} unreadable: {e}")))
        })
        .transpose()
    }

    /// The hashes of the saved files of material `id`, by file id.
    async fn saved_files(&self, id: &str) -> Result<Vec<(String, String)>, CoreError> {
        Ok(sqlx::query_as("SELECT file_id, sha256 FROM saved_material_files WHERE material_id = ?")
            .bind(id)
            .fetch_all(self.pool())
            .await?)
    }
}

impl Session {
    fn materials_root(&self) -> &Path {
        &self.materials_dir
    }

    /// Whether file `f` of `m` is saved in the catalogue's version.
    fn file_current(&self, m: &Material, f: &MaterialFile, saved: &[(String, String)]) -> bool {
        saved.iter().any(|(id, sha)| *id == f.id && *sha == f.sha256)
            && file_len(&file_path(self.materials_root(), &m.id, f)) == f.size
    }

    async fn item(&self, m: Material) -> Result<MaterialItem, CoreError> {
        let store = self.store();
        let text = store.saved_text(&m.id).await?;
        let files = store.saved_files(&m.id).await?;
        let text_current = text.as_ref().is_some_and(|t| t.etag == m.content_etag);
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
        let saved = match (text, text_current && files_current) {
            (Some(_), true) => Saved::Yes,
            (Some(_), false) => Saved::Outdated,
            (None, _) => Saved::No,
        };
        Ok(MaterialItem { material: m, saved, saved_bytes })
    }

    async fn catalogue_entry(&self, id: &str) -> Result<Material, CoreError> {
        match self.store().record(RecordKind::Material, id).await? {
            Some(r) => r.parse(),
            None => Err(CoreError::Missing(format!(
                "Materi {id} tidak ada di perangkat ini. Sinkronkan dulu, lalu coba lagi."
            ))),
        }
    }

    /// The catalogue on the device, most recently updated first, with what of each is saved.
    pub async fn materials(&self) -> Result<MaterialsView, CoreError> {
        let mut all: Vec<Material> = self.store().all(RecordKind::Material).await?;
        all.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.title.cmp(&b.title)));
        let mut materials = Vec::with_capacity(all.len());
        for m in all {
            materials.push(self.item(m).await?);
        }
        Ok(MaterialsView { materials })
    }

    /// A material to read: its saved text and files (whatever version is saved), from the device only.
    pub async fn material(&self, id: &str) -> Result<MaterialReader, CoreError> {
        let m = self.catalogue_entry(id).await?;
        let content = self.store().saved_text(id).await?.map(|t| t.content);
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
        Ok(MaterialReader { item: self.item(m).await?, content, files })
    }

    /// Downloads what the device lacks of material `id` in the catalogue's version: the text unless the
    /// saved one is current (`If-None-Match`), and each file not yet saved, resuming a part left by an
    /// earlier try. One download runs at a time; a second call waits and then finds little left to do.
    pub async fn save_material(&self, id: &str) -> Result<MaterialReader, CoreError> {
        let _one_at_a_time = self.downloads.lock().await;
        let result = self.download(id).await;
        // Whatever happened, what it cost is counted.
        self.keep_data_use_or_warn().await;
        result?;
        self.material(id).await
    }

    async fn download(&self, id: &str) -> Result<(), CoreError> {
        let m = self.catalogue_entry(id).await?;
        let held = self.store().saved_text(id).await?;
        let mut link = self.link().await?;
        let held_tag = held.as_ref().map(|t| t.etag.clone());
        let answer = self
            .call(&mut link, |c, token| {
                let tag = held_tag.clone();
                async move { c.material_content(&token, id, tag.as_deref()).await }
            })
            .await?;
        let (content, etag) = match (answer, held) {
            (ContentAnswer::Content { content, etag }, _) => (content, etag),
            (ContentAnswer::NotModified, Some(t)) => (t.content, t.etag),
            (ContentAnswer::NotModified, None) => {
                return Err(CoreError::Client(penggerak_client::ClientError::Protocol(
                    "304 for a text the device does not hold".into(),
                )))
            }
        };
        let dir = folder(self.materials_root(), id);
        std::fs::create_dir_all(&dir).map_err(|e| io("creating", &dir, e))?;
        let saved = self.store().saved_files(id).await?;
        for f in &m.files {
            if !self.file_current(&m, f, &saved) {
                self.download_file(&mut link, &m, f).await?;
            }
        }
        // The text last: from now on this version counts as saved.
        let json = serde_json::to_string(&content).map_err(|e| CoreError::Storage(e.to_string()))?;
        sqlx::query(
            "INSERT INTO saved_materials (id, content_etag, content, saved_at) VALUES (?, ?, ?, unixepoch())
             ON CONFLICT (id) DO UPDATE SET content_etag = excluded.content_etag, content = excluded.content,
                                            saved_at = excluded.saved_at",
        )
        .bind(id)
        .bind(&etag)
        .bind(&json)
        .execute(self.store().pool())
        .await?;
        tracing::info!(material = id, "saved for reading offline");
        Ok(())
    }

    /// Appends parts of file `f` to its `.part` file until it is whole, checks it against the catalogue's
    /// hash, then puts it in place and records it.
    async fn download_file(
        &self,
        link: &mut crate::session::Link,
        m: &Material,
        f: &MaterialFile,
    ) -> Result<(), CoreError> {
        let part = part_path(self.materials_root(), &m.id, f);
        loop {
            let have = file_len(&part);
            if have >= f.size {
                break;
            }
            let FilePart { from, bytes } = self
                .call(link, |c, token| async move {
                    c.material_file_part(&token, &m.id, &f.id, &f.sha256, have, PART).await
                })
                .await?;
            if bytes.is_empty() {
                return Err(CoreError::Client(penggerak_client::ClientError::Protocol(format!(
                    "empty part of {} at byte {have}",
                    f.name
                ))));
            }
            if from != 0 && from != have {
                return Err(CoreError::Client(penggerak_client::ClientError::Protocol(format!(
                    "asked for {} from byte {have}, got bytes from {from}",
                    f.name
                ))));
            }
            // The server sends the whole file when the version asked for is gone: start again with it.
            let mut out = std::fs::OpenOptions::new()
                .create(true)
                .append(from != 0)
                .write(true)
                .truncate(from == 0)
                .open(&part)
                .map_err(|e| io("opening", &part, e))?;
            out.write_all(&bytes).and_then(|()| out.sync_data()).map_err(|e| io("writing", &part, e))?;
        }
        let bytes = std::fs::read(&part).map_err(|e| io("reading", &part, e))?;
        if bytes.len() as u64 != f.size || sha256_hex(&bytes) != f.sha256 {
            // Not the file the catalogue lists (changed on the server meanwhile, or damaged): kept, it
            // would only be resumed into something wrong.
            let _ = std::fs::remove_file(&part);
            return Err(CoreError::Corrupt(format!(
                "Berkas {} tidak sama dengan yang terdaftar di katalog (mungkin baru diperbarui di server). \
                 Berkas itu sudah dibuang; sinkronkan, lalu unduh lagi.",
                f.name
            )));
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
        Ok(())
    }

    /// Removes material `id` from the device: its text, its files and any part of a download.
    pub async fn remove_material(&self, id: &str) -> Result<(), CoreError> {
        let _one_at_a_time = self.downloads.lock().await;
        let mut tx = self.store().pool().begin().await?;
        sqlx::query("DELETE FROM saved_materials WHERE id = ?").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM saved_material_files WHERE material_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let dir = folder(self.materials_root(), id);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("removing", &dir, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_leave_their_folder_and_files_keep_their_extension() {
        let root = Path::new("/data/materials");
        let f = MaterialFile {
            id: "../../etc".into(),
            name: "Modul 1/2: ringkasan.pdf".into(),
            content_type: "application/pdf".into(),
            size: 1,
            sha256: "ab".into(),
        };
        let p = file_path(root, "../x", &f);
        assert_eq!(
            p.parent().unwrap(),
            folder(root, "../x"),
            "a file is always inside its material's folder"
        );
        assert_eq!(folder(root, "../x").parent().unwrap(), root, "a material's folder is always in the root");
        assert_eq!(p.file_name().unwrap(), "2e2e2f2e2e2f657463-Modul_1_2__ringkasan.pdf");
        assert_eq!(
            part_path(root, "m", &f).file_name().unwrap(),
            "ab.part",
            "a part is named by its version"
        );
    }
}
