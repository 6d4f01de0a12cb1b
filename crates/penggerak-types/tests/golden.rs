//! Golden tests: the JSON of each contract type is pinned. If one of these fails, you changed the wire
//! format that deployed apps and servers speak: add a new field or version instead of changing this.

use penggerak_types::api::{Employment, LoginResponse, Profile, Role, School, TokenPair};
use penggerak_types::ipc::{SessionState, SignInArgs, SignInRequest};
use penggerak_types::{ApiError, Changed, ErrorCode, RecordKind, SyncRecord};
use serde_json::json;

fn profile() -> Profile {
    Profile {
        id: "u-1".into(),
        full_name: "Siti Rahayu, S.Pd.".into(),
        role: Role::Guru,
        nuptk: Some("1234567890123456".into()),
        nip: None,
        email: "siti@example.id".into(),
        school: Some(School {
            npsn: "20212345".into(),
            name: "SD Negeri 1 Sleman".into(),
            jenjang: "SD".into(),
            province: "DI Yogyakarta".into(),
            regency: "Kabupaten Sleman".into(),
            principal_id: None,
        }),
        employment: Employment::NonAsn,
        subjects: vec![],
        problems: vec![],
    }
}

#[test]
fn error_shape_is_code_and_message() {
    let e = ApiError::new(ErrorCode::InvalidCredentials, "Salah");
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"code": "invalid_credentials", "message": "Salah"}),
        "errors cross every boundary as {{code, message}} with snake_case codes"
    );
}

#[test]
fn unknown_error_codes_from_newer_servers_still_parse() {
    let e: ApiError = serde_json::from_value(json!({"code": "brand_new", "message": "x"})).unwrap();
    assert_eq!(e.code, ErrorCode::Unknown, "an older app must not fail to read a newer server's error");
}

#[test]
fn login_response_json_is_pinned() {
    let r = LoginResponse {
        tokens: TokenPair {
            access_token: "a".into(),
            access_expires_in: 900,
            refresh_token: "r".into(),
            refresh_expires_in: 2_592_000,
        },
        profile: profile(),
    };
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({
            "tokens": {"access_token": "a", "access_expires_in": 900, "refresh_token": "r",
                       "refresh_expires_in": 2592000},
            "profile": {"id": "u-1", "full_name": "Siti Rahayu, S.Pd.", "role": "guru",
                        "nuptk": "1234567890123456", "nip": null, "email": "siti@example.id",
                        "school": {"npsn": "20212345", "name": "SD Negeri 1 Sleman", "jenjang": "SD",
                                   "province": "DI Yogyakarta", "regency": "Kabupaten Sleman"},
                        "employment": "non_asn"}
        }),
        "the login response is the HTTP contract of /auth/login"
    );
}

#[test]
fn session_state_is_internally_tagged() {
    let s = SessionState::SignedOut { server_url: "http://127.0.0.1:8080".into() };
    assert_eq!(
        serde_json::to_value(&s).unwrap(),
        json!({"state": "signed_out", "server_url": "http://127.0.0.1:8080"}),
        "the UI reads `state` to pick a screen"
    );
    // Read back as written, both states (its decoder is written by hand, see `SessionState`).
    let signed_in = SessionState::SignedIn {
        server_url: "https://penggerak.example.id".into(),
        profile: Box::new(profile()),
        welcome: true,
    };
    for state in [s.clone(), signed_in.clone()] {
        let json = serde_json::to_value(&state).unwrap();
        assert_eq!(serde_json::from_value::<SessionState>(json).unwrap(), state);
    }
    let mut json = serde_json::to_value(&signed_in).unwrap();
    json.as_object_mut().unwrap().remove("welcome");
    let read: SessionState = serde_json::from_value(json.clone()).unwrap();
    assert!(matches!(read, SessionState::SignedIn { welcome: false, .. }), "welcome is false unless said");
    json.as_object_mut().unwrap().remove("profile");
    assert!(serde_json::from_value::<SessionState>(json).is_err(), "signed in without a profile");
    let other = json!({"state": "locked", "server_url": "x"});
    assert!(serde_json::from_value::<SessionState>(other).is_err(), "a state this app does not know");
    let role: Role = serde_json::from_value(json!("kepala_sekolah")).unwrap();
    assert_eq!(role, Role::KepalaSekolah);
}

#[test]
fn sign_in_args_envelope_and_secret_free_debug() {
    let a = SignInArgs {
        request: SignInRequest { identifier: "1234".into(), password: "hunter2".into(), server_url: None },
    };
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        json!({"request": {"identifier": "1234", "password": "hunter2", "server_url": null}}),
        "Tauri maps the `request` key to the command's argument of that name"
    );
    assert!(
        !format!("{a:?}").contains("hunter2"),
        "Debug output ends up in logs: it must never contain the password"
    );
}

#[test]
fn records_and_conflicts_are_pinned() {
    let r = SyncRecord {
        kind: RecordKind::PkbItem,
        id: "i-1".into(),
        version: 3,
        deleted: false,
        data: Some(json!({"a": 1})),
    };
    assert_eq!(
        serde_json::to_value(Changed { records: vec![r.clone()] }).unwrap(),
        json!({"records": [{"kind": "pkb_item", "id": "i-1", "version": 3, "deleted": false, "data": {"a": 1}}]}),
        "every mutating route answers records in the /sync shape"
    );
    let e = ApiError::conflict("Berubah", r.clone());
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"code": "conflict", "message": "Berubah",
               "current": {"kind": "pkb_item", "id": "i-1", "version": 3, "deleted": false, "data": {"a": 1}}}),
        "a stale edit's 409 carries the server copy"
    );
    let tomb: SyncRecord =
        serde_json::from_value(json!({"kind": "from_the_future", "id": "x", "version": 2, "deleted": true}))
            .unwrap();
    assert_eq!((tomb.kind, tomb.data), (RecordKind::Unknown, None), "unknown kinds and tombstones parse");
    for k in RecordKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), json!(k.as_str()), "as_str is the wire name");
        assert_eq!(RecordKind::parse(k.as_str()), k);
    }
}
