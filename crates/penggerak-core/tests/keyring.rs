//! The real OS keyring (Secret Service via gnome-keyring), across processes and across keyring-daemon
//! restarts: a token written by one process is read by a fresh process in a *new* D-Bus session whose
//! gnome-keyring daemon loads the keyring from disk. An in-memory fallback could not pass this.
//!
//! Needs `dbus-run-session` and `gnome-keyring-daemon` (installed by `cargo xtask setup`). The test starts
//! its own sessions with a temporary XDG data and runtime directory, so it never touches the user's keyring
//! and runs the same on a desktop, a headless box and CI.

use penggerak_core::{KeyringStore, Sensitive, StoredTokens, TokenStore};
use std::path::Path;
use std::process::Command;

const CHILD_MODE: &str = "PENGGERAK_KEYRING_CHILD";
const TEST_NAME: &str = "token_survives_process_and_keyring_daemon_restarts";
const KEYRING_PASSWORD: &str = "test-keyring-password";

fn store() -> KeyringStore {
    KeyringStore::new("id.penggerak.test", "persistence")
}

fn tokens() -> StoredTokens {
    StoredTokens {
        server_url: "https://api.example.id".into(),
        access_token: Sensitive::new("access-ABC-123".into()),
        refresh_token: Sensitive::new("refresh-XYZ-789".into()),
        revoke_only: false,
    }
}

/// Runs this same test binary as a child, in a fresh D-Bus session with gnome-keyring unlocked.
fn run_child(mode: &str, data: &Path, runtime: &Path) -> String {
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "printf %s '{KEYRING_PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
         && exec \"$0\" {TEST_NAME} --exact --nocapture --test-threads=1"
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .arg(&exe)
        .env(CHILD_MODE, mode)
        .env("XDG_DATA_HOME", data)
        .env("XDG_RUNTIME_DIR", runtime)
        .env_remove("DISPLAY") // never an invisible unlock prompt
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap_or_else(|e| panic!("dbus-run-session could not start ({e}): run `cargo xtask setup`"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child `{mode}` failed:\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn child(mode: &str) {
    let s = store();
    match mode {
        "write" => s.save(&tokens()).expect("writing to the Secret Service keyring"),
        "read" => {
            let got = s.load().expect("reading the keyring").expect("the entry written earlier is there");
            assert_eq!(got, tokens(), "the fresh process reads back exactly what was written");
            println!("CHILD-READ-OK");
        }
        "clear" => s.clear().expect("deleting the keyring entry"),
        "absent" => {
            assert!(s.load().expect("reading the keyring").is_none(), "the cleared entry stays gone");
            s.clear().expect("clearing a missing entry is not an error");
            println!("CHILD-ABSENT-OK");
        }
        other => panic!("unknown child mode {other}"),
    }
}

#[test]
fn token_survives_process_and_keyring_daemon_restarts() {
    if let Ok(mode) = std::env::var(CHILD_MODE) {
        return child(&mode);
    }
    let dir = tempfile::tempdir().unwrap();
    let (data, runtime) = (dir.path().join("data"), dir.path().join("run"));
    for d in [&data, &runtime] {
        std::fs::create_dir_all(d).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    run_child("write", &data, &runtime);
    let keyrings = std::fs::read_dir(data.join("keyrings")).map(|d| d.count()).unwrap_or(0);
    assert!(keyrings > 0, "gnome-keyring wrote its keyring to disk under XDG_DATA_HOME");
    let out = run_child("read", &data, &runtime);
    assert!(out.contains("CHILD-READ-OK"), "the read child really ran its assertions:\n{out}");
    run_child("clear", &data, &runtime);
    let out = run_child("absent", &data, &runtime);
    assert!(out.contains("CHILD-ABSENT-OK"), "the absent child really ran its assertions:\n{out}");

    // The secret is stored encrypted: the on-disk keyring never holds the token in clear.
    for entry in std::fs::read_dir(data.join("keyrings")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("refresh-XYZ-789"),
            "keyring file holds no plaintext"
        );
    }
}
