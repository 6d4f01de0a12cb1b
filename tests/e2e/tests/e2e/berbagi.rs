//! Berbagi di sekolah in the real app: Siti turns sharing on in Pengaturan (off until then), sees this
//! device's address as text and as a QR code, adds a colleague's device by its address (Pak Bambang's,
//! an engine of his own in another data folder on this machine, with the big module saved and sharing
//! on), and saves that ~6 MB module from his device: the server sends her none of the file, Materi says
//! sharing is on with one colleague seen, and Pengaturan's data use says what came from the colleague
//! beside what the paid data carried. The same screens in English.

use penggerak_core::{Engine, MemoryStore};
use penggerak_e2e::{find, open, press, screenshots_of, sign_out, type_into, wait_text, Driver};
use penggerak_testkit::{demo_sign_in, ChaosProxy, TestServer, DEMO_PASSWORD};
use penggerak_types::ipc::PreferencesChange;
use std::sync::Arc;

/// The demo catalogue's big module: one ~6 MB PDF.
const BIG: &str = "materi-01";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn siti_gets_the_big_module_from_a_colleagues_device() {
    // Plain http even in an https run (`PENGGERAK_E2E_TLS`): the chaos proxy in front reads and answers HTTP.
    let server = TestServer::start();
    // Pak Bambang's device: the module saved, sharing on.
    let his_dir = tempfile::tempdir().unwrap();
    let his =
        Engine::open(his_dir.path(), Arc::new(MemoryStore::default()), "http://127.0.0.1:9").await.unwrap();
    his.sign_in(demo_sign_in("3471765432100002", &server.base_url())).await.unwrap();
    his.sync_now().await.unwrap();
    his.save_material(BIG).await.unwrap();
    his.set_preferences(PreferencesChange { share_on_network: Some(true), ..Default::default() })
        .await
        .unwrap();
    let his_port = his.sharing().await.unwrap().port.expect("his device serves");

    // Siti's app talks to the server through a proxy that counts what it sends her.
    let proxy = ChaosProxy::start(server.addr(), 21);
    let driver = Driver::start(&proxy.base_url());
    let app = driver.signed_in("3471765432100001", DEMO_PASSWORD, "Siti Rahayu, S.Pd.").await;
    open(&app, "materi", "#materi-title").await;
    wait_text(&app, "#materials-sharing", "Materi says sharing is off, and where to turn it on", |t| {
        t.starts_with("Berbagi di sekolah mati.")
    })
    .await;

    open(&app, "settings", "#settings-title").await;
    press(&app, "#share-on-network", "the sharing switch").await;
    wait_text(&app, "#sharing-state", "sharing on", |t| t.starts_with("Aktif:")).await;
    find(&app, "#sharing-address", "this device's address").await;
    find(&app, "#sharing-qr", "and its QR code").await;
    type_into(&app, "#sharing-add-address", "8.8.8.8", "a public address").await;
    press(&app, "#sharing-add button", "add").await;
    wait_text(&app, "#sharing-error", "refused, in words", |t| t.contains("Alamat perangkat rekan")).await;
    type_into(&app, "#sharing-add-address", &format!("127.0.0.1:{his_port}"), "his device's address").await;
    press(&app, "#sharing-add button", "add").await;
    wait_text(&app, "#sharing-peers", "his device listed, added by address", |t| {
        t.contains(&format!("127.0.0.1:{his_port}")) && t.contains("ditambahkan lewat alamat")
    })
    .await;
    screenshots_of(&app, "90-berbagi", Some("#berbagi")).await;
    screenshots_of(&app, "94-berbagi-rekan", Some("#sharing-add")).await;

    open(&app, "materi", "#materi-title").await;
    // His device, added by address; the same device may also be found on this machine's network by
    // discovery (his engine announces itself), so one or two.
    wait_text(&app, "#materials-sharing", "Materi says sharing is on, with colleagues seen", |t| {
        ["1", "2"].iter().any(|n| t == format!("Berbagi di sekolah aktif · {n} perangkat rekan terlihat"))
    })
    .await;
    press(&app, &format!("#all-materials li[data-id='{BIG}'] a"), "the big module").await;
    let before = proxy.bytes().0;
    press(&app, "#save-material", "save it").await;
    find(&app, "#material-text", "saved: its text is read from the device").await;
    let from_server = proxy.bytes().0 - before;
    assert!(
        from_server < 256 * 1024,
        "the ~6 MB file came from his device: the server sent her {from_server} B (text, sync, headers)"
    );

    open(&app, "settings", "#settings-title").await;
    wait_text(&app, "#data-use", "the data use says what came from a colleague", |t| {
        t.contains("dari rekan ") && t.contains(", tanpa kuota")
    })
    .await;
    screenshots_of(&app, "91-pemakaian-data-rekan", Some("#data-use")).await;

    // The same in English.
    press(&app, "#language-en", "the English choice").await;
    wait_text(&app, "#sharing-state", "in English", |t| t.starts_with("On:")).await;
    open(&app, "materi", "#materi-title").await;
    wait_text(&app, "#materials-sharing", "Materi in English", |t| t.starts_with("Sharing at school is on"))
        .await;
    // Pengaturan opened afresh for its pictures: right after the language changed, the page is drawn once
    // more as the saved preferences come back, which put the scroll back at the top under the first ones.
    open(&app, "settings", "#settings-title").await;
    wait_text(&app, "#data-use", "the data use in English", |t| t.contains("from colleagues ")).await;
    screenshots_of(&app, "92-sharing-en", Some("#berbagi")).await;
    screenshots_of(&app, "93-data-use-colleagues-en", Some("#data-use")).await;
    sign_out(&app).await;
    assert!(
        his.sharing().await.unwrap().serving,
        "his device still serves: her signing out is no business of his"
    );
    app.close().await.unwrap();
}
