//! The IPC surface through real Tauri IPC deserialisation and the app's real capabilities (mock runtime,
//! real `tauri.conf.json` + `capabilities/`): the main window may call the app's own commands; anything not
//! granted — a core plugin command, an unknown command, another window, a remote origin — is refused.

use penggerak_core::{Engine, MemoryStore};
use penggerak_testkit::{TestServer, DEMO_PASSWORD};
use penggerak_types::ipc::{
    cmd, reflection_draft_key, CommunitiesView, Home, KinerjaView, MaterialReader, MaterialsView, PkbView,
    ProgrammesView, Saved, SearchResults, SearchTarget, SessionState, SyncPhase, SyncStatus,
};
use penggerak_types::kinerja::PlanStatus;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

const LOCAL_ORIGIN: &str = "tauri://localhost";

fn request(command: &str, body: Value, url: &str) -> InvokeRequest {
    InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: url.parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

fn invoke(w: &WebviewWindow<MockRuntime>, command: &str, body: Value, url: &str) -> Result<Value, Value> {
    get_ipc_response(w, request(command, body, url)).map(|b| b.deserialize::<Value>().unwrap())
}

fn window(app: &tauri::App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    app.get_webview_window(label)
        .unwrap_or_else(|| WebviewWindowBuilder::new(app, label, Default::default()).build().unwrap())
}

/// Refused by the ACL itself (Tauri's "… not allowed …", in debug and release builds), not by a handler:
/// "Command … not found" alone would mean the ACL let the call through to the command table.
fn assert_refused(result: Result<Value, Value>, what: &str) {
    let err = result.expect_err(&format!("{what} must be refused"));
    let text = err.to_string();
    assert!(
        text.contains("not allowed"),
        "{what}: refused by the ACL (the app has an ACL manifest), got {text}"
    );
}

/// The app on the mock runtime with its real context and commands, over a fresh engine pointed at
/// `server` (the data folder is kept alive with it).
struct MockApp {
    app: tauri::App<MockRuntime>,
    _data: tempfile::TempDir,
}

fn mock_app(server: &TestServer) -> MockApp {
    let data = tempfile::tempdir().unwrap();
    let engine = tauri::async_runtime::block_on(Engine::open(
        data.path(),
        Arc::new(MemoryStore::default()),
        server.base_url(),
    ))
    .unwrap();
    let app = penggerak_app::with_commands(mock_builder())
        .manage(Arc::new(engine))
        .build(penggerak_app::context())
        .expect("the app builds on the mock runtime with its real context");
    MockApp { app, _data: data }
}

#[test]
fn only_granted_commands_from_the_main_window_run() {
    let server = TestServer::start();
    let mock = mock_app(&server);
    let (app, main) = (&mock.app, window(&mock.app, "main"));

    // Granted: the app's own commands, from the main window, from the app's own origin.
    let state = invoke(&main, cmd::SESSION_STATE, json!({}), LOCAL_ORIGIN).expect("session_state is granted");
    let state: SessionState = serde_json::from_value(state).unwrap();
    assert_eq!(state, SessionState::SignedOut { server_url: server.base_url() });
    let body =
        json!({"request": {"identifier": "3471765432100001", "password": DEMO_PASSWORD, "server_url": null}});
    let signed_in = invoke(&main, cmd::SIGN_IN, body, LOCAL_ORIGIN).expect("sign_in is granted");
    assert_eq!(signed_in["profile"]["full_name"], "Siti Rahayu, S.Pd.", "the command really ran");

    // Sync: the status is readable, and a sync on demand brings the teacher's records.
    let status: SyncStatus =
        serde_json::from_value(invoke(&main, cmd::SYNC_STATUS, json!({}), LOCAL_ORIGIN).expect("granted"))
            .unwrap();
    assert_eq!(status.waiting, 0, "nothing was changed yet: {status:?}");
    let synced: SyncStatus =
        serde_json::from_value(invoke(&main, cmd::SYNC_NOW, json!({}), LOCAL_ORIGIN).expect("granted"))
            .unwrap();
    assert_eq!(synced.phase, SyncPhase::Idle, "{synced:?}");
    assert!(
        synced.last_synced_at.is_some() && synced.received > 0,
        "the sync ran against the server: {synced:?}"
    );

    // The screens' data comes from the store; an action is applied at once and queued.
    let home: Home =
        serde_json::from_value(invoke(&main, cmd::HOME, json!({}), LOCAL_ORIGIN).expect("granted")).unwrap();
    assert_eq!(home.profile.id, "guru-siti");
    let view: KinerjaView =
        serde_json::from_value(invoke(&main, cmd::KINERJA, json!({}), LOCAL_ORIGIN).expect("granted"))
            .unwrap();
    let plan = view.plan.expect("Siti's plan reached the store");
    let submit = json!({"action": {"do": "move_performance_plan", "id": plan.id, "to": "perlu_disetujui", "note": null}});
    invoke(&main, cmd::ACT, submit, LOCAL_ORIGIN).expect("act is granted and the submit is accepted");
    let view: KinerjaView =
        serde_json::from_value(invoke(&main, cmd::KINERJA, json!({}), LOCAL_ORIGIN).unwrap()).unwrap();
    assert_eq!(view.plan.unwrap().status, PlanStatus::PerluDisetujui, "shown at once");
    let refused =
        json!({"action": {"do": "move_performance_plan", "id": plan.id, "to": "disetujui", "note": null}});
    let err =
        invoke(&main, cmd::ACT, refused, LOCAL_ORIGIN).expect_err("a teacher cannot approve her own plan");
    assert_eq!(err["code"], "validation", "{err}");
    let approvals = invoke(&main, cmd::APPROVALS, json!({}), LOCAL_ORIGIN).expect("granted");
    assert_eq!(approvals, json!([]), "a teacher has nothing to approve");

    // Communities, the development plan (with a reflection draft kept as typed) and the programme timeline.
    let communities: CommunitiesView =
        serde_json::from_value(invoke(&main, cmd::COMMUNITIES, json!({}), LOCAL_ORIGIN).expect("granted"))
            .unwrap();
    assert!(communities.communities.iter().any(|c| c.member), "Siti belongs to a demo community");
    let pkb: PkbView =
        serde_json::from_value(invoke(&main, cmd::PKB, json!({}), LOCAL_ORIGIN).expect("granted")).unwrap();
    let item = pkb.items.first().expect("Siti's demo plan has items").item.id.clone();
    let draft = json!({"draft": {"key": reflection_draft_key(&item), "text": "Refleksi yang belum selesai"}});
    invoke(&main, cmd::SAVE_DRAFT, draft, LOCAL_ORIGIN).expect("save_draft is granted");
    let pkb: PkbView =
        serde_json::from_value(invoke(&main, cmd::PKB, json!({}), LOCAL_ORIGIN).unwrap()).unwrap();
    let kept = pkb.items.iter().find(|v| v.item.id == item).unwrap().draft.clone();
    assert_eq!(kept.as_deref(), Some("Refleksi yang belum selesai"), "the draft is read back with the item");
    let programmes: ProgrammesView =
        serde_json::from_value(invoke(&main, cmd::PROGRAMMES, json!({}), LOCAL_ORIGIN).expect("granted"))
            .unwrap();
    assert!(
        programmes.programmes.iter().any(|p| p.programme.contains("Guru Penggerak") && p.stages.len() >= 5),
        "Siti's Guru Penggerak timeline: {programmes:?}"
    );

    // Materials: the catalogue came with the sync; saving one downloads it, reading it is local.
    let materials: MaterialsView =
        serde_json::from_value(invoke(&main, cmd::MATERIALS, json!({}), LOCAL_ORIGIN).expect("granted"))
            .unwrap();
    let small = materials
        .materials
        .iter()
        .filter(|m| m.saved == Saved::No)
        .min_by_key(|m| m.material.download_size())
        .expect("the demo catalogue is on the device after the first sync")
        .material
        .id
        .clone();
    let saved: MaterialReader = serde_json::from_value(
        invoke(&main, cmd::SAVE_MATERIAL, json!({ "id": small }), LOCAL_ORIGIN).expect("granted"),
    )
    .unwrap();
    assert_eq!(saved.item.saved, Saved::Yes, "saved whole: {saved:?}");
    let read: MaterialReader = serde_json::from_value(
        invoke(&main, cmd::MATERIAL, json!({ "id": small }), LOCAL_ORIGIN).expect("granted"),
    )
    .unwrap();
    let word = read
        .content
        .as_ref()
        .and_then(|c| c.sections.first())
        .and_then(|s| s.paragraphs.first())
        .and_then(|p| p.split_whitespace().max_by_key(|w| w.len()))
        .expect("a word of its text")
        .to_owned();
    assert!(read.content.is_some_and(|c| !c.sections.is_empty()), "its text reads back from the device");
    let found: SearchResults = serde_json::from_value(
        invoke(&main, cmd::SEARCH, json!({ "query": word, "scope": "materials" }), LOCAL_ORIGIN)
            .expect("granted"),
    )
    .unwrap();
    assert!(
        found.groups.iter().any(|g| g.target == SearchTarget::Material { id: small.clone() }),
        "a word of its saved text finds it: {found:?}"
    );
    invoke(&main, cmd::REMOVE_MATERIAL, json!({ "id": small }), LOCAL_ORIGIN).expect("granted");
    let read: MaterialReader = serde_json::from_value(
        invoke(&main, cmd::MATERIAL, json!({ "id": small }), LOCAL_ORIGIN).expect("granted"),
    )
    .unwrap();
    assert_eq!((read.item.saved, read.content), (Saved::No, None), "removed from the device");

    // Berbagi di sekolah: off until turned on; a typed address off the local network is the engine's
    // refusal, with its field.
    let shared = invoke(&main, cmd::SHARING, json!({}), LOCAL_ORIGIN).expect("sharing is granted");
    assert_eq!((shared["on"].clone(), shared["serving"].clone()), (json!(false), json!(false)), "{shared}");
    let err = invoke(&main, cmd::ADD_PEER, json!({ "address": "8.8.8.8:47800" }), LOCAL_ORIGIN)
        .expect_err("a public address is no colleague's device");
    assert_eq!(err["reason"]["field"], json!("peer_address"), "{err}");
    let added = invoke(&main, cmd::ADD_PEER, json!({ "address": "192.168.1.20" }), LOCAL_ORIGIN).unwrap();
    assert_eq!(added["on"], json!(false), "adding a peer does not turn sharing on: {added}");
    invoke(&main, cmd::REMOVE_PEER, json!({ "address": "192.168.1.20:47800" }), LOCAL_ORIGIN)
        .expect("granted");

    // The refused changes reach the page through the capability: none yet, and dismissing is granted.
    let refused = invoke(&main, cmd::REFUSED, json!({}), LOCAL_ORIGIN).expect("refused is granted");
    assert_eq!(refused, json!([]), "the server refused nothing of hers");
    invoke(&main, cmd::DISMISS_REFUSED, json!({"id": 1}), LOCAL_ORIGIN).expect("dismiss_refused is granted");
    // Reopening one that is not there is the engine's refusal, not the ACL's: the command is granted.
    let err = invoke(&main, cmd::REOPEN_REFUSED, json!({"id": 1}), LOCAL_ORIGIN)
        .expect_err("nothing refused to open again");
    assert!(!err.to_string().contains("not allowed"), "reopen_refused is granted: {err}");

    // Sign-out would lose the waiting submit and the draft: refused until the user confirms.
    let err = invoke(&main, cmd::SIGN_OUT, json!({"discard": false}), LOCAL_ORIGIN)
        .expect_err("sign-out with changes waiting asks first");
    assert_eq!(err["code"], "changes_waiting", "{err}");
    // The page words the warning from the reason's count, a typed field: exactly the two things waiting.
    assert_eq!(err["reason"]["rule"], "changes_waiting", "the warning carries its reason as data: {err}");
    assert_eq!(err["reason"]["count"], 2, "one waiting change + one draft, counted in the reason: {err}");
    let out =
        invoke(&main, cmd::SIGN_OUT, json!({"discard": true}), LOCAL_ORIGIN).expect("confirmed sign-out");
    let out: SessionState = serde_json::from_value(out).unwrap();
    assert!(matches!(out, SessionState::SignedOut { .. }), "{out:?}");

    // A command's own failure arrives as {code, message}, not as a string.
    let bad = json!({"request": {"identifier": "3471765432100001", "password": "salah", "server_url": null}});
    let err = invoke(&main, cmd::SIGN_IN, bad, LOCAL_ORIGIN).expect_err("wrong password fails");
    assert_eq!(err["code"], "invalid_credentials", "errors cross IPC as {{code, message}}: {err}");

    // Not granted: core plugin commands, unknown commands, other windows, remote origins.
    assert_refused(
        invoke(&main, "plugin:app|version", json!({}), LOCAL_ORIGIN),
        "a core command (no core:default)",
    );
    assert_refused(invoke(&main, "plugin:window|close", json!({}), LOCAL_ORIGIN), "closing the window");
    assert_refused(invoke(&main, "drop_everything", json!({}), LOCAL_ORIGIN), "an unknown command");
    let other = window(app, "intruder");
    assert_refused(
        invoke(&other, cmd::SESSION_STATE, json!({}), LOCAL_ORIGIN),
        "a window outside the capability",
    );
    assert_refused(
        invoke(&main, cmd::SESSION_STATE, json!({}), "https://evil.example"),
        "a remote page in the main window",
    );
}

/// The app's CSP stays strict: everything from the app itself, wasm allowed to compile, no inline or eval'd
/// script, no remote origin anywhere (IPC aside), and every window loads the app's own pages.
/// The window may open a file with the device's own viewer only inside the app's materials folder, only
/// with the default program, and a URL only if it is https, only in the default browser.
#[test]
fn the_opener_opens_saved_materials_files_and_https_links_only() {
    let server = TestServer::start();
    let mock = mock_app(&server);
    let (app, main) = (&mock.app, window(&mock.app, "main"));
    let data = app.path().app_data_dir().unwrap();
    let open = |path: &str, with: Option<&str>| {
        invoke(&main, "plugin:opener|open_path", json!({ "path": path, "with": with }), LOCAL_ORIGIN)
    };
    // Refused by the opener's own scope ("Not allowed to open path|url …"), not only by the ACL.
    let by_scope = |kind: &str, result: Result<Value, Value>, what: &str| {
        let text = result.expect_err(&format!("{what} must be refused")).to_string();
        assert!(
            text.contains(&format!("Not allowed to open {kind}")),
            "{what}: refused by the scope, got {text}"
        );
    };
    let forbidden = |result, what: &str| by_scope("path", result, what);
    forbidden(open("/etc/passwd", None), "a file outside the app's folders");
    forbidden(open(&data.join("penggerak.sqlite").display().to_string(), None), "the app's own database");
    forbidden(
        open(&data.join("materials/../penggerak.sqlite").display().to_string(), None),
        "a way out of the materials folder",
    );
    let inside = data.join("materials/6d31/66-modul.pdf").display().to_string();
    forbidden(open(&inside, Some("sh")), "a saved file with a program the window chooses");
    // Inside the folder, with the default program, the scope lets it through (the file does not exist,
    // so the system's opener has nothing to show).
    if let Err(e) = open(&inside, None) {
        let text = e.to_string().to_lowercase();
        assert!(!text.contains("not allowed"), "a path in the materials folder is allowed: {e}");
    }
    // Links: https only, in the default browser (a community event's online meeting).
    let open_url = |url: &str, with: Option<&str>| {
        invoke(&main, "plugin:opener|open_url", json!({ "url": url, "with": with }), LOCAL_ORIGIN)
    };
    let refused_url = |result, what: &str| by_scope("url", result, what);
    for (url, what) in [
        ("http://example.com/", "an http:// URL"),
        ("file:///etc/passwd", "a file:// URL"),
        ("javascript:alert(1)", "a javascript: URL"),
        ("smb://server/share", "another scheme"),
    ] {
        refused_url(open_url(url, None), &format!("opening {what}"));
    }
    refused_url(open_url("https://meet.example.id/kom-1", Some("sh")), "an https link with a program");
    // An https link in the default browser passes the scope (no browser here, so nothing opens).
    if let Err(e) = open_url("https://meet.example.id/kom-1", None) {
        assert!(!e.to_string().to_lowercase().contains("not allowed"), "an https link is allowed: {e}");
    }
    assert_refused(
        invoke(&main, "plugin:opener|reveal_item_in_dir", json!({ "paths": [inside] }), LOCAL_ORIGIN),
        "showing a file in the file manager",
    );
}

/// The save dialogs' titles come from the window: one too long, or with a control character, is refused
/// before anything else runs (signed out, the refusal is still the title's, not the session's).
#[test]
fn a_save_dialogs_title_is_bounded() {
    let server = TestServer::start();
    let mock = mock_app(&server);
    let main = window(&mock.app, "main");
    let long = "x".repeat(penggerak_types::limits::TITLE + 1);
    for command in [cmd::EXPORT_DEADLINES, cmd::EXPORT_STAFF, cmd::EXPORT_EVENT] {
        for (title, what) in [(long.as_str(), "a title too long"), ("Simpan\u{7}", "a control character")] {
            let err = invoke(&main, command, json!({ "title": title, "id": "kom-01-ev1" }), LOCAL_ORIGIN)
                .expect_err(&format!("{command}: {what} must be refused"));
            assert_eq!(err["code"], "validation", "{command}: {what} is the title's fault: {err}");
        }
    }
    let long_id = "x".repeat(penggerak_types::limits::ID + 1);
    let err = invoke(&main, cmd::EXPORT_EVENT, json!({ "title": "Simpan", "id": long_id }), LOCAL_ORIGIN)
        .expect_err("an event id longer than any id is refused");
    assert_eq!(err["code"], "validation", "the id is checked before the session: {err}");
}

#[test]
fn content_security_policy_is_strict_and_local() {
    let context = penggerak_app::context::<MockRuntime>();
    let config = context.config();
    let csp = serde_json::to_value(&config.app.security.csp).unwrap();
    let directive = |name: &str| -> String {
        match &csp[name] {
            Value::String(s) => s.clone(),
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
            other => panic!("CSP directive {name} missing or malformed: {other}"),
        }
    };
    assert_eq!(directive("default-src"), "'self'", "default-src must be the app itself");
    let script = directive("script-src");
    assert!(script.contains("'wasm-unsafe-eval'"), "the Leptos wasm needs 'wasm-unsafe-eval': {script}");
    for (name, value) in csp.as_object().expect("the CSP is a directive map, never null").iter() {
        let text = value.to_string();
        assert!(!text.contains("'unsafe-inline'"), "{name} allows inline code: {text}");
        assert!(!text.contains("'unsafe-eval'"), "{name} allows eval: {text}");
        assert!(!text.contains('*'), "{name} has a wildcard: {text}");
        for word in text.trim_matches('"').split_whitespace() {
            let remote = word.starts_with("http:") || word.starts_with("https:");
            assert!(
                !remote || word == "http://ipc.localhost",
                "{name} allows the remote source {word}: the app loads nothing from the network"
            );
        }
    }
    for window in &config.app.windows {
        let url = serde_json::to_value(&window.url).unwrap();
        assert!(
            !url.to_string().contains("://"),
            "window {} loads {url}: windows show only the app's own pages",
            window.label
        );
    }
}

/// Each command is named once (`cmd::ALL`): the capability grants exactly those of the app's own, and each
/// is registered with the shell — a name the UI calls that no function answers, or one the capability
/// forgets, fails here rather than on a teacher's phone.
#[test]
fn every_named_command_is_granted_and_registered_and_no_other() {
    let capability: Value =
        serde_json::from_str(include_str!("../../capabilities/main.json")).expect("the capability is JSON");
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .expect("a list of permissions")
        .iter()
        .filter_map(Value::as_str)
        .filter(|p| p.starts_with("allow-"))
        .map(str::to_owned)
        .collect();
    let mut named: Vec<String> = cmd::ALL.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    granted.sort();
    named.sort();
    assert_eq!(granted, named, "the capability grants exactly the app's named commands");

    let server = TestServer::start();
    let mock = mock_app(&server);
    let main = window(&mock.app, "main");
    for command in cmd::ALL {
        // Without its arguments a command may fail, but as itself: not as unknown, not as refused.
        if let Err(e) = invoke(&main, command, json!({}), LOCAL_ORIGIN) {
            let text = e.to_string();
            assert!(
                !text.contains("not found") && !text.contains("not allowed"),
                "{command} is named, so it must be registered and granted: {text}"
            );
        }
    }
}
