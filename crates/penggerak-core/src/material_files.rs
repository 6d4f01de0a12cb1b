//! Where a saved material's files live under the engine's data folder (`materials/`): a folder per
//! material and a file per catalogue file, named from their ids in hex so that no id from the server can
//! name a path outside them. Shared by `materials.rs` (saving, removing) and `door.rs` (serving a saved file
//! to a colleague); imports nothing of the engine.

use crate::CoreError;
use penggerak_types::material::MaterialFile;
use std::path::{Path, PathBuf};

/// The longest file name kept from the catalogue's (its end, so the extension stays).
const NAME_CHARS: usize = 80;
/// An id that can name a folder or file: not empty (the empty id's folder would be the materials folder
/// itself) and at most [`MAX_ID_BYTES`](penggerak_types::route::MAX_ID_BYTES). Checked before any path is built.
pub(crate) fn checked(id: &str) -> Result<&str, CoreError> {
    if id.is_empty() || id.len() > penggerak_types::route::MAX_ID_BYTES {
        return Err(CoreError::Refused(penggerak_types::Reason::NotValid {
            field: penggerak_types::Field::Id,
        }));
    }
    Ok(id)
}

/// A path component for an id from the server: hex, so no id can name a path outside its folder.
pub(crate) fn hex(id: &str) -> String {
    id.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Where a material's files live, under the engine's data folder.
pub(crate) fn folder(root: &Path, material_id: &str) -> PathBuf {
    root.join(hex(material_id))
}

/// A saved file's name: its id (hex) and its name with anything but letters, digits, `.`, `-` and `_`
/// made `_`, so the file keeps its extension for the app that opens it.
pub(crate) fn file_path(root: &Path, material_id: &str, f: &MaterialFile) -> PathBuf {
    let safe: Vec<char> = f
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
        .collect();
    let name: String = safe[safe.len().saturating_sub(NAME_CHARS)..].iter().collect();
    folder(root, material_id).join(format!("{}-{name}", hex(&f.id)))
}

/// Where a file's download grows until it is whole: named by the version's hash, so a part of an older
/// version is never resumed into a newer one.
pub(crate) fn part_path(root: &Path, material_id: &str, f: &MaterialFile) -> PathBuf {
    folder(root, material_id).join(format!("{}.part", f.sha256))
}

/// The saved file `file_id` of material `material_id`, found by its name's start (the hex of its id and
/// `-`, which no other file's name starts with); `None` when it is not there. For the sharing door, which
/// looks a file up by the hash of a saved row and must not need the catalogue entry for its name.
pub(crate) fn saved_file_path(root: &Path, material_id: &str, file_id: &str) -> Option<PathBuf> {
    checked(material_id).ok()?;
    checked(file_id).ok()?;
    let start = format!("{}-", hex(file_id));
    std::fs::read_dir(folder(root, material_id))
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&start)))
        .map(|e| e.path())
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
