//! IPC between the Leptos UI and the Tauri shell: one command name constant and one request/response pair
//! per command. The UI's `ipc` module and the shell's `commands` module are the only users.
//!
//! Errors cross IPC as [`crate::ApiError`] (`{code, message}`), exactly like HTTP errors.

use crate::api::Profile;
use serde::{Deserialize, Serialize};

/// Command names, named once here: the UI calls them by these, the shell's build declares [`cmd::ALL`],
/// `tauri::generate_handler!` registers the functions of the same names, and `capabilities/main.json`
/// grants them (both checked by the shell's `ipc_acl` test).
pub mod cmd {
    pub const SESSION_STATE: &str = "session_state";
    pub const SIGN_IN: &str = "sign_in";
    pub const SIGN_OUT: &str = "sign_out";
    pub const SYNC_STATUS: &str = "sync_status";
    pub const SYNC_NOW: &str = "sync_now";
    pub const HOME: &str = "home";
    pub const KINERJA: &str = "kinerja";
    pub const APPROVALS: &str = "approvals";
    pub const ACT: &str = "act";
    pub const COMMUNITIES: &str = "communities";
    pub const PKB: &str = "pkb";
    pub const PROGRAMMES: &str = "programmes";
    pub const SAVE_DRAFT: &str = "save_draft";
    pub const DRAFT: &str = "draft";
    pub const CONFLICTS: &str = "conflicts";
    pub const RESOLVE: &str = "resolve";
    pub const REFUSED: &str = "refused";
    pub const DISMISS_REFUSED: &str = "dismiss_refused";
    pub const REOPEN_REFUSED: &str = "reopen_refused";
    pub const STRANDED_DRAFTS: &str = "stranded_drafts";
    pub const DISCARD_DRAFT: &str = "discard_draft";
    pub const PREFERENCES: &str = "preferences";
    pub const SET_PREFERENCES: &str = "set_preferences";
    pub const TAKE_REMINDERS: &str = "take_reminders";
    pub const DATA_USE: &str = "data_use";
    pub const MATERIALS: &str = "materials";
    pub const MATERIAL: &str = "material";
    pub const SAVE_MATERIAL: &str = "save_material";
    pub const SAVE_MATERIAL_ANYWAY: &str = "save_material_anyway";
    pub const REMOVE_MATERIAL: &str = "remove_material";
    pub const SEARCH: &str = "search";
    pub const REMOVE_ALL_MATERIALS: &str = "remove_all_materials";
    pub const DOWNLOAD_LATER: &str = "download_later";
    pub const STAFF: &str = "staff";
    pub const STAFF_MEMBER: &str = "staff_member";
    pub const TAKE_NEWS: &str = "take_news";
    pub const EXPORT_STAFF: &str = "export_staff";
    pub const SUPERVISION: &str = "supervision";
    pub const SUPERVISOR_HOME: &str = "supervisor_home";
    pub const SUPERVISED_STAFF: &str = "supervised_staff";
    pub const SHARING: &str = "sharing";
    pub const ADD_PEER: &str = "add_peer";
    pub const REMOVE_PEER: &str = "remove_peer";
    pub const WELCOME_SEEN: &str = "welcome_seen";
    pub const DEADLINES: &str = "deadlines";
    pub const EXPORT_DEADLINES: &str = "export_deadlines";
    pub const EXPORT_EVENT: &str = "export_event";
    pub const CHECK_UPDATE: &str = "check_update";
    pub const INSTALL_UPDATE: &str = "install_update";

    /// Every command: the shell's build declares these (so each gets its `allow-` permission), and its
    /// tests check that the capability grants exactly these and that each one is registered.
    pub const ALL: &[&str] = &[
        SESSION_STATE,
        SIGN_IN,
        SIGN_OUT,
        SYNC_STATUS,
        SYNC_NOW,
        HOME,
        KINERJA,
        APPROVALS,
        ACT,
        COMMUNITIES,
        PKB,
        PROGRAMMES,
        SAVE_DRAFT,
        DRAFT,
        CONFLICTS,
        RESOLVE,
        REFUSED,
        DISMISS_REFUSED,
        REOPEN_REFUSED,
        STRANDED_DRAFTS,
        DISCARD_DRAFT,
        PREFERENCES,
        SET_PREFERENCES,
        TAKE_REMINDERS,
        DATA_USE,
        MATERIALS,
        MATERIAL,
        SAVE_MATERIAL,
        SAVE_MATERIAL_ANYWAY,
        REMOVE_MATERIAL,
        SEARCH,
        REMOVE_ALL_MATERIALS,
        DOWNLOAD_LATER,
        STAFF,
        STAFF_MEMBER,
        TAKE_NEWS,
        EXPORT_STAFF,
        SUPERVISION,
        SUPERVISOR_HOME,
        SUPERVISED_STAFF,
        SHARING,
        ADD_PEER,
        REMOVE_PEER,
        WELCOME_SEEN,
        DEADLINES,
        EXPORT_DEADLINES,
        EXPORT_EVENT,
        CHECK_UPDATE,
        INSTALL_UPDATE,
    ];
}

/// The event the shell emits with a [`SyncStatus`] whenever it changes (the UI listens instead of polling).
pub const SYNC_STATUS_EVENT: &str = "sync-status";

/// What the app knows about the session. Returned by `session_state`, `sign_in` and `sign_out`. Written
/// as `{"state": "signed_in", …}`; read through one flat struct (below), which is a fraction of the code of
/// serde's internally tagged enum in the UI's start module, where every launch reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SessionState {
    /// Nobody is signed in. `server_url` is the server the sign-in form should default to.
    SignedOut { server_url: String },
    /// Signed in (tokens are in the OS keychain; the profile comes from the local store). `welcome`: this
    /// account has not yet been shown the first-run cards on this device; only the one answer that first
    /// says so carries it (the engine marks them seen as it answers; the UI shows them).
    SignedIn {
        server_url: String,
        profile: Box<Profile>,
        #[serde(default)]
        welcome: bool,
    },
}

