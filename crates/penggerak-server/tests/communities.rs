//! Learning communities and the Idempotency-Key contract, against the real server (SQLite, and
//! PostgreSQL in `cargo xtask test`'s second pass).

mod common;

use common::Api;
use penggerak_testkit::TestServer;
use penggerak_types::api::{Community, CommunityDetail, CommunitySummary, Membership};
use penggerak_types::{Changed, ErrorCode, RecordKind};
use reqwest::{Client, StatusCode};

const SITI: &str = "3471765432100001";
const AGUS: &str = "3471765432100003";

/// The community calls these tests make, on the shared test client.
trait Communities {
    async fn list(&self, query: &str) -> Vec<CommunitySummary>;
    async fn detail(&self, id: &str) -> CommunityDetail;
    async fn post(&self, path: &str, key: Option<&str>) -> reqwest::Response;
}

impl Communities for Api {
    async fn list(&self, query: &str) -> Vec<CommunitySummary> {
        let r = self.get(&format!("/communities{query}")).await;
        assert_eq!(r.status(), StatusCode::OK, "listing communities {query}");
        r.json().await.unwrap()
    }

    async fn detail(&self, id: &str) -> CommunityDetail {
        self.get(&format!("/communities/{id}")).await.json().await.unwrap()
    }

    async fn post(&self, path: &str, key: Option<&str>) -> reqwest::Response {
        self.send_keyed(reqwest::Method::POST, path, None, key).await
    }
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn error_of(r: reqwest::Response, status: StatusCode, code: ErrorCode) {
    common::expect_error(r, status, code).await;
}

#[tokio::test]
async fn list_search_and_filter() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let all = siti.list("").await;
    assert_eq!(all.len(), 20, "the demo has twenty communities");
    assert!(all.windows(2).all(|w| w[0].name <= w[1].name), "listed by name");
    assert!(all.iter().all(|c| c.member_count >= 1), "every community has at least its lead");

    let bali = siti.list("?province=Bali").await;
    assert!(!bali.is_empty() && bali.iter().all(|c| c.province == "Bali"), "province filter");
    let sd = siti.list("?jenjang=SD&province=DI%20Yogyakarta").await;
    assert!(sd.iter().all(|c| c.jenjang == "SD" && c.province == "DI Yogyakarta"), "filters combine");
    let found = siti.list("?q=MATEMATIKA").await;
    assert_eq!(found.len(), 1, "search is case-insensitive over name, description and topic");
    assert_eq!(found[0].name, "MGMP Matematika SMP Sleman");
    let mine = siti.list("?mine=true").await;
    assert!(mine.iter().all(|c| c.is_member), "mine lists only the caller's communities");
    assert_eq!(mine.len(), all.iter().filter(|c| c.is_member).count());
    assert!(siti.list("?q=tidak-ada-yang-cocok").await.is_empty());

