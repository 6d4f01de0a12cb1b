//! The device's connection, as the platform tells it: shared by the IPC views and the refusal reasons
//! (kept apart so `reason` need not import `ipc`).

use serde::{Deserialize, Serialize};

/// What kind of connection the device is on, as the platform tells it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// Wi-Fi or another connection not paid by the byte.
    Unmetered,
    /// Mobile data, or a hotspot on it: paid by the byte.
    Metered,
    /// The platform cannot tell (treated as metered).
    #[default]
    Unknown,
}