impl<'de> Deserialize<'de> for SessionState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        struct Wire {
            state: String,
            server_url: String,
            profile: Option<Box<Profile>>,
            #[serde(default)]
            welcome: bool,
        }
        let w = Wire::deserialize(d)?;
        match w.state.as_str() {
            "signed_out" => Ok(SessionState::SignedOut { server_url: w.server_url }),
            "signed_in" => Ok(SessionState::SignedIn {
                server_url: w.server_url,
                profile: w.profile.ok_or_else(|| D::Error::missing_field("profile"))?,
                welcome: w.welcome,
            }),
            other => Err(D::Error::unknown_variant(other, &["signed_out", "signed_in"])),
        }
    }
}

/// Arguments of `sign_in`. Sent by the UI as `{"request": SignInRequest}`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    /// NUPTK, NIP or e-mail address.
    pub identifier: String,
    pub password: String,
    /// The API server's base URL (e.g. `https://penggerak.example.id`); `None` keeps the current one.
    pub server_url: Option<String>,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("identifier", &self.identifier)
            .field("password", &"<redacted>")
            .field("server_url", &self.server_url)
            .finish()
    }
}

/// The argument envelope of `sign_in`: Tauri maps named command arguments from a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInArgs {
    pub request: SignInRequest,
}

/// What the sync engine is doing, for the status line every screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncStatus {
    pub phase: SyncPhase,
    /// Changes made on this device that the server has not confirmed yet.
    pub waiting: u32,
    /// Changes the server refused because the record changed meanwhile: the user must choose.
    pub conflicts: u32,
    /// Changes the server refused for good (shown once, so the user can redo them).
    pub notices: u32,
    /// Texts typed and kept whose box no page draws any more ([`StrandedDraft`]), shown with the refused
    /// changes.
    #[serde(default)]
    pub stranded: u32,
    /// When the last sync finished without error (RFC 3339, UTC).
    pub last_synced_at: Option<String>,
    /// During a pull: records received so far in this sync.
    pub received: u64,
    /// During a pull: how many records this sync brings in all, as far as the server has said (received
    /// plus what it said remains); 0 before the first page.
    #[serde(default)]
    pub expected: u64,
    /// During a push: how many changes this sync set out to send (`waiting` counts down from it).
    #[serde(default)]
    pub push_total: u32,
    /// The last error, for people (Bahasa Indonesia), when `phase` is `offline` or `error`.
    pub message: Option<String>,
    /// The same, as data (its code, and its reason when it has one), for the app to word in the user's
    /// language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<crate::ApiError>,
}

/// The phase of [`SyncStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    #[default]
    Idle,
    /// Sending waiting changes.
    Pushing,
    /// Receiving changes.
    Pulling,
    /// The server cannot be reached; changes wait and sync retries.
    Offline,
    /// The last sync failed for another reason (see `message`).
    Error,
    /// Not signed in.
    SignedOut,
}

/// The home screen (Beranda), read from the store: where the user stands and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub profile: Profile,
    /// The programme the user is in now (the latest one), if any.
    pub programme: Option<ProgrammeStep>,
    /// The nearest dates ahead (today included), soonest first, at most [`HOME_DEADLINES`].
    pub deadlines: Vec<Deadline>,
    /// Development plan: JP of finished items and the year's target (0 without a plan).
    pub jp_done: u32,
    pub jp_target: u32,
    /// Where the user's performance plan stands, if they have one.
    pub kinerja_status: Option<crate::kinerja::PlanStatus>,
    /// For a principal: his staff's plans waiting for his approval.
    #[serde(default)]
    pub waiting_for_me: u32,
    /// For a principal: what else in the cycle waits for him ("Menunggu Anda" on Beranda).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_principal: Option<PrincipalWaits>,
}

/// A pengawas's schools summed up for her Beranda (`supervisor_home`), from the last copy of Sekolah binaan
/// kept on the device (Beranda makes no request of its own): all zeros and no date when she has not
/// opened it on this device yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorHome {
    /// When that copy was fetched (RFC 3339); `None` when there is none.
    pub fetched_at: Option<String>,
    pub schools: u32,
    /// Their teachers and principals.
    pub staff: u32,
    /// Plans of the current cycle in each status, summed over her schools, in
    /// [`crate::kinerja::PlanStatus::ALL`]'s order, and staff without a plan.
    pub plans: Vec<u32>,
    pub without_plan: u32,
    /// Staff with a JP target who reached it, and staff with a target.
    pub jp_reached: u32,
    pub with_jp_target: u32,
    /// Schools without a principal.
    pub without_principal: u32,
}

/// What waits for a principal in his school, counted from his device's records: the first-screen
/// questions of the systems principals use (whose plan waits, who has not submitted, whose observation is
/// this week, whose records have a problem).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalWaits {
    /// Agreed plans (Disepakati) without their predikat.
    pub to_rate: u32,
    /// Staff whose next observation (not done yet) is from today to six days on.
    pub observations_this_week: u32,
    /// Staff whose plan of this cycle is still a draft or was returned to them, and civil servants (ASN)
    /// with no plan of this cycle yet.
    pub not_submitted: u32,
    /// People of his school whose records have a data problem (someone must fix it in Dapodik or SIASN).
    pub data_problems: u32,
}

/// How many deadlines the home screen lists.
pub const HOME_DEADLINES: usize = 5;

/// A person's place in a programme, for the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeStep {
    pub programme: String,
    pub cohort: String,
    pub stage: String,
    /// The stage after this one, if any.
    pub next_stage: Option<String>,
    /// `YYYY-MM-DD`: when the current stage ends, from the cohort's schedule.
    pub stage_ends: Option<String>,
    pub graduated: bool,
}

/// Something due on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub kind: DeadlineKind,
    /// An event's community (its page is where the event is shown); `None` for the other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// An event's community's name and its start (RFC 3339): communities often hold events of the same
    /// title, and a list of titles alone reads as one event repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
}

/// Where a deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The end of the current performance-cycle stage.
    Kinerja,
    /// A development-plan item's target date.
    Pkb,
    /// A community event the user's communities hold.
    Event,
    /// The end of the current programme stage.
    Programme,
}

