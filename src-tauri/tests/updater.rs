//! The app's updates against the real reference server over https: nothing published, then a newer release
//! signed with the key the app was built with (seen, downloaded, its bytes the publisher's), a release no
//! newer than the app (not offered), and newer releases whose signature is not the publisher's (another
//! key; a signature of other bytes): offered, but refused when downloaded, so nothing would be installed.
//! A build without a key and a server not reached over https do not update at all.
//!
//! A test binary of its own: `SSL_CERT_FILE` must point at the test's CA before the first client is built.

use base64::Engine as _;
use penggerak_app::updates;
use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{ServerConfig, TestCa, TestServer};
use penggerak_types::ipc::{UpdateCheck, UpdatesOff};
use penggerak_types::{ErrorCode, Reason};
use std::sync::Arc;
use tauri::test::{mock_builder, MockRuntime};

/// A signing key as `tauri signer generate` makes one: the key pair, and the public key as
/// `tauri.conf.json` carries it (base64 of minisign's public key file).
fn signing_key() -> (minisign::KeyPair, String) {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().expect("a key pair");
    let public = pair.pk.to_box().expect("the public key's file").to_string();
    (pair, base64::engine::general_purpose::STANDARD.encode(public))
}

/// `bytes` signed with `key`, as `tauri signer sign` writes `<bundle>.sig` (base64 of minisign's file).
fn sign(key: &minisign::KeyPair, bytes: &[u8]) -> String {
    let signature = minisign::sign(Some(&key.pk), &key.sk, std::io::Cursor::new(bytes), None, None)
        .expect("a signature")
        .to_string();
    base64::engine::general_purpose::STANDARD.encode(signature)
}

/// The app (its commands and plugins, on the mock runtime) built with `pubkey` as its update key.
fn app_with_key(pubkey: &str, server: &str) -> (tauri::App<MockRuntime>, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let engine = tauri::async_runtime::block_on(Engine::open(
        data.path(),
        Arc::new(MemoryStore::default()),
        server.to_owned(),
    ))
    .unwrap();
    let mut context = penggerak_app::context::<MockRuntime>();
    context.config_mut().plugins.0.insert("updater".into(), serde_json::json!({ "pubkey": pubkey }));
    let app = penggerak_app::with_commands(mock_builder())
        .manage(Arc::new(engine))
        .build(context)
        .expect("the app builds on the mock runtime");
    (app, data)
}

/// The app's engine (its store on the device).
fn engine(app: &tauri::App<MockRuntime>) -> Arc<Engine> {
    use tauri::Manager;
    Arc::clone(&app.state::<Arc<Engine>>())
}

/// Bytes received this month, as Pengaturan's data use shows them.
fn received(app: &tauri::App<MockRuntime>) -> u64 {
    let used = tauri::async_runtime::block_on(engine(app).data_use()).unwrap();
    used.months.iter().find(|m| m.month == used.this_month).map_or(0, |m| m.received)
}

fn check(app: &tauri::App<MockRuntime>, server: &str) -> (UpdateCheck, Option<tauri_plugin_updater::Update>) {
    tauri::async_runtime::block_on(updates::check(app.handle(), server)).expect("the check itself works")
}

/// The Tauri CLI `cargo xtask setup` installs (what `cargo xtask package` signs with).
fn tauri_cli() -> std::process::Command {
    let cli = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/.bin/tauri");
    assert!(cli.exists(), "{} is installed by `cargo xtask setup`", cli.display());
    std::process::Command::new(cli)
}

