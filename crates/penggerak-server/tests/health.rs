//! Liveness and readiness against the real server, on the lane's backend (SQLite or PostgreSQL): a
//! database missing one of this build's migrations makes the instance not ready (`503`, `server_busy`),
//! while it stays live (the process answers; an orchestrator must not restart it for its database).

use penggerak_testkit::TestServer;
use penggerak_types::{route, ApiError, ErrorCode};
use reqwest::StatusCode;

#[tokio::test]
async fn an_instance_is_ready_only_with_every_migration_applied_and_live_regardless() {
    let server = TestServer::start();
    let http = reqwest::Client::new();
    let get = |path: &'static str| {
        let url = format!("{}{path}", server.base_url());
        let http = http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    assert_eq!(get(route::HEALTH_LIVE).await.status(), StatusCode::OK, "live");
    assert_eq!(get(route::HEALTH_READY).await.status(), StatusCode::OK, "ready: every migration applied");

    // Another instance's older schema, or a half-applied upgrade: one migration is not there.
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(server.database_url()).await.unwrap();
    let (latest,): (i64,) =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&db).await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1").bind(latest).execute(&db).await.unwrap();

    let answer = get(route::HEALTH_READY).await;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE, "not ready while a migration is missing");
    let error: ApiError = answer.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::ServerBusy, "{error:?}");
    assert_eq!(get(route::HEALTH_LIVE).await.status(), StatusCode::OK, "still live: the process answers");
}
