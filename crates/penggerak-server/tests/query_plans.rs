//! The queries every sign-in and profile read asks find their users by an index, on the backend the run
//! asked for (SQLite, or PostgreSQL in the PostgreSQL pass): at a country's millions of teachers a scan of
//! every user per sign-in, per `/me` or per staff page would be the whole service's cost. A demo database's
//! few users cannot show that by time, so the planner's own plan is read: SQLite's `EXPLAIN QUERY PLAN`,
//! and PostgreSQL's `EXPLAIN` with sequential scans priced out (`enable_seqscan = off`), under which it
//! still scans only when no index can answer.

use penggerak_server::db::Backend;
use penggerak_server::{auth, people, Db};
use penggerak_testkit::TestServer;

/// The plan of `sql` with `arg` bound to `$1`, one line per step.
async fn plan(db: &Db, sql: &str, arg: &str) -> Vec<String> {
    let mut conn = db.pool.acquire().await.unwrap();
    match db.backend {
        Backend::Sqlite => {
            let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .bind(arg)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.3).collect()
        }
        Backend::Postgres => {
            sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
            let rows: Vec<(String,)> =
                sqlx::query_as(&format!("EXPLAIN {sql}")).bind(arg).fetch_all(&mut *conn).await.unwrap();
            sqlx::query("RESET enable_seqscan").execute(&mut *conn).await.unwrap();
            rows.into_iter().map(|r| r.0).collect()
        }
    }
}

/// Whether a plan step reads every row of `users`.
fn scans_users(step: &str) -> bool {
    // SQLite: "SCAN users" (a full scan; a search by index says "SEARCH users USING …").
    // PostgreSQL: "Seq Scan on users".
    step.trim_start().starts_with("SCAN users") || step.contains("Seq Scan on users")
}

#[tokio::test]
async fn sign_in_and_a_schools_staff_find_their_users_by_an_index() {
    let server = TestServer::start();
    let db = Db::open(server.database_url()).await.unwrap();
    for (what, sql, arg) in [
        ("sign-in by NUPTK, NIP or e-mail in any case", auth::FIND_ACCOUNT, "Siti.Rahayu@Contoh.sch.id"),
        ("a school's principal (every /me and refresh)", people::SCHOOL_PRINCIPAL, "20100001"),
        ("a school's staff", people::STAFF_IDS, "20100001"),
    ] {
        let steps = plan(&db, sql, arg).await;
        assert!(!steps.is_empty(), "{what}: the database gave a plan");
        assert!(
            !steps.iter().any(|s| scans_users(s)),
            "{what} must not read every user ({:?}): {steps:#?}",
            db.backend
        );
    }
    db.pool.close().await;
}
