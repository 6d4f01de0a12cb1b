//! Demo: Development plans (PKB) for every staff member.

use super::Ctx;
use sqlx::AnyConnection;

pub async fn seed(_tx: &mut AnyConnection, _ctx: &Ctx) -> anyhow::Result<()> {
    Ok(())
}
