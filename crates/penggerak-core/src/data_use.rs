//! Data use (`migrations/0005_data_use.sql`): what the engine's requests cost in mobile data, per month.
//!
//! Owns: moving the client's [`Meter`](penggerak_client::Meter) count into the store, attributed to the
//! month (in the user's time zone, [`Engine::today`]) in which it is kept, and reading it back. The count is kept after every sync pass, material
//! download, sign-in and sign-out, and whenever it is read; between two of those it lives in memory, so a
//! killed app loses at most one pass's (or one download's) count. A device figure: sign-out keeps it.

use crate::{CoreError, Engine, LocalStore};
use penggerak_client::Traffic;
use penggerak_types::ipc::{DataUse, MonthlyDataUse};

impl Engine {
    /// Adds what the meter counted since the last call to this month's data use.
    pub async fn keep_data_use(&self) -> Result<(), CoreError> {
        // The month first: a failure here leaves the count in the meter.
        let today = self.today().await?;
        let month = &today[..7];
        let counted = self.meter().take();
        let from_peers = self.peers.take_received();
        if counted == Traffic::default() && from_peers == 0 {
            return Ok(());
        }
        if let Err(e) = self.store().add_data_use(month, counted, from_peers).await {
            // Not kept: back into the meter, for the next try.
            self.meter().put_back(counted);
            self.peers.put_back(from_peers);
            return Err(e);
        }
        Ok(())
    }

    /// [`Engine::keep_data_use`] where its failure must not fail the caller's work: logged, and the
    /// count stays in the meter for the next time.
    pub(crate) async fn keep_data_use_or_warn(&self) {
        if let Err(e) = self.keep_data_use().await {
            tracing::warn!(error = %e, "could not keep the data use; it is kept next time");
        }
    }

    /// Counts `bytes` received by a client that is not the engine's (the app's update, downloaded by the
    /// updater's own client) in this month's data use, so what the user paid for shows with the rest.
    pub async fn count_received(&self, bytes: u64) {
        self.meter().put_back(Traffic { sent: 0, received: bytes });
        self.keep_data_use_or_warn().await;
    }

    /// The data use per month, newest first, including what was counted a moment ago.
    pub async fn data_use(&self) -> Result<DataUse, CoreError> {
        self.keep_data_use().await?;
        let months = self.store().data_use_months().await?;
        Ok(DataUse {
            this_month: self.today().await?[..7].to_owned(),
            months,
            connection: self.connection().await,
        })
    }
}

impl LocalStore {
    pub(crate) async fn add_data_use(
        &self,
        month: &str,
        t: Traffic,
        from_peers: u64,
    ) -> Result<(), CoreError> {
        let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO data_use (month, sent, received, from_peers) VALUES (?, ?, ?, ?)
             ON CONFLICT (month) DO UPDATE SET sent = sent + excluded.sent,
                                               received = received + excluded.received,
                                               from_peers = from_peers + excluded.from_peers",
        )
        .bind(month)
        .bind(as_i64(t.sent))
        .bind(as_i64(t.received))
        .bind(as_i64(from_peers))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The months with data use, newest first.
    pub(crate) async fn data_use_months(&self) -> Result<Vec<MonthlyDataUse>, CoreError> {
        let rows: Vec<(String, i64, i64, i64)> =
            sqlx::query_as("SELECT month, sent, received, from_peers FROM data_use ORDER BY month DESC")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(month, sent, received, from_peers)| MonthlyDataUse {
                month,
                sent: sent.max(0) as u64,
                received: received.max(0) as u64,
                from_peers: from_peers.max(0) as u64,
            })
            .collect())
    }
}