    let r = Client::new().get(format!("{}/api/v1/communities", s.base_url())).send().await.unwrap();
    error_of(r, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
}

#[tokio::test]
async fn detail_has_lead_and_upcoming_events_in_local_time() {
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let d = siti.detail("kom-13").await;
    assert_eq!(d.summary.province, "Bali");
    assert_eq!(d.lead_name, "Ni Made Ayu Lestari, S.Pd.");
    assert_eq!(d.upcoming_events.len(), 2, "the past event is not upcoming");
    assert!(d.upcoming_events.iter().all(|e| e.starts_at.ends_with("+08:00")), "Bali is WITA");
    assert!(d.upcoming_events[0].starts_at <= d.upcoming_events[1].starts_at, "soonest first");
    assert!(
        d.upcoming_events.iter().all(|e| e.place.is_some() || e.link.is_some()),
        "every event says where"
    );
    error_of(siti.get("/communities/kom-99").await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn join_and_leave_change_membership() {
    let s = TestServer::start();
    let agus = Api::sign_in(&s, AGUS).await;
    let before = agus.detail("kom-02").await;
    assert!(!before.summary.is_member);
    let r = agus.post("/communities/kom-02/join", Some(&key())).await;
    assert_eq!(r.status(), StatusCode::OK);
    let joined: Changed = r.json().await.unwrap();
    let kinds: Vec<_> = joined.records.iter().map(|r| (r.kind, r.deleted)).collect();
    assert_eq!(
        kinds,
        [(RecordKind::Membership, false), (RecordKind::Community, false)],
        "a join answers the new membership and the community with its new count"
    );
    let membership: Membership = joined.records[0].parse().unwrap();
    assert_eq!((membership.community_id.as_str(), membership.user_id.as_str()), ("kom-02", "guru-agus"));
    let community: Community = joined.records[1].parse().unwrap();
    assert_eq!(community.member_count, before.summary.member_count + 1);
    let after = agus.detail("kom-02").await;
    assert!(after.summary.is_member);
    assert_eq!(after.summary.member_count, before.summary.member_count + 1);
    let again: Changed = agus.post("/communities/kom-02/join", Some(&key())).await.json().await.unwrap();
    assert_eq!(again, joined, "joining twice is still one membership and changes no record");
    let left: Changed = agus.post("/communities/kom-02/leave", Some(&key())).await.json().await.unwrap();
    assert!(left.records[0].deleted && left.records[0].kind == RecordKind::Membership, "leaving deletes it");
    let community: Community = left.records[1].parse().unwrap();
    assert_eq!(community.member_count, before.summary.member_count);
    let detail = agus.detail("kom-02").await;
    assert!(!detail.summary.is_member);
    assert_eq!(detail.summary.member_count, before.summary.member_count);
    error_of(
        agus.post("/communities/kom-99/join", Some(&key())).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    // Agus leads "Literasi Kelas Awal Sleman" (kom-04): a lead cannot walk away from it.
    error_of(
        agus.post("/communities/kom-04/leave", Some(&key())).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;
}

#[tokio::test]
async fn idempotency_key_is_required_and_must_be_a_uuid() {
    let s = TestServer::start();
    let agus = Api::sign_in(&s, AGUS).await;
    error_of(
        agus.post("/communities/kom-02/join", None).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    error_of(
        agus.post("/communities/kom-02/join", Some("abc")).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::BadRequest,
    )
    .await;
    assert!(!agus.detail("kom-02").await.summary.is_member, "a refused request changed nothing");
}

#[tokio::test]
async fn a_replay_returns_the_stored_answer_without_running_again() {
    let s = TestServer::start();
    let agus = Api::sign_in(&s, AGUS).await;
    let join_key = key();
    let first = agus.post("/communities/kom-02/join", Some(&join_key)).await;
    assert!(first.headers().get("idempotent-replayed").is_none(), "the first answer is not a replay");
    let first: Changed = first.json().await.unwrap();
    agus.post("/communities/kom-02/leave", Some(&key())).await;

    // The device retries its old join (it never saw the answer): it gets that answer back, and the
    // membership it has since left stays left.
    let replay = agus.post("/communities/kom-02/join", Some(&join_key)).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    let replayed: Changed = replay.json().await.unwrap();
    assert_eq!(replayed, first, "the stored answer, byte for byte the same data");
    assert!(!agus.detail("kom-02").await.summary.is_member, "the replay did not join again");

    // The same key for another request is a client bug: 422, and nothing happens.
    error_of(
        agus.post("/communities/kom-10/join", Some(&join_key)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Validation,
    )
    .await;
    assert!(!agus.detail("kom-10").await.summary.is_member, "the refused request joined nothing");

    // Errors are answers too: a 404 is stored and replayed.
    let missing = key();
    error_of(
        agus.post("/communities/kom-99/join", Some(&missing)).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    let again = agus.post("/communities/kom-99/join", Some(&missing)).await;
    assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    error_of(again, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;

    // A conflict carrying the server's copy is not kept: nothing changed, and kept for a month such answers
    // (a whole record, for a request of a few bytes with a stale version) would let one client fill the
    // database. Its retry runs again and gets the copy as it is then.
    let siti = Api::sign_in(&s, SITI).await;
    let id = uuid::Uuid::new_v4().to_string();
    let body =
        serde_json::json!({"id": id, "kind": "pelatihan_mandiri", "title": "Asesmen formatif", "jp": 8});
    let r = siti.send(reqwest::Method::POST, "/pkb/items", Some(body)).await;
    assert_eq!(r.status(), StatusCode::OK, "added at version 1");
    let stale = key();
    let patch = |progress: u32| Some(serde_json::json!({"base_version": 0, "progress": progress}));
    let path = format!("/pkb/items/{id}");
    let first = siti.send_keyed(reqwest::Method::PATCH, &path, patch(10), Some(&stale)).await;
    assert_eq!(first.status(), StatusCode::CONFLICT);
    let first: penggerak_types::ApiError = first.json().await.unwrap();
    assert_eq!(first.current.as_ref().map(|c| c.version), Some(1), "the server's copy, at version 1");
    let r = siti.send(
        reqwest::Method::PATCH,
        &path,
        Some(serde_json::json!({"base_version": 1, "progress": 40})),
    );
    assert_eq!(r.await.status(), StatusCode::OK, "moved on to version 2 meanwhile");
    let again = siti.send_keyed(reqwest::Method::PATCH, &path, patch(10), Some(&stale)).await;
    assert!(again.headers().get("idempotent-replayed").is_none(), "not replayed: it ran again");
    let again: penggerak_types::ApiError = again.json().await.unwrap();
    assert_eq!(
        (again.code, again.current.map(|c| c.version)),
        (ErrorCode::Conflict, Some(2)),
        "the copy as it is now, not the one kept from before"
    );

    // Keys belong to their user: Siti may use the same UUID for her own change.
    let r = siti.post("/communities/kom-09/join", Some(&join_key)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("idempotent-replayed").is_none(), "another user's key is a new key");
}

#[tokio::test]
async fn concurrent_retries_of_one_key_have_one_effect() {
    let s = TestServer::start();
    let agus = std::sync::Arc::new(Api::sign_in(&s, AGUS).await);
    let before = agus.detail("kom-06").await.summary.member_count;
    let k = key();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (agus, k) = (agus.clone(), k.clone());
            tokio::spawn(async move { agus.post("/communities/kom-06/join", Some(&k)).await.status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "each retry gets the answer or 'still running': {statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::OK), "at least the first one answered");
    assert_eq!(
        agus.detail("kom-06").await.summary.member_count,
        before + 1,
        "twelve requests, one membership"
    );
}

#[tokio::test]
async fn keys_are_kept_thirty_days_then_expire() {
    use penggerak_server::{idempotency, AppState, Config, Db};
    let s = TestServer::start();
    let agus = Api::sign_in(&s, AGUS).await;
    agus.post("/communities/kom-02/join", Some(&key())).await;
    let db = Db::open(s.database_url()).await.unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let day = 24 * 60 * 60;
    for (fingerprint, age_days) in [("31 days", 31), ("29 days", 29)] {
        sqlx::query(
            "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind("guru-agus")
        .bind(key())
        .bind(fingerprint)
        .bind(now - age_days * day)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let state = AppState::new(db.clone(), Config::default());
    assert_eq!(idempotency::expire(&state).await.unwrap(), 1, "only the key older than 30 days goes");
    let (left,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM idempotency_keys").fetch_one(&db.pool).await.unwrap();
    assert_eq!(left, 2, "the fresh join's key and the 29-day-old key stay");
    db.pool.close().await;
}

#[tokio::test]
async fn a_member_says_she_was_at_an_event_and_the_event_counts_her() {
    use penggerak_types::api::{Attendance, CommunityEventRecord};
    let s = TestServer::start();
    let siti = Api::sign_in(&s, SITI).await;
    let agus = Api::sign_in(&s, AGUS).await;
    // kom-02's first event was ten days ago (its lead said he was there); Siti is a member, Agus is not.
    let r = siti.post("/community-events/kom-02-ev1/attend", Some(&key())).await;
    assert_eq!(r.status(), StatusCode::OK, "a member may say she was at a past event within the window");
    let said: Changed = r.json().await.unwrap();
    let kinds: Vec<_> = said.records.iter().map(|r| (r.kind, r.deleted)).collect();
    assert_eq!(kinds, [(RecordKind::Attendance, false), (RecordKind::CommunityEvent, false)]);
    let a: Attendance = said.records[0].parse().unwrap();
    assert_eq!(
        (a.event_id.as_str(), a.community_id.as_str(), a.user_id.as_str()),
        ("kom-02-ev1", "kom-02", "guru-siti")
    );
    let event: CommunityEventRecord = said.records[1].parse().unwrap();
    assert_eq!(event.event.attendee_count, 2, "the lead and Siti");
    let again: Changed =
        siti.post("/community-events/kom-02-ev1/attend", Some(&key())).await.json().await.unwrap();
    assert_eq!(again, said, "saying it twice is one attendance and changes no record");

    let (records, _) = agus.sync_all().await;
    assert!(
        !records.iter().any(|r| r.kind == RecordKind::Attendance && r.id.ends_with(":guru-siti")),
        "her attendance is hers: another teacher's feed does not carry it"
    );
    let seen: CommunityEventRecord =
        records.iter().find(|r| r.id == "kom-02-ev1").expect("events are public").parse().unwrap();
    assert_eq!(seen.event.attendee_count, 2, "but everyone sees the count");

    let err = |r| common::expect_error(r, StatusCode::CONFLICT, ErrorCode::Conflict);
    let refused = err(agus.post("/community-events/kom-02-ev1/attend", Some(&key())).await).await;
    assert_eq!(refused.reason, Some(penggerak_types::Reason::MembersOnly), "only members of its community");
    let refused = err(siti.post("/community-events/kom-02-ev2/attend", Some(&key())).await).await;
    assert_eq!(refused.reason, Some(penggerak_types::Reason::AttendanceNotYet), "not before it starts");
    error_of(
        siti.post("/community-events/kom-99-ev1/attend", Some(&key())).await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;

    let back: Changed =
        siti.post("/community-events/kom-02-ev1/unattend", Some(&key())).await.json().await.unwrap();
    assert!(
        back.records[0].deleted && back.records[0].kind == RecordKind::Attendance,
        "taking it back deletes it"
    );
    let event: CommunityEventRecord = back.records[1].parse().unwrap();
    assert_eq!(event.event.attendee_count, 1);
    let detail = siti.detail("kom-02").await;
    assert!(detail.upcoming_events.iter().all(|e| e.attendee_count == 0), "no one was at what has not begun");
}