/// Something the user does. Sent by the UI as `{"action": Action}` to the `act` command; the engine
/// applies it to the store at once and queues it for the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    JoinCommunity {
        id: String,
    },
    LeaveCommunity {
        id: String,
    },
    /// "Saya hadir" at the community event `id`.
    AttendEvent {
        id: String,
    },
    /// Take back "Saya hadir" at the community event `id`.
    UnattendEvent {
        id: String,
    },
    AddPkbItem {
        new: crate::pkb::NewPkbItem,
    },
    EditPkbItem {
        id: String,
        patch: crate::pkb::PkbItemPatch,
    },
    EditPerformancePlan {
        id: String,
        patch: crate::kinerja::PlanPatch,
    },
    /// Submit (teacher), approve, return with a note, agree (principal).
    MovePerformancePlan {
        id: String,
        to: crate::kinerja::PlanStatus,
        note: Option<String>,
    },
    ScheduleObservation {
        new: crate::kinerja::NewObservation,
    },
    EditObservation {
        id: String,
        patch: crate::kinerja::ObservationPatch,
    },
    /// The principal gives the predikat, with a note, once the plan is agreed.
    RatePlan {
        id: String,
        predikat: crate::kinerja::Predikat,
        note: Option<String>,
    },
    /// The principal leaves a feedback note on a staff member's plan (the engine picks the id when
    /// `new.id` is empty).
    GiveFeedback {
        new: crate::kinerja::NewFeedback,
    },
}

/// The Staf screen (a principal's): every member of his school's staff, worked out on his device from
/// the records it holds (the same way the server's `/school/staff` is: [`crate::staff::summarise`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    /// By name.
    pub rows: Vec<StaffRow>,
    /// How many plans of the current cycle are in each status, in the cycle's order, then how many staff
    /// have no plan (`status: None`).
    pub plan_counts: Vec<StatusCount>,
    /// Staff with a JP target who have reached it, and staff with a target.
    pub jp_reached: u32,
    pub with_jp_target: u32,
    /// How many are in each programme stage (by its name), most first.
    pub stages: Vec<StageCount>,
    /// When the server last told this device when each staff member synced (each row's
    /// `summary.last_synced_at`), RFC 3339; none before the first time.
    #[serde(default)]
    pub sightings_at: Option<String>,
}

/// One member of the staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub summary: crate::api::StaffSummary,
    /// Their performance plan of the current cycle, if they have one.
    pub plan_id: Option<String>,
    pub predikat: Option<crate::kinerja::Predikat>,
    /// When their plan was submitted, while it waits for approval (RFC 3339).
    pub submitted_at: Option<String>,
    /// Their next observation not yet done (`YYYY-MM-DDTHH:MM`, local).
    pub next_observation: Option<String>,
    /// A change of the principal's to their plan is waiting to be sent.
    pub pending: bool,
}

/// Plans in one status (`None`: staff without a plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: Option<crate::kinerja::PlanStatus>,
    pub count: u32,
}

/// Staff in one programme stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    pub stage: String,
    pub count: u32,
}

/// One staff member's page, for their principal: the summary, their plan with its results and history,
/// what the principal may do with it now, and their observations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMemberView {
    pub row: StaffRow,
    pub plan: Option<crate::kinerja::PerformancePlan>,
    pub cycle: Option<crate::kinerja::Cycle>,
    /// The principal's moves from the plan's status now (approve, return, agree).
    pub moves: Vec<crate::kinerja::PlanStatus>,
    /// Whether the predikat can be given now (the plan is agreed).
    pub can_rate: bool,
    pub observations: Vec<crate::kinerja::Observation>,
    /// His feedback notes on the plan, oldest first.
    #[serde(default)]
    pub feedback: Vec<crate::kinerja::Feedback>,
    /// The plan has the principal's change waiting to be sent, or in conflict.
    pub pending: bool,
    pub conflict: bool,
}

/// `export_staff`'s argument: the save dialog's title, in the user's language (the UI words it; at most
/// [`crate::limits::TITLE`] characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportStaffArgs {
    pub title: String,
}

/// `export_deadlines`' argument: the save dialog's title, in the user's language (at most
/// [`crate::limits::TITLE`] characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportDeadlinesArgs {
    pub title: String,
}

/// `export_event`'s arguments: the community event to save as a calendar file, and the save dialog's title
/// (as [`ExportDeadlinesArgs`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEventArgs {
    pub id: String,
    pub title: String,
}

/// What `check_update` found: whether the server the user is signed in to publishes a newer version of
/// the app (its bundle is checked against the app's signing key before `install_update` installs it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateCheck {
    /// A newer version: its number, what is new (as its publisher wrote it), when it was published
    /// (RFC 3339, if said) and how many bytes installing it downloads (if the server said).
    Available { version: String, notes: String, date: Option<String>, size: Option<u64> },
    /// This is the newest version the server publishes.
    UpToDate,
    /// This app does not update itself here, and why.
    Off { why: UpdatesOff },
}

/// Why an app does not look for updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdatesOff {
    /// This build carries no key to check updates with (a development build): it is updated by hand.
    NoKey,
    /// The server is not reached over https (a server on this computer): updates come only over https.
    NotHttps,
    /// Updates are for desktop builds; a phone's app store updates the app.
    NotDesktop,
}

/// `staff_member`'s argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMemberArgs {
    pub id: String,
}

/// Something the app fetched from the server for a screen rather than syncing it (a pengawas's schools):
/// the value, when it was fetched (RFC 3339), and whether this is the copy kept from then because the
/// server cannot be reached now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fetched<T> {
    pub value: T,
    pub fetched_at: String,
    #[serde(default)]
    pub offline: bool,
}

/// `supervised_staff`'s argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisedStaffArgs {
    pub npsn: String,
}

/// A staff member's plan waiting for the principal (the `approvals` command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub plan: crate::kinerja::PerformancePlan,
    /// The teacher's name, from their person record on the device.
    pub owner_name: String,
}

/// The argument envelope of `act`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActArgs {
    pub action: Action,
}

