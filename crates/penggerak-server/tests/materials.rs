//! `/materials`: the catalogue and its filters, content with `ETag`/`304`, and file downloads with
//! `Range` (206), `If-Range`, `416`, resumption and no compression of file bytes — against the real
//! server and its seeded demo materials.

mod common;

use common::{expect_error, Api};
use penggerak_testkit::TestServer;
use penggerak_types::material::{Material, MaterialContent, MaterialKind};
use penggerak_types::{ErrorCode, RecordKind};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

const SITI: &str = "3471765432100001";

async fn catalogue(api: &Api, query: &str) -> Vec<Material> {
    let r = api.get(&format!("/materials{query}")).await;
    assert_eq!(r.status(), StatusCode::OK, "{query}");
    r.json().await.unwrap()
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn the_catalogue_lists_filters_and_syncs() {
    let s = TestServer::start();
    let api = Api::sign_in(&s, SITI).await;
    let all = catalogue(&api, "").await;
    assert!(all.len() >= 30, "about 30 demo materials, got {}", all.len());
    assert!(all.windows(2).all(|w| w[0].updated >= w[1].updated), "newest first");
    for kind in [MaterialKind::Modul, MaterialKind::PerangkatAjar, MaterialKind::Bacaan, MaterialKind::Video]
    {
        assert!(all.iter().any(|m| m.kind == kind), "{kind:?} in the demo");
    }
    let videos = catalogue(&api, "?kind=video").await;
    assert!(!videos.is_empty() && videos.iter().all(|m| m.kind == MaterialKind::Video));
    let sd = catalogue(&api, "?jenjang=SD").await;
    assert!(
        sd.len() < all.len()
            && sd.iter().all(|m| m.jenjang.is_empty() || m.jenjang.iter().any(|j| j == "SD"))
    );
    let found = catalogue(&api, "?q=disiplin%20positif").await;
    assert!(
        !found.is_empty()
            && found.iter().all(|m| format!("{} {} {}", m.title, m.topic, m.summary)
                .to_lowercase()
                .contains("disiplin"))
    );
    assert!(catalogue(&api, "?q=zzzz-tidak-ada").await.is_empty());
    expect_error(api.get("/materials?kind=podcast").await, StatusCode::BAD_REQUEST, ErrorCode::BadRequest)
        .await;
    expect_error(api.get("/materials/tidak-ada").await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    // The catalogue reaches devices through /sync too, so it can be browsed offline.
    let (records, _) = api.sync_all().await;
    let synced = records.iter().filter(|r| r.kind == RecordKind::Material).count();
    assert_eq!(synced, all.len());
    assert!(reqwest::get(api.url("/materials")).await.unwrap().status() == StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn content_has_real_text_and_answers_304_to_its_etag() {
    let s = TestServer::start();
    let api = Api::sign_in(&s, SITI).await;
    for m in catalogue(&api, "").await {
        let r = api.get(&format!("/materials/{}/content", m.id)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()["etag"].to_str().unwrap(),
            m.content_etag,
            "the catalogue names the content's ETag"
        );
        let body = r.bytes().await.unwrap();
        assert_eq!(body.len() as u64, m.content_size, "the catalogue's size is the content's");
        let c: MaterialContent = serde_json::from_slice(&body).unwrap();
        let words: usize =
            c.sections.iter().flat_map(|s| &s.paragraphs).map(|p| p.split_whitespace().count()).sum();
        assert!(
            c.sections.len() >= 5 && words >= 350,
            "{}: {} sections, {words} words",
            m.id,
            c.sections.len()
        );
        let again = api.get_if_none_match(&format!("/materials/{}/content", m.id), &m.content_etag).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.bytes().await.unwrap().is_empty(), "a device that has it pays nothing");
    }
}

#[tokio::test]
async fn files_download_whole_or_in_ranges_and_resume_byte_exact() {
    let s = TestServer::start();
    let api = Api::sign_in(&s, SITI).await;
    let all = catalogue(&api, "").await;
    let big =
        all.iter().flat_map(|m| m.files.iter().map(move |f| (m, f))).max_by_key(|(_, f)| f.size).unwrap();
    let (m, f) = big;
    assert!(f.size > 5_000_000, "one attachment is over 5 MB: {}", f.size);
    let path = format!("/materials/{}/files/{}", m.id, f.id);
    let etag = format!("\"{}\"", f.sha256);
    let get = |range: Option<&str>, if_range: Option<&str>| {
        let mut r =
            api.c.get(api.url(&path)).bearer_auth(&api.token).header("Accept-Encoding", "gzip, br, zstd");
        if let Some(v) = range {
            r = r.header("Range", v);
        }
        if let Some(v) = if_range {
            r = r.header("If-Range", v);
        }
        r.send()
    };

    // Whole: the hash the catalogue gives, uncompressed even when the client accepts compression.
    let r = get(None, None).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("content-encoding").is_none(), "file bytes are never re-encoded");
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    let whole = r.bytes().await.unwrap();
    assert!(whole.starts_with(b"%PDF-"));
    assert_eq!((whole.len() as u64, hex(&whole)), (f.size, f.sha256.clone()));

    // A download cut at an arbitrary byte resumes with `Range` + `If-Range` and ends byte-exact.
    let cut = 1_234_567u64;
    let r = get(Some(&format!("bytes={cut}-")), Some(&etag)).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()["content-range"].to_str().unwrap(),
        format!("bytes {cut}-{}/{}", f.size - 1, f.size)
    );
    let mut resumed = whole[..cut as usize].to_vec();
    resumed.extend_from_slice(&r.bytes().await.unwrap());
    assert_eq!(hex(&resumed), f.sha256);

    // Suffix ranges; a stale If-Range restarts from zero; a range past the end is 416.
    let r = get(Some("bytes=-100"), None).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &whole[whole.len() - 100..]);
    let r = get(Some("bytes=100-199"), Some("\"versi-lama\"")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a resume against another version gets the whole file");
    assert_eq!(r.bytes().await.unwrap().len() as u64, f.size);
    let r = get(Some(&format!("bytes={}-", f.size)), None).await.unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(r.headers()["content-range"].to_str().unwrap(), format!("bytes */{}", f.size));
    // A suffix longer than the file is all of it; a last byte before the first is no range, so the header
    // is ignored (RFC 9110 14.1.1-2): neither is a 416.
    let r = get(Some(&format!("bytes=-{}", f.size + 10)), None).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"].to_str().unwrap(), format!("bytes 0-{}/{}", f.size - 1, f.size));
    assert_eq!(r.bytes().await.unwrap().len() as u64, f.size);
    let r = get(Some("bytes=10-5"), None).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "an invalid range is ignored");
    assert_eq!(r.bytes().await.unwrap().len() as u64, f.size);
    let r = api.get_if_none_match(&path, &etag).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // Every other attachment matches its catalogue entry too.
    for (m, f) in all.iter().flat_map(|m| m.files.iter().map(move |f| (m, f))) {
        let body = api.get(&format!("/materials/{}/files/{}", m.id, f.id)).await.bytes().await.unwrap();
        assert_eq!((body.len() as u64, hex(&body)), (f.size, f.sha256.clone()), "{}/{}", m.id, f.id);
    }
    expect_error(
        api.get(&format!("/materials/{}/files/tidak-ada", m.id)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
}

#[tokio::test]
async fn the_catalogue_search_and_filters_are_bounded() {
    let s = TestServer::start();
    let api = Api::sign_in(&s, SITI).await;
    let at_bound = penggerak_types::limits::SEARCH;
    let r = api.c.get(api.url("/materials")).query(&[("q", "a".repeat(at_bound))]).bearer_auth(&api.token);
    assert_eq!(r.send().await.unwrap().status(), StatusCode::OK, "a search text at its bound is a search");
    for (name, value) in [
        ("q", "a".repeat(penggerak_types::limits::SEARCH + 1)),
        ("topic", "t".repeat(penggerak_types::limits::FILTER + 1)),
        ("jenjang", "j".repeat(penggerak_types::limits::FILTER + 1)),
    ] {
        let r = api.c.get(api.url("/materials")).query(&[(name, &value)]).bearer_auth(&api.token);
        // The same bounds as /communities, as the OpenAPI document states them.
        expect_error(r.send().await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation).await;
    }
}
