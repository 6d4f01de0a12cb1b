//! What the engine keeps on the device is the user's: on unix the data folder and everything in it are
//! the owner's only (folders 0700, files 0600, the database's -wal and -shm included), and a material id
//! that names no material — empty, or `..` — removes nothing.

use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{demo_sign_in, TestServer};
use penggerak_types::ErrorCode;
use std::path::Path;
use std::sync::Arc;

const SITI: &str = "3471765432100001";
/// A small material of the demo catalogue.
const SMALL: &str = "materi-02";

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// Every file under `dir`, depth first.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[tokio::test]
async fn personal_data_is_the_owners_only_and_an_empty_material_id_removes_nothing() {
    let server = TestServer::start();
    let parent = tempfile::tempdir().unwrap();
    // A folder the engine creates itself (the temporary folder above is already 0700).
    let data = parent.path().join("penggerak");
    let session = Engine::open(&data, Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    session.sign_in(demo_sign_in(SITI, &server.base_url())).await.unwrap();
    session.sync_now().await.unwrap();
    let saved = session.save_material(SMALL).await.unwrap();
    let file = saved.files.iter().find_map(|f| f.path.clone()).expect("the material has a saved file");
    let file = Path::new(&file).to_path_buf();

    #[cfg(unix)]
    {
        assert_eq!(mode(&data), 0o700, "the data folder is the owner's only");
        for name in ["penggerak.sqlite", "penggerak.sqlite-wal", "penggerak.sqlite-shm"] {
            assert_eq!(mode(&data.join(name)), 0o600, "{name} is the owner's only");
        }
        let materials = data.join("materials");
        assert_eq!(mode(&materials), 0o700, "the materials folder is the owner's only");
        assert_eq!(mode(file.parent().unwrap()), 0o700, "a material's folder is the owner's only");
        for f in files_under(&materials) {
            assert_eq!(mode(&f), 0o600, "{} is the owner's only", f.display());
        }
        assert!(file.starts_with(&materials));
    }

    // An empty id would name the materials folder itself; `..` must not climb out of it.
    let before = files_under(&data);
    let removed = session.remove_material("").await;
    assert!(
        removed.as_ref().is_err_and(|e| e.to_api_error().code == ErrorCode::Validation),
        "an empty id is refused (it names the materials folder itself): {removed:?}"
    );
    assert!(session.material("").await.is_err(), "and names nothing to read");
    let _ = session.remove_material("..").await;
    let _ = session.remove_material(".").await;
    assert!(file.is_file(), "the saved material is still there");
    assert_eq!(files_under(&data), before, "nothing was removed");
    assert!(session.material(SMALL).await.unwrap().content.is_some(), "and still reads");
}