/// The performance screen (Kinerja), read from the store: the cycle, the user's plan, its observations and
/// evidence, and the moves the user may make on it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KinerjaView {
    pub cycle: Option<crate::kinerja::Cycle>,
    pub plan: Option<crate::kinerja::PerformancePlan>,
    pub observations: Vec<crate::kinerja::Observation>,
    pub evidence: Vec<crate::kinerja::Evidence>,
    /// Her principal's feedback notes on the plan, oldest first.
    #[serde(default)]
    pub feedback: Vec<crate::kinerja::Feedback>,
    /// What the user (the plan's owner) can do with it now.
    pub moves: Vec<crate::kinerja::PlanStatus>,
    /// The plan waits to sync, or is in conflict.
    pub pending: bool,
    pub conflict: bool,
    /// The plan editor's unsaved text, kept on the device as it was typed (see [`plan_draft_key`]).
    #[serde(default)]
    pub draft: Option<String>,
    /// The reflection being written, kept on the device as it was typed (see
    /// [`plan_reflection_draft_key`]), when it differs from the plan's.
    #[serde(default)]
    pub reflection_draft: Option<String>,
}

/// The learning-communities screen (Komunitas), read from the store: every community the device holds,
/// the user's own marked, with their upcoming events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunitiesView {
    /// By name.
    pub communities: Vec<CommunityItem>,
}

/// One community as the Komunitas screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityItem {
    pub community: crate::api::Community,
    /// The user is a member (as far as the device knows: a join made offline counts at once).
    pub member: bool,
    /// A join or leave of the user's waits to sync.
    pub pending: bool,
    /// Events from today on, soonest first.
    pub events: Vec<EventItem>,
    /// Events before today whose attendance can still be said
    /// ([`crate::limits::ATTENDANCE_DAYS`]), latest first.
    #[serde(default)]
    pub past: Vec<EventItem>,
}

/// One community event as the community's page shows it, with the user's attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventItem {
    pub event: crate::api::CommunityEvent,
    /// The user said "Saya hadir" (as far as the device knows: said offline counts at once).
    pub attended: bool,
    /// Saying (or taking back) attendance waits to sync.
    pub pending: bool,
    /// Attendance can be said now ([`crate::api::attendance_open`], by the device's clock), and the user
    /// is a member.
    pub can_attend: bool,
}

/// The learning-materials screen (Materi): the catalogue the device holds (synced like every record, so it
/// can be browsed offline), most recently updated first, with what of each is saved for reading offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialsView {
    pub materials: Vec<MaterialItem>,
    /// The connection the device is on now.
    pub connection: Connection,
    /// Bytes free where materials are kept, if the device can tell.
    pub free_bytes: Option<u64>,
    /// Bytes the saved materials take (text, files and parts of downloads).
    pub saved_bytes: u64,
}

/// One material and how much of it is on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialItem {
    pub material: crate::material::Material,
    pub saved: Saved,
    /// Bytes of it on the device (text and files, a partly downloaded file included), out of
    /// [`crate::material::Material::download_size`]: a download in progress grows this.
    pub saved_bytes: u64,
    /// Marked "Unduh nanti": fetched at a sync on a connection that is not metered.
    #[serde(default)]
    pub later: bool,
    /// Why the last try to fetch it later did not save it, as the error it ended on (a rule's reason, or
    /// only its code when it had none: the server failed, the device's storage).
    #[serde(default)]
    pub later_failed: Option<crate::ApiError>,
    /// Tries to fetch it later that failed in a row; at [`crate::limits::LATER_DOWNLOAD_TRIES`] the syncs stop
    /// trying it (it stays marked; saving it by hand tries again).
    #[serde(default)]
    pub later_failures: u32,
}

pub use crate::net::Connection;

/// Arguments of `download_later`: mark (`on`) or unmark a material to fetch later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadLaterArgs {
    pub id: String,
    pub on: bool,
}

/// Whether a material can be read offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    /// Nothing, or only part of it (a download that stopped): not readable offline yet.
    No,
    /// Its text and every file are on the device, as the catalogue lists them.
    Yes,
    /// Saved, but the catalogue has a newer version: the old one stays readable until it is replaced.
    Outdated,
}

/// A material to read (`material`): the catalogue entry and what the device holds of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialReader {
    pub item: MaterialItem,
    /// The text, once saved.
    pub content: Option<crate::material::MaterialContent>,
    /// The files as the catalogue lists them, each with where it is kept once saved.
    pub files: Vec<SavedFile>,
    /// Bytes free where materials are kept, if the device can tell.
    pub free_bytes: Option<u64>,
}

/// One of a material's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub file: crate::material::MaterialFile,
    /// The saved file's full path on the device, if it is saved and whole.
    pub path: Option<String>,
}

/// Arguments of `material`, `save_material`, `save_material_anyway` and `remove_material`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialArgs {
    pub id: String,
}

/// Arguments of `search`: at most [`crate::limits::SEARCH`] characters; only the first
/// [`crate::limits::SEARCH_WORDS`] words count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchArgs {
    pub query: String,
    pub scope: SearchScope,
}

/// What a search looks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchScope {
    /// Learning materials: the catalogue's titles, topics and summaries, and the text of saved ones.
    Materials,
    /// Everything the device holds that has a page: materials, communities, development-plan items and
    /// performance plans.
    Everything,
}

/// The answer to `search`, from the device alone: best first, grouped by what each hit opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub groups: Vec<SearchGroup>,
    /// More groups matched than [`crate::limits::SEARCH_GROUPS`].
    pub more: bool,
}

/// One thing found (a material, a community, …) with its best matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchGroup {
    pub target: SearchTarget,
    /// Its title (a material's, a community's name, a plan item's); empty for a performance plan.
    pub title: String,
    /// At most [`crate::limits::SEARCH_HITS_PER_GROUP`], best first.
    pub hits: Vec<SearchHit>,
}

/// What a result opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchTarget {
    Material {
        id: String,
    },
    Community {
        id: String,
    },
    /// A development-plan item; `owner` is set when it is not the user's own (a principal's staff).
    PkbItem {
        id: String,
        owner: Option<String>,
    },
    /// A performance plan; `owner` as for [`SearchTarget::PkbItem`].
    PerformancePlan {
        id: String,
        owner: Option<String>,
    },
}

/// One match: where it is and the sentence it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The section of a saved material's text (0-based), if the match is there.
    pub section: Option<u32>,
    /// That section's heading.
    pub heading: String,
    /// The matching sentence (at most [`crate::limits::SEARCH_SNIPPET`] characters), in pieces: the
    /// matched words are `hit`.
    pub snippet: Vec<SnippetPiece>,
}

