//! Demo: The current performance cycle and plans in every status, observations and evidence.

use super::Ctx;
use sqlx::AnyConnection;

pub async fn seed(_tx: &mut AnyConnection, _ctx: &Ctx) -> anyhow::Result<()> {
    Ok(())
}
