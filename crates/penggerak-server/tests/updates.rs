//! App releases for the Tauri updater, against the real server: `204` until something newer is published
//! for the platform, then the release with an absolute link to its bundle (made of the request's Host, or
//! the configured public address), the bundle whole and by range; publishing refuses what is not a release.

use penggerak_testkit::{ServerConfig, TestServer};
use penggerak_types::api::AppUpdate;
use reqwest::StatusCode;

const SIG: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZQ==";

async fn ask(s: &TestServer, path: &str) -> reqwest::Response {
    reqwest::get(format!("{}/api/v1/app/update/{path}", s.base_url())).await.unwrap()
}

#[tokio::test]
async fn a_newer_release_is_offered_with_its_bundle_and_nothing_else_is() {
    let s = TestServer::start();
    assert_eq!(ask(&s, "linux/x86_64/0.1.0").await.status(), StatusCode::NO_CONTENT, "nothing published");
    let bundle: Vec<u8> = (0..700_000u32).map(|i| (i % 253) as u8).collect();
    s.publish_update("linux-x86_64", "0.2.0", "Saya hadir.", &bundle, SIG);

    let r = ask(&s, "linux/x86_64/0.1.0").await;
    assert_eq!(r.status(), StatusCode::OK, "0.2.0 is newer than 0.1.0");
    let u: AppUpdate = r.json().await.unwrap();
    assert_eq!((u.version.as_str(), u.notes.as_str(), u.signature.as_str()), ("0.2.0", "Saya hadir.", SIG));
    assert!(
        u.url.starts_with(&format!("{}/api/v1/app/update-files/", s.base_url())),
        "absolute, from Host: {}",
        u.url
    );
    assert!(time::OffsetDateTime::parse(&u.pub_date, &time::format_description::well_known::Rfc3339).is_ok());
    for (path, why) in [
        ("linux/x86_64/0.2.0", "the same version"),
        ("linux/x86_64/1.0.0", "a newer app"),
        ("linux/x86_64/0.2.0-rc.1", "(0.2.0 is newer than its release candidate, so this one is offered)"),
        ("windows/x86_64/0.1.0", "another platform"),
    ] {
        let status = ask(&s, path).await.status();
        let offered = status == StatusCode::OK;
        assert_eq!(offered, why.starts_with('('), "{path}: {why}: {status}");
    }
    let long = format!("linux/x86_64/0.1.0-{}", "a".repeat(100));
    for bad in ["linux/x86_64/satu", "Linux/x86_64/0.1.0", "linux/x8 6/0.1.0", long.as_str()] {
        assert_eq!(ask(&s, bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    let whole = reqwest::get(&u.url).await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert!(whole.bytes().await.unwrap() == bundle, "the bundle as published");
    let part =
        reqwest::Client::new().get(&u.url).header("Range", "bytes=300000-300009").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT, "a broken download resumes");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bundle[300_000..300_010]);
    let other = format!("{}/api/v1/app/update-files/{}", s.base_url(), "0".repeat(64));
    assert_eq!(reqwest::get(other).await.unwrap().status(), StatusCode::NOT_FOUND, "only published bundles");
    let not_a_hash = format!("{}/api/v1/app/update-files/{}", s.base_url(), "x".repeat(64));
    assert_eq!(reqwest::get(not_a_hash).await.unwrap().status(), StatusCode::NOT_FOUND, "a hash or nothing");

    // A new release replaces the old one, whose bundle is no longer served.
    s.publish_update("linux-x86_64", "0.3.0", "", &bundle[..10], SIG);
    let newer: AppUpdate = ask(&s, "linux/x86_64/0.1.0").await.json().await.unwrap();
    assert_eq!(newer.version, "0.3.0");
    assert_eq!(reqwest::get(&u.url).await.unwrap().status(), StatusCode::NOT_FOUND, "the old bundle went");
}

#[tokio::test]
async fn a_configured_public_address_makes_the_links() {
    let s = TestServer::start_with(ServerConfig {
        public_url: Some("https://api.dinas.example/".into()),
        ..Default::default()
    });
    s.publish_update("linux-x86_64", "9.0.0", "", b"deb", SIG);
    let u: AppUpdate = ask(&s, "linux/x86_64/0.1.0").await.json().await.unwrap();
    assert!(u.url.starts_with("https://api.dinas.example/api/v1/app/update-files/"), "{}", u.url);
}

#[test]
fn publishing_refuses_what_is_not_a_release() {
    use penggerak_server::domain::releases::{publish, NewRelease};
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let db = penggerak_server::Db::open(&format!("sqlite://{}", dir.path().join("r.sqlite").display()))
            .await
            .unwrap();
        let ok = NewRelease {
            platform: "linux-x86_64",
            version: "1.0.0",
            notes: "",
            file_name: "Penggerak_1.0.0_amd64.deb",
            bundle: b"deb",
            signature: SIG,
            at: 0,
        };
        let long = "x".repeat(penggerak_types::limits::RELEASE_NOTES + 1);
        for (bad, why) in [
            (NewRelease { version: "satu", ..ok }, "a version that is not semantic"),
            (NewRelease { platform: "linux", ..ok }, "a platform without its architecture"),
            (NewRelease { file_name: "../../etc/passwd", ..ok }, "a file name with a path"),
            (NewRelease { signature: "bukan base64!", ..ok }, "a signature that is not base64"),
            (NewRelease { bundle: b"", ..ok }, "an empty bundle"),
            (NewRelease { notes: &long, ..ok }, "notes over their bound"),
        ] {
            let mut tx = db.begin().await.unwrap();
            assert!(publish(&mut tx, bad).await.is_err(), "{why} is refused");
        }
        let mut tx = db.begin().await.unwrap();
        publish(&mut tx, ok).await.expect("a release");
    });
}
