//! The queries every sign-in and profile read asks, and the hourly housekeeping of idempotency keys and their daily counts, find
//! their rows by an index, on the backend the run asked for (SQLite, or PostgreSQL in the PostgreSQL
//! pass): at a country's millions of teachers a scan of every user per sign-in, per `/me` or per staff
//! page would be the whole service's cost, and one of every key ever stored per hour its largest read. A demo database's
//! few users cannot show that by time, so the planner's own plan is read: SQLite's `EXPLAIN QUERY PLAN`,
//! and PostgreSQL's `EXPLAIN` with sequential scans priced out (`enable_seqscan = off`), under which it
//! still scans only when no index can answer.

use penggerak_server::db::Backend;
use penggerak_server::{auth, idempotency, people, Db};
use penggerak_testkit::TestServer;

/// A value bound to a query's parameter: text, or a number where the column is one (PostgreSQL will not
/// compare a number with text).
#[derive(Clone, Copy)]
enum Arg<'a> {
    Text(&'a str),
    Int(i64),
}
use Arg::{Int, Text};

/// The plan of `sql` with `args` bound to `$1`, `$2`…, one line per step.
async fn plan(db: &Db, sql: &str, args: &[Arg<'_>]) -> Vec<String> {
    let mut conn = db.pool.acquire().await.unwrap();
    match db.backend {
        Backend::Sqlite => {
            let sql = format!("EXPLAIN QUERY PLAN {sql}");
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql);
            for a in args {
                q = match *a {
                    Text(t) => q.bind(t),
                    Int(n) => q.bind(n),
                };
            }
            let rows = q.fetch_all(&mut *conn).await.unwrap();
            rows.into_iter().map(|r| r.3).collect()
        }
        Backend::Postgres => {
            sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
            let sql = format!("EXPLAIN {sql}");
            let mut q = sqlx::query_as::<_, (String,)>(&sql);
            for a in args {
                q = match *a {
                    Text(t) => q.bind(t),
                    Int(n) => q.bind(n),
                };
            }
            let rows = q.fetch_all(&mut *conn).await.unwrap();
            sqlx::query("RESET enable_seqscan").execute(&mut *conn).await.unwrap();
            rows.into_iter().map(|r| r.0).collect()
        }
    }
}

/// Whether a plan step reads every row of `table`.
fn scans(step: &str, table: &str) -> bool {
    // SQLite: "SCAN users" (a full scan; a search by index says "SEARCH users USING …").
    // PostgreSQL: "Seq Scan on users".
    let step = step.trim_start();
    step == format!("SCAN {table}")
        || step.starts_with(&format!("SCAN {table} "))
        || step.contains(&format!("Seq Scan on {table} "))
        || step.ends_with(&format!("Seq Scan on {table}"))
}

#[tokio::test]
async fn sign_in_profile_reads_and_housekeeping_find_their_rows_by_an_index() {
    let server = TestServer::start();
    let db = Db::open(server.database_url()).await.unwrap();
    let now = 1_780_000_000;
    for (what, table, sql, args) in [
        (
            "sign-in by NUPTK, NIP or e-mail in any case",
            "users",
            auth::FIND_ACCOUNT,
            &[Text("Siti.Rahayu@Contoh.sch.id")][..],
        ),
        (
            "a school's principal (every /me and refresh)",
            "users",
            people::SCHOOL_PRINCIPAL,
            &[Text("20100001")],
        ),
        ("a school's staff", "users", people::STAFF_IDS, &[Text("20100001")]),
        (
            "a user's sessions, newest first (every sign-in)",
            "session_families",
            auth::USER_SESSIONS,
            &[Text("u-1"), Text("f-1")],
        ),
        (
            "idempotency keys past their retention (hourly)",
            "idempotency_keys",
            idempotency::EXPIRE,
            &[Int(now)],
        ),
        (
            "the change counts of the days before today (hourly)",
            "change_days",
            idempotency::EXPIRE_DAYS,
            &[Int(now / 86_400)],
        ),
    ] {
        let steps = plan(&db, sql, args).await;
        assert!(!steps.is_empty(), "{what}: the database gave a plan");
        assert!(
            !steps.iter().any(|s| scans(s, table)),
            "{what} must not read all of {table} ({:?}): {steps:#?}",
            db.backend
        );
    }
    db.pool.close().await;
}
