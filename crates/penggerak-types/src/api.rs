//! HTTP API v1 shapes (`/api/v1/...`). Field names are `snake_case` JSON.

use serde::{Deserialize, Serialize};

/// The API version prefix every route lives under.
pub const API_PREFIX: &str = "/api/v1";

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `"ok"` when the server answers and its database is reachable.
    pub status: String,
    /// The server's package version.
    pub version: String,
}

/// `POST /api/v1/auth/login` body. `identifier` is a NUPTK, NIP or e-mail address.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub identifier: String,
    #[cfg_attr(feature = "openapi", schema(format = Password))]
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("identifier", &self.identifier)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout` body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshRequest { refresh_token: <redacted> }")
    }
}

/// Access and refresh tokens. Access tokens are short-lived bearer tokens; a refresh token is single-use:
/// each refresh returns a new pair and invalidates the old refresh token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    pub access_token: String,
    /// Seconds from issue until the access token expires.
    pub access_expires_in: u64,
    pub refresh_token: String,
    /// Seconds from issue until the refresh token expires.
    pub refresh_expires_in: u64,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_token", &"<redacted>")
            .field("access_expires_in", &self.access_expires_in)
            .field("refresh_token", &"<redacted>")
            .field("refresh_expires_in", &self.refresh_expires_in)
            .finish()
    }
}

/// `POST /api/v1/auth/login` and `/auth/refresh` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub tokens: TokenPair,
    pub profile: Profile,
}

/// A user's role. A principal (kepala sekolah) is also the assessing official of the school's teachers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Guru,
    KepalaSekolah,
    Pengawas,
    Admin,
}

/// The school a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct School {
    /// Nomor Pokok Sekolah Nasional: 8 digits.
    pub npsn: String,
    pub name: String,
    /// PAUD/TK, SD, SMP, SMA, SMK, SLB.
    pub jenjang: String,
    pub province: String,
    pub regency: String,
    /// The user id of the school's principal, when one is assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
}

/// `GET /api/v1/me`: the signed-in user's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub id: String,
    pub full_name: String,
    pub role: Role,
    /// Nomor Unik Pendidik dan Tenaga Kependidikan (16 digits), when the user has one.
    pub nuptk: Option<String>,
    /// Nomor Induk Pegawai (18 digits), for civil servants.
    pub nip: Option<String>,
    pub email: String,
    pub school: Option<School>,
    /// Civil servant (PNS, PPPK) or not; ASN teachers must have a NIP.
    #[serde(default)]
    pub employment: Employment,
    /// Subjects taught, e.g. "Guru Kelas", "Matematika".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// What is wrong with this person's records, and who must fix it. Empty when all is well.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<DataProblem>,
}

impl Profile {
    /// The time zone this person's dates and times are shown in: their school's province's (WIB for
    /// someone with no school, such as a pengawas).
    pub fn zone(&self) -> crate::zone::Zone {
        self.school.as_ref().map(|s| crate::zone::Zone::of_province(&s.province)).unwrap_or_default()
    }
}

/// `GET /api/v1/me` and the `person` record: a user's profile. (The same shape as [`Profile`].)
pub type Person = Profile;

/// Employment status (Jenis PTK as Dapodik records it, simplified).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    /// Pegawai Negeri Sipil.
    Pns,
    /// Pegawai Pemerintah dengan Perjanjian Kerja.
    Pppk,
    /// Not a civil servant (guru honorer, yayasan).
    #[default]
    NonAsn,
}

impl Employment {
    /// PNS and PPPK are civil servants (ASN): they need a NIP and take part in e-Kinerja.
    pub fn is_asn(self) -> bool {
        matches!(self, Employment::Pns | Employment::Pppk)
    }
}

/// An inconsistency in a person's records that blocks something, with the role that must fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataProblem {
    /// Stable: `asn_without_nip`, `no_school`, `school_without_principal`, …
    pub code: String,
    /// What is wrong and what it blocks, for people (Bahasa Indonesia).
    pub message: String,
    /// Who must fix it.
    pub fix_by: Fixer,
}

/// Who fixes a data problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fixer {
    /// The teacher themself.
    Guru,
    /// The school's principal.
    KepalaSekolah,
    /// The school's operator, in Dapodik.
    OperatorSekolah,
    /// The regional education office or agency admin (Dinas Pendidikan / BKD).
    AdminDinas,
    #[serde(other)]
    Unknown,
}

/// The header every mutating request (sign-in routes aside) carries: a UUID chosen by the client once
/// per change, reused for every retry of that change.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Set on a response that is the stored answer to an earlier request with the same key.
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";

/// The cookie of a known device: `/auth/login` sets it (`Set-Cookie`) on every successful sign-in, and a
/// client sends it back (`Cookie: penggerak_device=<value>`) with its next sign-in of the same account, which
/// then is limited per device and not by the failures of anyone else guessing that account's password.
/// A client keeps one value per account (the newest it was given) and never shows it.
pub const DEVICE_COOKIE: &str = "penggerak_device";

/// `GET /api/v1/communities` query: every field optional, all given ones must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CommunityQuery {
    /// Words to find in the name, description or topic (case-insensitive).
    pub q: Option<String>,
    pub topic: Option<String>,
    pub jenjang: Option<String>,
    pub province: Option<String>,
    /// Only the communities the caller is a member of.
    pub mine: Option<bool>,
}

/// A learning community as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunitySummary {
    pub id: String,
    pub name: String,
    pub topic: String,
    /// PAUD/TK, SD, SMP, SMA, SMK, SLB, or "Semua jenjang".
    pub jenjang: String,
    pub province: String,
    pub regency: String,
    pub member_count: i64,
    /// Whether the caller is a member.
    pub is_member: bool,
}

/// A meeting or webinar of a community. Times are RFC 3339 with offset (WIB, WITA or WIT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityEvent {
    pub id: String,
    pub title: String,
    pub starts_at: String,
    /// Where it meets in person, if it does.
    pub place: Option<String>,
    /// Where it meets online, if it does.
    pub link: Option<String>,
    pub speaker: Option<String>,
    /// Members who said they were there ("Saya hadir"), as the server counts them.
    #[serde(default)]
    pub attendee_count: i64,
}

/// `GET /api/v1/communities/{id}`, and the answer to join and leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityDetail {
    #[serde(flatten)]
    pub summary: CommunitySummary,
    pub description: String,
    /// The penggerak komunitas (community lead).
    pub lead_name: String,
    /// Events from now on, soonest first.
    pub upcoming_events: Vec<CommunityEvent>,
}

/// The `community` record: a learning community as every signed-in user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Community {
    pub id: String,
    pub name: String,
    pub description: String,
    pub topic: String,
    /// PAUD/TK, SD, SMP, SMA, SMK, SLB, or "Semua jenjang".
    pub jenjang: String,
    pub province: String,
    pub regency: String,
    /// The penggerak komunitas (community lead).
    pub lead_id: String,
    pub lead_name: String,
    pub member_count: i64,
}

/// The `community_event` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityEventRecord {
    pub community_id: String,
    #[serde(flatten)]
    pub event: CommunityEvent,
}

/// The `membership` record: the caller belongs to a community. Its id is `<community id>:<user id>`;
/// leaving deletes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub community_id: String,
    pub user_id: String,
    /// RFC 3339.
    pub joined_at: String,
}

/// `GET /api/v1/app/update/{target}/{arch}/{current_version}` when a newer release is published: what the
/// Tauri updater reads (its "dynamic update server" answer). The bundle at `url` is checked against
/// `signature` (minisign, by the key the app was built with) before anything is installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppUpdate {
    /// Semantic version, e.g. `0.2.0`.
    pub version: String,
    /// What is new, as the publisher wrote it.
    pub notes: String,
    /// When it was published (RFC 3339).
    pub pub_date: String,
    /// Where the bundle is (absolute).
    pub url: String,
    /// The bundle's minisign signature, base64 (as `tauri signer sign` writes it).
    pub signature: String,
    /// The bundle's size in bytes: what installing it costs in data, said before the user decides (the
    /// Tauri updater ignores fields it does not know; the app reads this one).
    pub size: u64,
}

/// The `attendance` record: the caller was at a community event ("Saya hadir"). Its id is
/// `<event id>:<user id>`; taking it back deletes it. Seen by the attendee only; the event counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub event_id: String,
    pub community_id: String,
    pub user_id: String,
    /// When it was said (RFC 3339).
    pub attended_at: String,
}

/// The id of the `attendance` record of `user_id` at `event_id`.
pub fn attendance_id(event_id: &str, user_id: &str) -> String {
    format!("{event_id}:{user_id}")
}

/// Whether attendance of an event starting at `starts_at` may be said (or taken back) at `now` (both Unix
/// seconds): from [`crate::limits::ATTENDANCE_EARLY_SECS`] before it starts to
/// [`crate::limits::ATTENDANCE_DAYS`] days after. The server decides by its clock; the app uses the same
/// rule to show "Saya hadir" only while it can be said.
pub fn attendance_open(starts_at: i64, now: i64) -> Result<(), crate::Reason> {
    use crate::limits::{ATTENDANCE_DAYS, ATTENDANCE_EARLY_SECS};
    if now < starts_at - ATTENDANCE_EARLY_SECS {
        Err(crate::Reason::AttendanceNotYet)
    } else if now > starts_at + i64::from(ATTENDANCE_DAYS) * 24 * 60 * 60 {
        Err(crate::Reason::AttendanceClosed { days: ATTENDANCE_DAYS })
    } else {
        Ok(())
    }
}

/// `GET /api/v1/school/staff`: one row of the principal's staff overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSummary {
    pub person: Profile,
    /// Each programme the person is in: (programme name, stage name, outcome of that stage).
    pub programmes: Vec<StaffProgramme>,
    /// JP of finished development-plan items this year, and the target.
    pub jp_done: u32,
    pub jp_target: u32,
    /// Where the person's performance plan of the current cycle stands; none for people without one
    /// (non-ASN teachers, the principal, and a civil servant who has not made this cycle's yet: see
    /// [`StaffSummary::plan_not_submitted`]).
    pub kinerja_status: Option<crate::kinerja::PlanStatus>,
    /// When the person's device last synced, as the server saw it (RFC 3339, to the quarter hour; none if
    /// it never did). Only the server knows it: a summary made on a device has none.
    #[serde(default)]
    pub last_synced_at: Option<String>,
}

impl StaffSummary {
    /// Whether the next move on this cycle's performance plan is the person's own: a plan in Draf or
    /// Dikembalikan, or no plan yet from a teacher who is a civil servant (non-ASN teachers make no e-Kinerja
    /// plan, and a principal's own plan is not on his staff's list).
    pub fn plan_not_submitted(&self) -> bool {
        use crate::kinerja::PlanStatus;
        match self.kinerja_status {
            Some(status) => matches!(status, PlanStatus::Draf | PlanStatus::Dikembalikan),
            None => self.person.role == Role::Guru && self.person.employment.is_asn(),
        }
    }
}

/// `GET /api/v1/supervision/schools`: one school a pengawas supervises, summed up from its staff the way
/// its principal's Staf screen sums them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisedSchool {
    pub school: School,
    /// The principal's name, if the school has one.
    pub principal: Option<String>,
    /// Teachers and principal.
    pub staff: u32,
    /// Plans of the current cycle in each status (`Draf`, `PerluDisetujui`, `Dikembalikan`, `Disetujui`,
    /// `Disepakati`, in that order), and staff without a plan.
    pub plans: Vec<u32>,
    pub without_plan: u32,
    /// Staff with a JP target who reached it, and staff with a target.
    pub jp_reached: u32,
    pub with_jp_target: u32,
}

/// A staff member's place in one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProgramme {
    pub programme: String,
    pub cohort: String,
    pub stage: String,
    pub graduated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{ATTENDANCE_DAYS, ATTENDANCE_EARLY_SECS};
    use crate::Reason;

    #[test]
    fn attendance_is_said_from_just_before_the_start_to_the_window_s_last_second() {
        let start = 1_000_000_000;
        let last = start + i64::from(ATTENDANCE_DAYS) * 24 * 60 * 60;
        assert_eq!(attendance_open(start, start - ATTENDANCE_EARLY_SECS - 1), Err(Reason::AttendanceNotYet));
        assert_eq!(attendance_open(start, start - ATTENDANCE_EARLY_SECS), Ok(()), "people arrive early");
        assert_eq!(attendance_open(start, last), Ok(()), "the last second of the window still counts");
        assert_eq!(attendance_open(start, last + 1), Err(Reason::AttendanceClosed { days: ATTENDANCE_DAYS }));
    }
}