/// A piece of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPiece {
    pub text: String,
    pub hit: bool,
}

/// The development-plan screen (Rencana Pengembangan), read from the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PkbView {
    /// The year's plan, if the device has it.
    pub plan: Option<crate::pkb::PkbPlan>,
    /// By target date (items without one last), then title.
    pub items: Vec<PkbItemView>,
    pub jp_done: u32,
    pub jp_target: u32,
}

/// A plan item with its sync state and the reflection being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PkbItemView {
    pub item: crate::pkb::PkbItem,
    pub pending: bool,
    pub conflict: bool,
    /// A reflection typed but not saved yet (kept on the device as it is typed), if it differs from the
    /// item's.
    pub draft: Option<String>,
}

/// The draft key of a plan item's reflection.
pub fn reflection_draft_key(item_id: &str) -> String {
    format!("reflection:{item_id}")
}

/// One planned result as the plan editor holds it: its text, and its indicators one per line. The plan
/// editor's draft ([`plan_draft_key`]) is a JSON list of these; the engine writes one too, when a refused
/// edit of the results is opened again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultForm {
    pub id: String,
    pub text: String,
    pub indicators: String,
    #[serde(default)]
    pub points: Option<u32>,
}

impl ResultForm {
    pub fn of(r: &crate::kinerja::PlannedResult) -> ResultForm {
        ResultForm {
            id: r.id.clone(),
            text: r.text.clone(),
            indicators: r.indicators.join("\n"),
            points: r.points,
        }
    }
}

/// The draft key of a performance plan's results being edited (the UI keeps its editor rows there).
pub fn plan_draft_key(plan_id: &str) -> String {
    format!("plan:{plan_id}")
}

/// The draft key of the reflection on a performance plan.
pub fn plan_reflection_draft_key(plan_id: &str) -> String {
    format!("plan-reflection:{plan_id}")
}

/// The draft key of the principal's note returning performance plan `plan_id`.
pub fn return_note_draft_key(plan_id: &str) -> String {
    format!("return-note:{plan_id}")
}

/// The draft key of the principal's feedback being written on performance plan `plan_id`.
pub fn feedback_draft_key(plan_id: &str) -> String {
    format!("feedback:{plan_id}")
}

/// The draft key of the note going with the predikat the principal gives performance plan `plan_id`.
pub fn predikat_note_draft_key(plan_id: &str) -> String {
    format!("predikat-note:{plan_id}")
}

/// The draft key of what the principal records of classroom observation `observation_id`.
pub fn observation_record_draft_key(observation_id: &str) -> String {
    format!("observation-record:{observation_id}")
}

/// The draft key of the teacher's preparation for classroom observation `observation_id`.
pub fn observation_preparation_draft_key(observation_id: &str) -> String {
    format!("observation-preparation:{observation_id}")
}

/// The draft key of the follow-up the principal writes after classroom observation `observation_id`.
pub fn observation_follow_up_draft_key(observation_id: &str) -> String {
    format!("observation-follow-up:{observation_id}")
}

const NEW_ACTIVITY: &str = "new-activity:";
const NEW_OBSERVATION: &str = "new-observation:";

/// The draft key prefixes of the forms that make something new: a form with nothing typed in its boxes
/// is an empty draft, which is no typing (the engine counts no such draft as unsent).
pub const FORM_DRAFT_PREFIXES: [&str; 2] = [NEW_ACTIVITY, NEW_OBSERVATION];

/// The draft key of the principal's form scheduling a classroom observation on performance plan
/// `plan_id` (its fields as [`ObservationForm::to_draft`] writes them).
pub fn new_observation_draft_key(plan_id: &str) -> String {
    format!("{NEW_OBSERVATION}{plan_id}")
}

/// The draft key of Rencana's form adding an activity to this year's plan (its fields as
/// [`ActivityForm::to_draft`] writes them). One form, on the page of the plan of the year it is.
pub fn new_activity_draft_key() -> String {
    NEW_ACTIVITY.to_owned()
}

/// A form's fields kept as a draft: one per line, in a fixed order. The fields are one-line boxes (a
/// line break in one becomes a space), so the draft reads back field by field without a parser in the
/// page; a field missing at the end reads as empty.
fn form_draft(fields: &[&str]) -> String {
    fields.iter().map(|f| f.replace(['\r', '\n'], " ")).collect::<Vec<_>>().join("\n")
}

fn form_fields<const N: usize>(draft: &str) -> [String; N] {
    let mut lines = draft.split('\n');
    std::array::from_fn(|_| lines.next().unwrap_or_default().to_owned())
}

/// The form scheduling a classroom observation as it is being filled ([`new_observation_draft_key`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservationForm {
    /// `YYYY-MM-DD`, as the date box gives it.
    pub date: String,
    /// `HH:MM`, as the time box gives it.
    pub time: String,
    pub class_name: String,
    pub focus: String,
}

impl ObservationForm {
    /// The form as its draft's text (empty when nothing is typed in it).
    pub fn to_draft(&self) -> String {
        if [&self.date, &self.time, &self.class_name, &self.focus].iter().all(|f| f.trim().is_empty()) {
            return String::new();
        }
        form_draft(&[&self.date, &self.time, &self.class_name, &self.focus])
    }

    /// The form as its draft kept it.
    pub fn from_draft(draft: &str) -> ObservationForm {
        let [date, time, class_name, focus] = form_fields(draft);
        ObservationForm { date, time, class_name, focus }
    }
}

/// The form adding an activity to the plan as it is being filled ([`new_activity_draft_key`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityForm {
    pub title: String,
    /// The kind chosen, by the page's code for it (empty or unknown: the form's default).
    pub kind: String,
    /// The JP as typed (a number once it is sent).
    pub jp: String,
    /// `YYYY-MM-DD`, or empty.
    pub date: String,
}

impl ActivityForm {
    /// The form as its draft's text (empty when nothing is typed in it: a kind chosen alone is no typing).
    pub fn to_draft(&self) -> String {
        if [&self.title, &self.jp, &self.date].iter().all(|f| f.trim().is_empty()) {
            return String::new();
        }
        form_draft(&[&self.title, &self.kind, &self.jp, &self.date])
    }