#[test]
fn a_newer_release_signed_by_the_publisher_is_offered_and_one_signed_otherwise_is_refused() {
    let ca = TestCa::new("Dinas Pendidikan test CA");
    std::env::set_var("SSL_CERT_FILE", ca.pem_path());
    std::env::remove_var("SSL_CERT_DIR");
    let server = TestServer::start_tls(ServerConfig::default(), &ca);
    let url = server.base_url();
    let (publisher, pubkey) = signing_key();
    let (app, _data) = app_with_key(&pubkey, &url);
    let platform = "linux-x86_64";

    assert_eq!(check(&app, &url).0, UpdateCheck::UpToDate, "nothing published: nothing offered");

    let bundle: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    server.publish_update(
        platform,
        "99.0.0",
        "Kehadiran di kegiatan komunitas.",
        &bundle,
        &sign(&publisher, &bundle),
    );
    let (said, update) = check(&app, &url);
    match said {
        UpdateCheck::Available { version, notes, date, size } => {
            assert_eq!(version, "99.0.0");
            assert_eq!(size, Some(bundle.len() as u64), "what installing it costs in data, said first");
            assert_eq!(notes, "Kehadiran di kegiatan komunitas.", "what is new, as published");
            assert!(date.is_some_and(|d| d.len() >= 20), "when it was published");
        }
        other => panic!("a newer release is offered: {other:?}"),
    }
    let update = update.expect("the update to download");
    let before = received(&app);
    let bytes = tauri::async_runtime::block_on(updates::download(&update, &engine(&app)))
        .expect("the publisher's signature");
    assert!(bytes == bundle, "the downloaded bundle is the published one, byte for byte");
    assert_eq!(
        received(&app) - before,
        bundle.len() as u64,
        "the download is in this month's data use (the updater's client is not the engine's)"
    );

    // "Hanya unduh lewat Wi-Fi" holds an update as it holds a material: this machine cannot say its
    // connection is unmetered (no NetworkManager), so it counts as metered, and nothing is downloaded.
    let wifi_only = penggerak_types::ipc::PreferencesChange { wifi_only: Some(true), ..Default::default() };
    tauri::async_runtime::block_on(engine(&app).set_preferences(wifi_only)).unwrap();
    let before = received(&app);
    let held = tauri::async_runtime::block_on(updates::install(app.handle(), &engine(&app), &url))
        .expect_err("held for Wi-Fi");
    assert!(matches!(held.reason, Some(Reason::WaitsForWifi { .. })), "{held:?}");
    assert_eq!(received(&app), before, "nothing was downloaded");
    let off = penggerak_types::ipc::PreferencesChange { wifi_only: Some(false), ..Default::default() };
    tauri::async_runtime::block_on(engine(&app).set_preferences(off)).unwrap();

    // The same version as this app's (Cargo.toml's): not newer, not offered.
    let current = env!("CARGO_PKG_VERSION");
    server.publish_update(platform, current, "", &bundle, &sign(&publisher, &bundle));
    assert_eq!(check(&app, &url).0, UpdateCheck::UpToDate, "{current} is not newer than {current}");

    // Signed by someone else, and a signature of other bytes: offered (the server only carries it), but
    // the download is refused, so nothing is installed.
    let (stranger, _) = signing_key();
    let mut other = bundle.clone();
    other[0] ^= 1;
    for (signature, what) in
        [(sign(&stranger, &bundle), "another key"), (sign(&publisher, &other), "other bytes")]
    {
        server.publish_update(platform, "99.0.1", "Palsu.", &bundle, &signature);
        let (said, update) = check(&app, &url);
        assert!(matches!(said, UpdateCheck::Available { .. }), "{what}: offered: {said:?}");
        let refused = tauri::async_runtime::block_on(updates::download(&update.unwrap(), &engine(&app)))
            .expect_err(&format!("{what}: a bundle signed with {what} must be refused"));
        assert_eq!(refused.code, ErrorCode::Validation, "{what}: {refused:?}");
        assert_eq!(refused.reason, Some(Reason::UpdateNotTrusted), "{what}: the reason the user is told");
    }

    // Signed as `cargo xtask package` signs: a key made by `tauri signer generate`, its public half as the
    // app's key, the bundle signed by `tauri signer sign` (the `.sig` file published as it is).
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("penggerak.key");
    let made = tauri_cli().args(["signer", "generate", "--ci", "-p", "", "-w"]).arg(&key).output().unwrap();
    assert!(made.status.success(), "tauri signer generate: {}", String::from_utf8_lossy(&made.stderr));
    let deb = keys.path().join("Penggerak_99.1.0_amd64.deb");
    std::fs::write(&deb, &bundle).unwrap();
    let signed = tauri_cli().args(["signer", "sign", "-p", "", "-f"]).arg(&key).arg(&deb).output().unwrap();
    assert!(signed.status.success(), "tauri signer sign: {}", String::from_utf8_lossy(&signed.stderr));
    let public = std::fs::read_to_string(keys.path().join("penggerak.key.pub")).unwrap();
    let signature = std::fs::read_to_string(keys.path().join("Penggerak_99.1.0_amd64.deb.sig")).unwrap();
    server.publish_update(platform, "99.1.0", "", &bundle, &signature);
    let (cli_app, _cli_data) = app_with_key(public.trim(), &url);
    let (said, update) = check(&cli_app, &url);
    assert!(matches!(said, UpdateCheck::Available { ref version, .. } if version == "99.1.0"), "{said:?}");
    let bytes = tauri::async_runtime::block_on(updates::download(&update.unwrap(), &engine(&cli_app)))
        .expect("a bundle signed by the CLI with the build's key is accepted");
    assert!(bytes == bundle);
    let refused =
        tauri::async_runtime::block_on(updates::download(&check(&app, &url).1.unwrap(), &engine(&app)))
            .expect_err("the same release, to an app built with another key, is refused");
    assert_eq!(refused.reason, Some(Reason::UpdateNotTrusted));

    // Pengaturan asks when it opens: the server's answer stands for a while (opening the page again costs
    // no data), "Periksa pembaruan" always asks, and another server is asked on its own.
    let (opened, _opened_data) = app_with_key(&pubkey, &url);
    let remembered = |server: &str, again: bool| {
        tauri::async_runtime::block_on(updates::check_remembered(opened.handle(), server, again)).unwrap()
    };
    server.publish_update(platform, current, "", &bundle, &sign(&publisher, &bundle));
    assert_eq!(remembered(&url, false), UpdateCheck::UpToDate, "asked: nothing newer");
    server.publish_update(platform, "99.2.0", "", &bundle, &sign(&publisher, &bundle));
    assert_eq!(remembered(&url, false), UpdateCheck::UpToDate, "the page opened again: the answer stands");
    assert!(
        matches!(remembered(&url, true), UpdateCheck::Available { ref version, .. } if version == "99.2.0"),
        "on the user's word the server is asked"
    );
    assert!(
        matches!(remembered(&url, false), UpdateCheck::Available { .. }),
        "and its newer answer is the one that stands"
    );
    let elsewhere = TestServer::start_tls(ServerConfig::default(), &ca);
    assert_eq!(
        remembered(&elsewhere.base_url(), false),
        UpdateCheck::UpToDate,
        "another server's own answer"
    );

    // A build without a key does not look; neither does any build at a server over plain http.
    let (keyless, _keyless_data) = app_with_key("", &url);
    assert_eq!(check(&keyless, &url).0, UpdateCheck::Off { why: UpdatesOff::NoKey });
    let plain = TestServer::start();
    assert_eq!(check(&app, &plain.base_url()).0, UpdateCheck::Off { why: UpdatesOff::NotHttps });
}
