//! Deterministic demo data in Bahasa Indonesia, seeded by `penggerak-server --demo` into an empty database.
//! Every demo account's password is [`DEMO_PASSWORD`]; the named accounts are listed in the README.
//!
//! People: six schools in DI Yogyakarta and Bali, their principals (one school has none, on purpose: a
//! data problem), about 60 teachers generated from fixed name lists, a pengawas and an admin. Each area
//! seeds its own records from [`Ctx`] in its own module.

mod communities;
mod kinerja;
mod materials;
mod people;
mod pkb;
mod programmes;

use crate::auth::hash_password;
use crate::Db;

pub use people::{all as people, DemoPerson, SCHOOLS};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "penggerak2026";

/// What every area's seed gets: the clock and the people.
pub struct Ctx {
    /// Seed time, Unix seconds. Dates that must stay current (events, deadlines) are relative to it.
    pub now: i64,
    pub people: Vec<DemoPerson>,
}

impl Ctx {
    /// Teachers and principals: the people with programmes, plans and a performance cycle.
    pub fn staff(&self) -> impl Iterator<Item = &DemoPerson> {
        self.people.iter().filter(|p| matches!(p.role, "guru" | "kepala_sekolah"))
    }
}

/// Seeds the demo data if (and only if) the database has no users. Returns whether it seeded.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<bool> {
    if !db.is_empty().await? {
        return Ok(false);
    }
    let hash = {
        let pw = DEMO_PASSWORD.to_owned();
        tokio::task::spawn_blocking(move || hash_password(&pw)).await??
    };
    let ctx = Ctx { now: crate::auth::now_unix(), people: people::all() };
    let mut tx = db.begin().await?;
    people::seed(&mut tx, &ctx, &hash).await?;
    communities::seed(&mut tx, ctx.now).await?;
    programmes::seed(&mut tx, &ctx).await?;
    pkb::seed(&mut tx, &ctx).await?;
    kinerja::seed(&mut tx, &ctx).await?;
    materials::seed(&mut tx, &ctx).await?;
    tx.commit().await?;
    Ok(true)
}
