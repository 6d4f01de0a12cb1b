//! The delta feed (`GET /api/v1/sync`) and the answer of every mutating route.
//!
//! Everything the API serves is a *record*: a `kind`, an `id` unique within the kind, a `version` that
//! grows by one with every change, and its `data` (the JSON of the kind's type in [`crate::api`] and the
//! area modules). A deleted record is a tombstone (`deleted: true`, no `data`). The client keeps records as
//! they come, so every screen can be drawn from its store with no network.
//!
//! Edits carry the `base_version` they were made on; when the server copy moved on meanwhile the answer is
//! `409 conflict` with the current server copy in [`crate::ApiError::current`], so the client can show both.

use serde::{Deserialize, Serialize};

/// What a record is. New kinds may be added: a client that does not know one gets
/// [`RecordKind::Unknown`] and keeps going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A person: the caller, or (for a principal) a member of their school's staff. [`crate::api::Person`].
    Person,
    /// A school. [`crate::api::School`].
    School,
    /// A learning community. [`crate::api::Community`].
    Community,
    /// An event of a learning community. [`crate::api::CommunityEventRecord`].
    CommunityEvent,
    /// The caller's membership of a community. [`crate::api::Membership`].
    Membership,
    /// The caller was at a community event ("Saya hadir"). [`crate::api::Attendance`].
    Attendance,
    /// A programme definition (Guru Penggerak and its successors). [`crate::programme::Programme`].
    Programme,
    /// A person's participation in a programme. [`crate::programme::Participation`].
    Participation,
    /// A person's yearly development plan (PKB). [`crate::pkb::PkbPlan`].
    PkbPlan,
    /// One item of a development plan. [`crate::pkb::PkbItem`].
    PkbItem,
    /// A performance cycle definition (e-Kinerja). [`crate::kinerja::Cycle`].
    Cycle,
    /// A person's performance plan (SKP) in a cycle. [`crate::kinerja::PerformancePlan`].
    PerformancePlan,
    /// A classroom observation. [`crate::kinerja::Observation`].
    Observation,
    /// Evidence metadata (bukti dukung). [`crate::kinerja::Evidence`].
    Evidence,
    /// A principal's feedback note on a plan (umpan balik). [`crate::kinerja::Feedback`].
    Feedback,
    /// A learning material: catalogue entry, text sections and attached files. [`crate::material::Material`].
    Material,
    /// A kind this build does not know (sent by a newer server).
    #[serde(other)]
    Unknown,
}

impl RecordKind {
    /// The wire name (`snake_case`), as stored by the server and the client.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::School => "school",
            RecordKind::Community => "community",
            RecordKind::CommunityEvent => "community_event",
            RecordKind::Membership => "membership",
            RecordKind::Attendance => "attendance",
            RecordKind::Programme => "programme",
            RecordKind::Participation => "participation",
            RecordKind::PkbPlan => "pkb_plan",
            RecordKind::PkbItem => "pkb_item",
            RecordKind::Cycle => "cycle",
            RecordKind::PerformancePlan => "performance_plan",
            RecordKind::Observation => "observation",
            RecordKind::Evidence => "evidence",
            RecordKind::Feedback => "feedback",
            RecordKind::Material => "material",
            RecordKind::Unknown => "unknown",
        }
    }

    /// Every known kind.
    pub const ALL: [RecordKind; 16] = [
        RecordKind::Person,
        RecordKind::School,
        RecordKind::Community,
        RecordKind::CommunityEvent,
        RecordKind::Membership,
        RecordKind::Attendance,
        RecordKind::Programme,
        RecordKind::Participation,
        RecordKind::PkbPlan,
        RecordKind::PkbItem,
        RecordKind::Cycle,
        RecordKind::PerformancePlan,
        RecordKind::Observation,
        RecordKind::Evidence,
        RecordKind::Feedback,
        RecordKind::Material,
    ];

    /// The kind with wire name `s`, or [`RecordKind::Unknown`].
    pub fn parse(s: &str) -> RecordKind {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or(RecordKind::Unknown)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record as the server holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncRecord {
    pub kind: RecordKind,
    pub id: String,
    /// 1 for a new record, +1 with every change (deletion included).
    pub version: i64,
    #[serde(default)]
    pub deleted: bool,
    /// The record's JSON, absent for a tombstone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
}

impl SyncRecord {
    /// The data as the kind's type.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.data.clone().unwrap_or(serde_json::Value::Null))
    }
}

/// `GET /api/v1/sync?cursor=…[&limit=…]` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SyncQuery {
    /// The `cursor` of the previous page; absent (or from another account) for a full sync.
    pub cursor: Option<String>,
    /// Records per page, 1..=1000 (default 500).
    pub limit: Option<u32>,
}

/// `GET /api/v1/sync`: the records visible to the caller that changed after the cursor, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncPage {
    pub records: Vec<SyncRecord>,
    /// Where the next sync starts. Opaque to the client: store it and send it back.
    pub cursor: String,
    /// More changes are waiting: ask again at once with the new cursor.
    pub more: bool,
    /// True when the cursor was missing or not valid for this caller, so this is a full sync from the
    /// start: records the client holds that do not come back in this sync are no longer visible.
    #[serde(default)]
    pub reset: bool,
    /// How many more records wait after this page (0 when `more` is false), so a client can show how far
    /// a long sync has come. Counted when a sync starts and carried from page to page; changes made while
    /// a sync runs are counted when that count runs out, so it may be a few short meanwhile, never 0 while
    /// `more` is true.
    #[serde(default)]
    pub remaining: u64,
}

/// The answer of every mutating route: each record the change created, changed or deleted, as the server
/// now holds it. The client applies them to its store exactly as if they came from `/sync`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changed {
    pub records: Vec<SyncRecord>,
}
