//! Demo: Programme definitions (Guru Penggerak, a successor) and every staff member's participation.

use super::Ctx;
use sqlx::AnyConnection;

pub async fn seed(_tx: &mut AnyConnection, _ctx: &Ctx) -> anyhow::Result<()> {
    Ok(())
}
