//! A pengawas's reads: the schools she supervises, each summed up, and a school's staff (read-only). Her
//! schools' records do not sync to her device (they are the school's), so these are fetched from the
//! server when it can be reached and kept on the device with when they were fetched: offline she sees
//! the last picture, dated.
//!
//! Owns: those copies (in `sync_meta`, forgotten at sign-out like all of an account's data; one per
//! school at most, for the schools the server lists as hers).

use crate::{CoreError, Engine, LocalStore};
use penggerak_client::ClientError;
use penggerak_types::api::{Role, StaffSummary, SupervisedSchool};
use penggerak_types::ipc::{Fetched, SupervisorHome, SyncPhase};
use penggerak_types::kinerja::PlanStatus;
use penggerak_types::{route, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

const SCHOOLS: &str = "fetched:supervision";

fn staff_key(npsn: &str) -> String {
    format!("fetched:supervision:{npsn}")
}

/// Her schools summed up for Beranda, from the last copy of Sekolah binaan kept here (no request: Beranda
/// is drawn from the device); all zeros and no date when there is no copy, or it cannot be read.
async fn supervisor_home(store: &LocalStore) -> Result<SupervisorHome, CoreError> {
    let kept = store.meta(SCHOOLS).await?.and_then(|j| {
        serde_json::from_str::<Fetched<Vec<SupervisedSchool>>>(&j)
            .inspect_err(|e| tracing::warn!(error = %e, "the kept copy of Sekolah binaan is unreadable"))
            .ok()
    });
    let Some(kept) = kept else {
        return Ok(SupervisorHome { plans: vec![0; PlanStatus::ALL.len()], ..SupervisorHome::default() });
    };
    let mut home = SupervisorHome {
        fetched_at: Some(kept.fetched_at),
        plans: vec![0; PlanStatus::ALL.len()],
        ..SupervisorHome::default()
    };
    for s in &kept.value {
        home.schools += 1;
        home.staff += s.staff;
        for (sum, n) in home.plans.iter_mut().zip(&s.plans) {
            *sum += n;
        }
        home.without_plan += s.without_plan;
        home.jp_reached += s.jp_reached;
        home.with_jp_target += s.with_jp_target;
        home.without_principal += u32::from(s.principal.is_none());
    }
    Ok(home)
}

impl Engine {
    /// `template` filled with `ids`, fetched now if the server answers, else the copy kept under `key`
    /// (with when it was fetched); an error only when neither is there.
    async fn fetched<T>(
        &self,
        key: &str,
        template: &'static str,
        ids: &[&str],
    ) -> Result<Fetched<T>, CoreError>
    where
        T: Serialize + DeserializeOwned + Clone + Send + 'static,
    {
        let store = self.store();
        let fresh = async {
            let mut link = self.link().await?;
            let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
            let value = self
                .call(&mut link, move |c, token| {
                    let ids = ids.clone();
                    async move {
                        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                        c.get_json::<T>(&token, template, &refs).await
                    }
                })
                .await?;
            Ok::<_, CoreError>((value, link))
        };
        match fresh.await {
            Ok((value, link)) => {
                let kept = Fetched { value, fetched_at: store.now_rfc3339(), offline: false };
                let json = serde_json::to_string(&kept).map_err(|e| CoreError::Storage(e.to_string()))?;
                {
                    // Not kept for whoever signs in next if this one signed out meanwhile.
                    let _one_writer = self.edits.lock().await;
                    self.still_signed_in(&link)?;
                    // What came is shown even when it cannot be kept just now (the store busy past its
                    // wait, or full): she reads it now; the copy for offline is kept by the next opening.
                    if let Err(e) = store.set_meta(key, &json).await {
                        tracing::warn!(error = %e, key, "a fetched copy could not be kept");
                    }
                }
                self.keep_data_use_or_warn().await;
                Ok(kept)
            }
            // Not reached, or reached and unable to answer now (busy, its own failure, a proxy's "later"):
            // the copy she has, marked as such. Not for a refusal (she is no longer allowed to see it) or
            // a signed-out session.
            Err(CoreError::Client(e)) if answers_later(&e) => {
                // No connection, and the sync loop may not know yet (its last pass went well): woken, it
                // finds out too, so the top bar does not say "Tersinkron" beside a page saying the server
                // cannot be reached. Only then: a sync that goes well redraws this page, which would wake
                // it again and again while this one route alone fails.
                let known = matches!(
                    self.sync_control().status.borrow().phase,
                    SyncPhase::Offline | SyncPhase::Error
                );
                if matches!(e, ClientError::Offline { .. }) && !known {
                    self.wake_sync();
                }
                let kept = store.meta(key).await?.and_then(|j| serde_json::from_str::<Fetched<T>>(&j).ok());
                match kept {
                    Some(k) => Ok(Fetched { offline: true, ..k }),
                    None => Err(CoreError::Client(e)),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A pengawas's schools summed up for her Beranda, from the last copy kept here (no request); `None`
    /// for anyone else.
    pub async fn supervisor_home(&self) -> Result<Option<SupervisorHome>, CoreError> {
        if self.store().profile().await?.role != Role::Pengawas {
            return Ok(None);
        }
        Ok(Some(supervisor_home(self.store()).await?))
    }

    /// A pengawas's schools, each summed up (fetched now, or the last copy when offline).
    pub async fn supervision(&self) -> Result<Fetched<Vec<SupervisedSchool>>, CoreError> {
        self.fetched(SCHOOLS, route::SUPERVISION_SCHOOLS, &[]).await
    }

    /// One of her schools' staff, read-only (fetched now, or the last copy when offline).
    pub async fn supervised_staff(&self, npsn: &str) -> Result<Fetched<Vec<StaffSummary>>, CoreError> {
        self.fetched(&staff_key(npsn), route::SUPERVISION_SCHOOL_STAFF, &[npsn]).await
    }
}

/// Whether `e` says the server cannot answer now, not that the answer is no: the kept copy stands in.
fn answers_later(e: &ClientError) -> bool {
    match e {
        ClientError::Offline { .. }
        | ClientError::Unavailable { .. }
        | ClientError::Rejected { status: 408 | 429 } => true,
        ClientError::Api(api) => matches!(
            api.code,
            ErrorCode::ServerBusy | ErrorCode::RateLimited | ErrorCode::RequestTimeout | ErrorCode::Internal
        ),
        _ => false,
    }
}