    /// The form as its draft kept it.
    pub fn from_draft(draft: &str) -> ActivityForm {
        let [title, kind, jp, date] = form_fields(draft);
        ActivityForm { title, kind, jp, date }
    }
}

/// Text being typed, kept on the device under `key` until it is saved for real (empty text included: a
/// cleared box is an edit too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub key: String,
    pub text: String,
}

/// The argument envelope of `save_draft`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveDraftArgs {
    pub draft: Draft,
}

/// `draft`'s argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftArgs {
    pub key: String,
}

/// The argument envelope of `sign_out`: `discard` is the user's confirmation that changes or drafts still
/// on the device may be lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOutArgs {
    pub discard: bool,
}

/// The device's preferences, kept in the local store (they survive sign-out and belong to the device, not
/// the account). Returned by `preferences` and `set_preferences` (which takes [`SetPreferencesArgs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub language: Language,
    /// Deadline reminders (a day before and on the day), on unless the user turns them off.
    pub reminders: bool,
    /// Notifications of what a sync brings ([`News`]), on unless the user turns them off.
    #[serde(default = "on")]
    pub news: bool,
    /// "Hanya unduh lewat Wi-Fi": material downloads wait while the connection is metered (or unknown).
    #[serde(default)]
    pub wifi_only: bool,
    /// "Bagikan materi di jaringan sekolah": while the app is open and the user signed in, saved materials'
    /// files are served to colleagues on the same network, and fetched from them first. Off until turned on.
    #[serde(default)]
    pub share_on_network: bool,
    /// Light or dark, or as the system says (the default).
    #[serde(default)]
    pub theme: Theme,
    /// The text size, in three steps.
    #[serde(default)]
    pub text_size: TextSize,
}

/// How the app looks ([`Preferences::theme`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light or dark as the device's system is set.
    #[default]
    System,
    Light,
    Dark,
}

/// The size of the app's text ([`Preferences::text_size`]): the usual, a step larger, two steps larger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

/// A value kept in the device's `settings` table by a fixed word.
macro_rules! tagged {
    ($t:ty { $($v:ident = $tag:literal),+ $(,)? }) => {
        impl $t {
            /// The word it is kept by (and the UI's `data-*` attribute value).
            pub fn tag(self) -> &'static str {
                match self { $(Self::$v => $tag),+ }
            }

            pub fn from_tag(tag: &str) -> Option<Self> {
                match tag { $($tag => Some(Self::$v),)+ _ => None }
            }
        }
    };
}
tagged!(Theme { System = "system", Light = "light", Dark = "dark" });
tagged!(TextSize { Normal = "normal", Large = "large", Larger = "larger" });

fn on() -> bool {
    true
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            language: Language::Id,
            reminders: true,
            news: true,
            wifi_only: false,
            share_on_network: false,
            theme: Theme::System,
            text_size: TextSize::Normal,
        }
    }
}

/// What a sync brought that the user should hear about, once (the `take_news` command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "news", rename_all = "snake_case")]
pub enum News {
    /// Her plan was approved, returned (with the principal's note) or agreed.
    PlanMoved { to: crate::kinerja::PlanStatus, note: Option<String> },
    /// Her plan was given its predikat.
    PredikatGiven { predikat: crate::kinerja::Predikat },
    /// An observation of her class was scheduled (`scheduled_at`: `YYYY-MM-DDTHH:MM`, local).
    ObservationScheduled { scheduled_at: String, class: String },
    /// For a principal: `count` plans wait for his approval (more than before).
    WaitingForYou { count: u32 },
    /// Her principal left `count` new feedback notes on her plan.
    Feedback { count: u32 },
}

/// The language the UI speaks: Bahasa Indonesia first, English second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Id,
    En,
}

impl Language {
    /// The BCP 47 tag, as the UI's locale and the `settings` table name it.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Id => "id",
            Language::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Language> {
        match tag {
            "id" => Some(Language::Id),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// A change to some of the [`Preferences`]: what is `None` stays as it is. (A change, not the whole set, so
/// two switches flipped at once never undo each other.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferencesChange {
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub reminders: Option<bool>,
    #[serde(default)]
    pub news: Option<bool>,
    #[serde(default)]
    pub wifi_only: Option<bool>,
    #[serde(default)]
    pub share_on_network: Option<bool>,
    #[serde(default)]
    pub theme: Option<Theme>,
    #[serde(default)]
    pub text_size: Option<TextSize>,
}

/// The argument envelope of `set_preferences`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPreferencesArgs {
    pub change: PreferencesChange,
}

/// The data this app used on this device, per calendar month (WIB), newest first. Returned by `data_use`.
/// Counted as the HTTP messages with their bodies compressed as they travelled; TLS and TCP/IP overhead
/// are not visible to the app and not included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataUse {
    /// The month it is now (`YYYY-MM`, WIB), as the engine files the figures.
    pub this_month: String,
    pub months: Vec<MonthlyDataUse>,
    /// The connection the device is on now (Pengaturan says it beside "Hanya unduh lewat Wi-Fi").
    pub connection: Connection,
}

/// One month of [`DataUse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyDataUse {
    /// `YYYY-MM`, in WIB.
    pub month: String,
    /// Bytes sent.
    pub sent: u64,
    /// Bytes received.
    pub received: u64,
    /// Bytes of materials that came from colleagues on the school's network (Berbagi di sekolah), not
    /// from the server: not part of `received`, and no mobile data.
    #[serde(default)]
    pub from_peers: u64,
}

impl DataUse {
    /// Every month added up: (sent, received).
    pub fn total(&self) -> (u64, u64) {
        self.months.iter().fold((0, 0), |(s, r), m| (s + m.sent, r + m.received))
    }

    /// Every month's bytes from colleagues, added up.
    pub fn total_from_peers(&self) -> u64 {
        self.months.iter().map(|m| m.from_peers).sum()
    }
}

