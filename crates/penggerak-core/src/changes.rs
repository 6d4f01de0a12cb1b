//! The changes a user can make, each as a [`Change`]: the request for the server and its immediate local
//! effect, computed from the records on the device. The UI calls these (through the shell) and nothing
//! else writes.

use crate::outbox::{Change, LocalWrite};
use crate::{CoreError, LocalStore};
use penggerak_types::api::{Community, Membership};
use penggerak_types::RecordKind;
use serde_json::Value;

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, CoreError> {
    serde_json::to_value(v).map_err(|e| CoreError::Storage(e.to_string()))
}

/// Join community `id` as `user_id`: a membership appears and the member count goes up at once.
pub async fn join_community(store: &LocalStore, user_id: &str, id: &str) -> Result<Change, CoreError> {
    let community = store.record(RecordKind::Community, id).await?;
    let name = match &community {
        Some(r) => r.parse::<Community>()?.name,
        None => id.to_owned(),
    };
    let membership_id = format!("{id}:{user_id}");
    let mut local = Vec::new();
    if store.record(RecordKind::Membership, &membership_id).await?.is_none() {
        let joined_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let m = Membership { community_id: id.to_owned(), user_id: user_id.to_owned(), joined_at };
        local.push(LocalWrite::Put { kind: RecordKind::Membership, id: membership_id, data: to_value(&m)? });
        if let Some(r) = community {
            let mut c: Community = r.parse()?;
            c.member_count += 1;
            local.push(LocalWrite::Put {
                kind: RecordKind::Community,
                id: id.to_owned(),
                data: to_value(&c)?,
            });
        }
    }
    Ok(Change {
        label: format!("Gabung ke {name}"),
        method: "POST",
        path: format!("/communities/{id}/join"),
        body: None,
        local,
    })
}

/// Leave community `id`: the membership goes and the member count goes down at once.
pub async fn leave_community(store: &LocalStore, user_id: &str, id: &str) -> Result<Change, CoreError> {
    let community = store.record(RecordKind::Community, id).await?;
    let name = match &community {
        Some(r) => r.parse::<Community>()?.name,
        None => id.to_owned(),
    };
    let membership_id = format!("{id}:{user_id}");
    let mut local = Vec::new();
    if store.record(RecordKind::Membership, &membership_id).await?.is_some() {
        local.push(LocalWrite::Delete { kind: RecordKind::Membership, id: membership_id });
        if let Some(r) = community {
            let mut c: Community = r.parse()?;
            c.member_count = (c.member_count - 1).max(0);
            local.push(LocalWrite::Put {
                kind: RecordKind::Community,
                id: id.to_owned(),
                data: to_value(&c)?,
            });
        }
    }
    Ok(Change {
        label: format!("Keluar dari {name}"),
        method: "POST",
        path: format!("/communities/{id}/leave"),
        body: None,
        local,
    })
}
