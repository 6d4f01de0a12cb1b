//! A pengawas's reads: the schools she supervises, each summed up, and a school's staff (read-only). Her
//! schools' records do not sync to her device (they are the school's), so these are fetched from the
//! server when it can be reached and kept on the device with when they were fetched: offline she sees
//! the last picture, dated.
//!
//! Owns: those copies (in `sync_meta`, forgotten at sign-out like all of an account's data; one per
//! school at most, for the schools the server lists as hers).

use crate::{CoreError, Engine};
use penggerak_client::ClientError;
use penggerak_types::api::{StaffSummary, SupervisedSchool};
use penggerak_types::ipc::Fetched;
use penggerak_types::route;
use serde::de::DeserializeOwned;
use serde::Serialize;

const SCHOOLS: &str = "fetched:supervision";

fn staff_key(npsn: &str) -> String {
    format!("fetched:supervision:{npsn}")
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
            self.call(&mut link, move |c, token| {
                let ids = ids.clone();
                async move {
                    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                    c.get_json::<T>(&token, template, &refs).await
                }
            })
            .await
        };
        match fresh.await {
            Ok(value) => {
                let kept = Fetched { value, fetched_at: store.now_rfc3339(), offline: false };
                let json = serde_json::to_string(&kept).map_err(|e| CoreError::Storage(e.to_string()))?;
                store.set_meta(key, &json).await?;
                self.keep_data_use_or_warn().await;
                Ok(kept)
            }
            Err(CoreError::Client(e @ (ClientError::Offline { .. } | ClientError::Unavailable { .. }))) => {
                let kept = store.meta(key).await?.and_then(|j| serde_json::from_str::<Fetched<T>>(&j).ok());
                match kept {
                    Some(k) => Ok(Fetched { offline: true, ..k }),
                    None => Err(CoreError::Client(e)),
                }
            }
            Err(e) => Err(e),
        }
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