/// Berbagi di sekolah as it stands now (the `sharing` command).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    /// The setting (`Preferences::share_on_network`).
    pub on: bool,
    /// Whether this device serves now: the setting is on, the user signed in, and the door is open.
    pub serving: bool,
    /// The port it serves on, while serving (the same in every address).
    pub port: Option<u16>,
    /// Where colleagues reach this device (`address:port`, one per network it is on), to type in or
    /// scan where the network blocks discovery; empty while not serving.
    pub addresses: Vec<String>,
    /// Colleagues' devices seen now (found on the network or added by address).
    pub peers: Vec<Peer>,
    /// Why discovery on the network does not work on this device, if it does not (the door by address
    /// still does).
    pub discovery: Discovery,
}

/// Whether colleagues are found on the network by themselves ([`Sharing::discovery`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discovery {
    /// Announcing and looking (mDNS).
    Working,
    /// Sharing is off or the user signed out.
    #[default]
    Off,
    /// The device's network refused the multicast socket: only peers added by address are used.
    Unavailable,
}

/// A colleague's device ([`Sharing::peers`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    /// `address:port`.
    pub address: String,
    /// Added by the user (kept on the device, removable), rather than found on the network.
    pub added: bool,
    /// It sent something that was not what the catalogue lists: not asked again until the app restarts.
    pub dropped: bool,
}

/// The argument envelope of `add_peer` and `remove_peer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerArgs {
    pub address: String,
}

/// Tauri's notification plugin as the UI calls it (granted in `capabilities/main.json`): its command
/// names and the argument shape of `notify`.
pub mod notification {
    use serde::{Deserialize, Serialize};

    pub const IS_PERMISSION_GRANTED: &str = "plugin:notification|is_permission_granted";
    pub const REQUEST_PERMISSION: &str = "plugin:notification|request_permission";
    pub const NOTIFY: &str = "plugin:notification|notify";
    /// What `request_permission` answers when notifications are allowed.
    pub const GRANTED: &str = "granted";

    /// The argument envelope of `notify`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct NotifyArgs {
        pub options: Notification,
    }

    /// A notification: only what the app uses of the plugin's options.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Notification {
        pub title: String,
        pub body: String,
    }
}

/// A deadline to remind the user of now: the day before it, or on the day. Returned by
/// `take_reminders`, each at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub deadline: Deadline,
    /// `true` on the day itself, `false` the day before.
    pub today: bool,
}

/// The programme-status screen (Status Guru Penggerak), read from the store: every programme the user
/// takes part in, latest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammesView {
    pub programmes: Vec<ProgrammeStatus>,
}

/// One programme the user is in: its stages as a timeline, with the user's results and items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeStatus {
    pub programme: String,
    pub cohort: String,
    /// What graduates receive.
    pub outcome: String,
    pub stages: Vec<StageStatus>,
    pub certificate: Option<crate::programme::Certificate>,
}

/// A stage of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageStatus {
    pub code: String,
    pub name: String,
    pub description: String,
    /// From the cohort's schedule (`YYYY-MM-DD`).
    pub starts: Option<String>,
    pub ends: Option<String>,
    /// The user's result; `belum` for a stage not reached.
    pub outcome: crate::programme::StageOutcome,
    pub note: Option<String>,
    /// The stage the user is in (or stopped at).
    pub current: bool,
    /// The stage's modules, workshops and visits with the user's steps done.
    pub items: Vec<ItemStatus>,
}

/// An item of a stage with the user's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemStatus {
    pub code: String,
    pub title: String,
    pub kind: crate::programme::ItemKind,
    pub done: u8,
    pub steps: u8,
}

/// A record where the user's waiting edit and the server's newer copy disagree: both are kept until the
/// user chooses (the `conflicts` command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictView {
    pub kind: crate::RecordKind,
    pub id: String,
    /// What the record is, for people: its title, name or class; empty when it has none (the UI names it
    /// by its kind).
    pub title: String,
    /// The fields whose values differ, by field name.
    pub fields: Vec<ConflictField>,
    /// The server deleted the record meanwhile.
    pub theirs_deleted: bool,
}

/// A change the server refused for good, or that was given up after it kept failing, kept with what it
/// carried so the user can read it and do it again (the `refused` command). Nothing leaves the device
/// unseen: it stays until the user dismisses it (`dismiss_refused`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedChange {
    pub id: i64,
    /// What the change was, as data the UI words.
    pub label: ChangeLabel,
    /// Why: the server's code and message (or the device's, for a change given up or held back).
    pub reason: crate::ApiError,
    /// What the change carried, field by field (JSON name and value), for the user to redo it.
    pub fields: Vec<ChangeField>,
    /// When it was refused (RFC 3339, UTC).
    #[serde(default)]
    pub at: String,
    /// Where the text it carried can be opened again to fix and send (`reopen_refused`), when it carried
    /// the user's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopen: Option<ReopenPage>,
}

/// What a draft was typed for: the box its key names ([`reflection_draft_key`] and the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftFor {
    ActivityReflection,
    PlanResults,
    PlanReflection,
    ReturnNote,
    Feedback,
    PredikatNote,
    ObservationRecord,
    ObservationPreparation,
    ObservationFollowUp,
    /// The form scheduling an observation ([`new_observation_draft_key`]).
    NewObservation,
    /// The form adding an activity to the plan ([`new_activity_draft_key`]).
    NewActivity,
    /// A key this version of the app does not make.
    #[serde(other)]
    Other,
}

impl DraftFor {
    /// What the draft under `key` is for, and the id of the record it belongs to (empty for
    /// [`DraftFor::Other`]).
    pub fn of_key(key: &str) -> (DraftFor, &str) {
        let Some((name, id)) = key.split_once(':') else { return (DraftFor::Other, "") };
        let what = match name {
            "reflection" => DraftFor::ActivityReflection,
            "plan" => DraftFor::PlanResults,
            "plan-reflection" => DraftFor::PlanReflection,
            "return-note" => DraftFor::ReturnNote,
            "feedback" => DraftFor::Feedback,
            "predikat-note" => DraftFor::PredikatNote,
            "observation-record" => DraftFor::ObservationRecord,
            "observation-preparation" => DraftFor::ObservationPreparation,
            "observation-follow-up" => DraftFor::ObservationFollowUp,
            "new-observation" => DraftFor::NewObservation,
            "new-activity" => DraftFor::NewActivity,
            _ => return (DraftFor::Other, ""),
        };
        (what, id)
    }
}

/// Text typed and kept on the device whose box no page draws any more: its record moved on (a plan rated,
/// submitted or agreed, an observation done) or is gone. Nothing typed is lost unseen: it is shown with the
/// refused changes (the `stranded_drafts` command) until the user lets it go (`discard_draft`, with
/// [`DraftArgs`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrandedDraft {
    /// Its draft key (`discard_draft`'s argument).
    pub key: String,
    pub what: DraftFor,
    /// The text as she typed it (a plan's results: each result's text and indicators, one per line).
    pub text: String,
    /// When it was last typed in (RFC 3339, UTC).
    pub typed_at: String,
}

/// What a change the user made was, as data: the UI words it in the user's language ("Gabung ke …",
/// "Join …"). Kept with a queued change and with a refused one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum ChangeLabel {
    /// Joining the community named `community`.
    Join { community: String },
    /// Leaving the community named `community`.
    Leave { community: String },
    /// Saying "Saya hadir" at the event titled `event`.
    Attend { event: String },
    /// Taking back "Saya hadir" at the event titled `event`.
    Unattend { event: String },
    /// Adding the development-plan activity `title`.
    AddActivity { title: String },
    /// Changing the activity `title`.
    EditActivity { title: String },
    /// Changing the performance plan.
    EditPlan,
    /// Moving the performance plan to `to` (submit, approve, return, agree).
    MovePlan { to: crate::kinerja::PlanStatus },
    /// Scheduling an observation of the class `class`.
    ScheduleObservation { class: String },
    /// Changing the observation of the class `class`.
    EditObservation { class: String },
    /// Giving the predikat `predikat`.
    RatePlan { predikat: crate::kinerja::Predikat },
    /// Leaving a feedback note on a staff member's plan.
    GiveFeedback,
    /// A change an older version of the app queued, named then in Bahasa Indonesia.
    Said { text: String },
}

impl ChangeLabel {
    /// The label as stored: JSON, or (from before labels were data) the Indonesian text itself.
    pub fn from_stored(stored: &str) -> ChangeLabel {
        serde_json::from_str(stored).unwrap_or_else(|_| ChangeLabel::Said { text: stored.to_owned() })
    }
}

/// In Bahasa Indonesia, for logs and for the message beside a reason.
impl std::fmt::Display for ChangeLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::kinerja::PlanStatus;
        match self {
            ChangeLabel::Join { community } => write!(f, "Gabung ke {community}"),
            ChangeLabel::Leave { community } => write!(f, "Keluar dari {community}"),
            ChangeLabel::Attend { event } => write!(f, "Hadir di {event}"),
            ChangeLabel::Unattend { event } => write!(f, "Batal hadir di {event}"),
            ChangeLabel::AddActivity { title } => write!(f, "Tambah kegiatan {title}"),
            ChangeLabel::EditActivity { title } => write!(f, "Ubah kegiatan {title}"),
            ChangeLabel::EditPlan => f.write_str("Ubah rencana kinerja"),
            ChangeLabel::MovePlan { to } => f.write_str(match to {
                PlanStatus::PerluDisetujui => "Ajukan rencana kinerja",
                PlanStatus::Disetujui => "Setujui rencana kinerja",
                PlanStatus::Dikembalikan => "Kembalikan rencana kinerja",
                PlanStatus::Disepakati => "Sepakati rencana kinerja",
                PlanStatus::Draf => "Ubah status rencana kinerja",
            }),
            ChangeLabel::ScheduleObservation { class } => write!(f, "Jadwalkan observasi {class}"),
            ChangeLabel::EditObservation { class } => write!(f, "Ubah observasi {class}"),
            ChangeLabel::RatePlan { .. } => f.write_str("Beri predikat"),
            ChangeLabel::GiveFeedback => f.write_str("Beri umpan balik"),
            ChangeLabel::Said { text } => f.write_str(text),
        }
    }
}

/// The page a refused change's text is opened again on, in its editor, as a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReopenPage {
    /// Rencana (the development plan): an activity's reflection.
    Pkb,
    /// Kinerja (her performance plan): the plan's reflection or results, an observation's preparation.
    Kinerja,
    /// A staff member's page (the principal's): the note returning her plan, his feedback, the note with
    /// a predikat, an observation's record and follow-up.
    StaffMember { teacher: String },
}

/// One field of a refused change: its JSON name and value. The UI says them in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeField {
    pub field: String,
    pub value: serde_json::Value,
}

/// `dismiss_refused`'s and `reopen_refused`'s argument: the refused change the user has read, or opens
/// again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissArgs {
    pub id: i64,
}

/// One differing field: its JSON name and both values (`None`: absent or null). The UI says them in the
/// user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictField {
    pub field: String,
    pub mine: Option<serde_json::Value>,
    pub theirs: Option<serde_json::Value>,
}

/// Which version wins a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// Send mine again, on the server's current version.
    Mine,
    /// Drop mine, show the server's.
    Theirs,
}

/// The user's choice for one conflicting record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictChoice {
    pub kind: crate::RecordKind,
    pub id: String,
    pub keep: Keep,
}

/// The argument envelope of `resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveArgs {
    pub choice: ConflictChoice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forms_draft_reads_back_field_by_field() {
        let f = ObservationForm {
            date: "2026-12-10".into(),
            time: "09:00".into(),
            class_name: "Kelas IV A".into(),
            focus: "Diferensiasi\nproses".into(),
        };
        let back = ObservationForm::from_draft(&f.to_draft());
        assert_eq!(back.class_name, "Kelas IV A", "each field in its place");
        assert_eq!(back.focus, "Diferensiasi proses", "a line break in a field is a space, not a new field");
        let short = ActivityForm::from_draft("Lokakarya");
        assert_eq!(
            short,
            ActivityForm { title: "Lokakarya".into(), ..ActivityForm::default() },
            "fields missing at the end are empty"
        );
        assert_eq!(ActivityForm::from_draft(&ActivityForm::default().to_draft()), ActivityForm::default());
        let kind_alone = ActivityForm { kind: "lokakarya".into(), ..ActivityForm::default() };
        assert_eq!(kind_alone.to_draft(), "", "a kind chosen alone is nothing typed");
        assert_eq!(ObservationForm { focus: "  ".into(), ..ObservationForm::default() }.to_draft(), "");
    }
}
