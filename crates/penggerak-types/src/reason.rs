//! Why something was refused, as data: a rule and its typed values, never a sentence.
//!
//! The rules in this crate ([`crate::pkb`], [`crate::kinerja`], [`crate::programme`]) return a
//! [`Reason`]; the engine and the server carry it in [`crate::ApiError::reason`]; the UI words it in the
//! user's language from its locales. `Display` is the Bahasa Indonesia sentence the server puts in an
//! error's `message` at its HTTP edge (for clients that do not know the reason yet, and for logs).

use crate::plan_status::{Actor, PlanStatus};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A field a rule is about, as people know it (the UI has a label for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// A development-plan activity's title.
    Title,
    /// An activity's or a result's identifier (never typed by people; a broken client).
    Id,
    /// The community event an activity refers to.
    CommunityEvent,
    /// An activity's hours.
    Jp,
    /// An activity's progress, in percent.
    Progress,
    /// A reflection (an activity's or a plan's).
    Reflection,
    /// An activity's target date.
    TargetDate,
    /// A plan's results (RHK).
    Results,
    /// A result's wording.
    ResultText,
    /// A result's indicators.
    Indicators,
    /// A result's points.
    Points,
    /// A note on a plan's move.
    Note,
    /// The class an observation is in.
    ObservationClass,
    /// What an observation looks at.
    ObservationFocus,
    /// An observation's preparation, record or follow-up.
    ObservationText,
    /// When an observation is.
    ObservationSchedule,
    /// A step of a programme item.
    ProgrammeSteps,
    /// The activities of a development plan.
    PkbItems,
    /// A development plan's JP target.
    JpTarget,
    /// The observations of a performance plan.
    Observations,
    /// The evidence files of a performance plan.
    Evidence,
    /// An evidence file's name.
    FileName,
    /// A principal's feedback note on a plan (umpan balik), and how many one plan holds.
    Feedback,
    /// A colleague's device's address (Berbagi di sekolah).
    PeerAddress,
    /// A field this version of the app does not know (a newer server's).
    #[serde(other)]
    Unknown,
}

impl Field {
    /// Every field (the UI's tests word each one in every language).
    pub const ALL: [Field; 25] = [
        Field::Title,
        Field::Id,
        Field::CommunityEvent,
        Field::Jp,
        Field::Progress,
        Field::Reflection,
        Field::TargetDate,
        Field::Results,
        Field::ResultText,
        Field::Indicators,
        Field::Points,
        Field::Note,
        Field::ObservationClass,
        Field::ObservationFocus,
        Field::ObservationText,
        Field::ObservationSchedule,
        Field::ProgrammeSteps,
        Field::PkbItems,
        Field::JpTarget,
        Field::Observations,
        Field::Evidence,
        Field::FileName,
        Field::Feedback,
        Field::PeerAddress,
        Field::Unknown,
    ];

    /// The Indonesian name, for [`Reason`]'s `Display`.
    fn id(self) -> &'static str {
        match self {
            Field::Title => "Judul",
            Field::Id => "Id",
            Field::CommunityEvent => "Kegiatan komunitas yang dirujuk",
            Field::Jp => "JP",
            Field::Progress => "Kemajuan",
            Field::Reflection => "Refleksi",
            Field::TargetDate => "Tanggal target",
            Field::Results => "Rencana Hasil Kerja (RHK)",
            Field::ResultText => "Rumusan RHK",
            Field::Indicators => "Indikator kinerja",
            Field::Points => "Poin",
            Field::Note => "Catatan",
            Field::ObservationClass => "Kelas yang diobservasi",
            Field::ObservationFocus => "Fokus observasi",
            Field::ObservationText => "Teks observasi",
            Field::ObservationSchedule => "Jadwal observasi",
            Field::ProgrammeSteps => "Langkah yang selesai",
            Field::PkbItems => "Kegiatan dalam rencana pengembangan",
            Field::JpTarget => "Target JP",
            Field::Observations => "Observasi dalam satu rencana",
            Field::Evidence => "Bukti dukung",
            Field::FileName => "Nama berkas",
            Field::Feedback => "Umpan balik",
            Field::PeerAddress => "Alamat perangkat rekan",
            Field::Unknown => "Isian ini",
        }
    }
}

// Read by the hand-written decoder below (`Wire`), not serde's: the same JSON, far less code in the app.
/// A rule that refused something, with what the user needs to put it right: its rule and values
/// (`{"rule": "too_long", "field": "title", "max": 200}`). A client reads a rule it does not know as an
/// unknown one (the message says it) and ignores values its rule does not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Reason {
    /// Sign-out would lose `count` changes or drafts the server does not have.
    ChangesWaiting { count: u32 },
    /// `field` must be filled in.
    Required { field: Field },
    /// `field` is longer than `max` characters (or is not one line where it must be).
    TooLong { field: Field, max: u32 },
    /// More than `max` of `field`.
    TooMany { field: Field, max: u32 },
    /// Fewer than `min` of `field`.
    TooFew { field: Field, min: u32 },
    /// `field` must lie between `min` and `max`.
    OutOfRange { field: Field, min: i64, max: i64 },
    /// `field` is not written as `format` (e.g. `YYYY-MM-DD`).
    Format { field: Field, format: String },
    /// `field` does not name something that exists, or is not well-formed.
    NotValid { field: Field },
    /// An activity marked done must be at 100 %.
    DoneMeansFull,
    /// An activity not started must be at 0 %.
    NotStartedMeansZero,
    /// 100 % means the activity is done.
    FullMeansDone,
    /// This cycle gives results no points.
    NoPointsInCycle,
    /// Every result needs at least one indicator before the plan is submitted.
    IndicatorNeeded,
    /// Every result needs points in this cycle.
    PointsNeeded,
    /// The results' points add up to `total`; the cycle needs `needed`.
    PointsShort { total: u32, needed: u32 },
    /// The results can only be changed while the plan is a draft or returned.
    ResultsLocked { status: PlanStatus },
    /// The reflection cannot change once the predikat is given.
    ReflectionLocked,
    /// A plan in `from` cannot move to `to`.
    PlanMove { from: PlanStatus, to: PlanStatus },
    /// This move is `by`'s to make.
    MoveBy { by: Actor },
    /// The plan has moved `max` times; the school operator must help.
    HistoryFull { max: u32 },
    /// A plan is returned with a note saying what to improve.
    ReturnNeedsNote,
    /// The programme item is not known.
    UnknownProgrammeItem,
    /// The facilitator records this item, not the participant.
    FacilitatorRecords,
    /// The item is not in the stage the participant is in.
    OtherStage,
    /// The stage is not under way.
    StageNotRunning,
    /// What the change is about is not on the device (yet): a sync brings it.
    NotOnDevice,
    /// A download of `needed` bytes would leave less than `kept` of the device's `free` bytes.
    NoRoom { needed: u64, free: u64, kept: u64 },
    /// Downloads wait for Wi-Fi (the user's setting) and the device is on `connection`.
    WaitsForWifi { connection: crate::net::Connection },
    /// This change failed `attempts` times (the server failed it), so the device stopped sending it (the
    /// rest went on); its content is kept.
    GivenUp { attempts: u32 },
    /// As [`Reason::GivenUp`], but at least once no answer came after the change was sent while the server
    /// answered the pull right after (the connection cut, or the answer not whole in time): the server may
    /// have taken it, so it is checked before it is done again.
    GivenUpUnanswered { attempts: u32 },
    /// Not sent: an earlier change to the same data was refused; its content is kept.
    HeldBack,
    /// A change failed `attempts` times of the `max` it is given (the server failed it, or no answer came
    /// after it was sent); it is sent again later.
    FailingAgain { attempts: u32, max: u32 },
    /// A draft of other text is in the editor this change's text would go back to.
    DraftInTheWay,
    /// The device keeps `count` drafts, or `max_mb` megabytes of drafts, already: no more is kept until
    /// some are sent or let go.
    DraftsFull { count: u32, max_mb: u32 },
    /// This cycle takes no evidence uploads.
    NoEvidenceInCycle,
    /// A file larger than `max_mb` megabytes.
    FileTooLarge { max_mb: u32 },
    /// The predikat is given once the plan is agreed (Disepakati).
    RatingNeedsAgreed,
    /// A community's lead (penggerak komunitas) cannot leave it.
    LeadCannotLeave,
    /// A downloaded update's signature is not the app publisher's: it was not installed.
    UpdateNotTrusted,
    /// Only a community's members can say they were at its events.
    MembersOnly,
    /// Attendance is said once the event is about to start, not before.
    AttendanceNotYet,
    /// Attendance is said within `days` days of the event's start.
    AttendanceClosed { days: u32 },
    /// The file could not be saved where the user chose (no room, no permission there).
    NotSaved,
    /// The account made its `max` changes of the day (a UTC day: it ends at 07:00 WIB); the change is sent
    /// again the next day.
    ChangesPerDay { max: u32 },
    /// The server address typed is not a web address this app can use (not a URL, no host, another
    /// scheme).
    AddressNotValid,
    /// The server address is plain `http://` to another device: only `https://` is sent a password.
    AddressNotHttps,
    /// The server sends its answers on to another address (an old address, or a network's sign-in page in
    /// the way): the app follows no redirect, which would send a password or token there.
    ServerRedirects,
    /// The server's answer is not the API's (another site at that address, or a network's sign-in page).
    AnswerNotUnderstood,
    /// A file of a material was updated on the server since the catalogue on the device was synced: what
    /// was downloaded of it is thrown away, and the sync brings the new entry.
    FileChanged,
    /// A file arrived damaged (not the bytes the catalogue lists) and was thrown away.
    FileDamaged,
    /// The device's storage is full: a file could not be written.
    DeviceFull,
    /// A rule this version of the app does not know (a newer server's): the error's message says it.
    Unknown,
}

/// How a [`Reason`] is read: its rule, and every value any rule carries, each kept only if it is of a
/// kind a rule's value can be (a number, or a text for the texts and the enums' names). The JSON is the one
/// `Serialize` writes; reading it through one flat struct instead of serde's internally tagged enum is a
/// fraction of the code, which the app's start module pays for (every IPC error can carry a reason). As
/// the derived decoder did: a rule's missing or ill-typed value fails it, values it does not use are
/// ignored whatever they are, and a rule this version does not know reads as [`Reason::Unknown`].
#[derive(Deserialize)]
struct Wire {
    rule: String,
    count: Option<Value>,
    field: Option<Value>,
    max: Option<Value>,
    min: Option<Value>,
    format: Option<Value>,
    total: Option<Value>,
    needed: Option<Value>,
    status: Option<Value>,
    from: Option<Value>,
    to: Option<Value>,
    by: Option<Value>,
    free: Option<Value>,
    kept: Option<Value>,
    connection: Option<Value>,
    attempts: Option<Value>,
    max_mb: Option<Value>,
    days: Option<Value>,
}

/// One value of a rule, as it arrived: a whole number (as the format gave it), a text, or something no
/// rule carries (`Other`).
enum Value {
    Unsigned(u64),
    Signed(i64),
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> serde::de::Visitor<'de> for Any {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a rule's value")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Signed(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Unsigned(v))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Value, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Value, A::Error> {
                while m.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
        }
        d.deserialize_any(Any)
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IntoDeserializer};
        let w = Wire::deserialize(d)?;
        // A whole number that fits `T`.
        fn int<T: TryFrom<u64> + TryFrom<i64>, E: Error>(
            v: Option<Value>,
            name: &'static str,
        ) -> Result<T, E> {
            let fits = match v {
                Some(Value::Unsigned(n)) => T::try_from(n).ok(),
                Some(Value::Signed(n)) => T::try_from(n).ok(),
                Some(_) => return Err(E::custom(format_args!("{name} is not a whole number"))),
                None => return Err(E::missing_field(name)),
            };
            fits.ok_or_else(|| E::custom(format_args!("{name} is out of range")))
        }
        // A text, or one of an enum's names.
        fn named<T: serde::de::DeserializeOwned, E: Error>(
            v: Option<Value>,
            name: &'static str,
        ) -> Result<T, E> {
            match v {
                Some(Value::Text(s)) => T::deserialize(s.into_deserializer()),
                Some(_) => Err(E::custom(format_args!("{name} is not a text"))),
                None => Err(E::missing_field(name)),
            }
        }
        Ok(match w.rule.as_str() {
            "changes_waiting" => Reason::ChangesWaiting { count: int(w.count, "count")? },
            "required" => Reason::Required { field: named(w.field, "field")? },
            "too_long" => Reason::TooLong { field: named(w.field, "field")?, max: int(w.max, "max")? },
            "too_many" => Reason::TooMany { field: named(w.field, "field")?, max: int(w.max, "max")? },
            "too_few" => Reason::TooFew { field: named(w.field, "field")?, min: int(w.min, "min")? },
            "out_of_range" => Reason::OutOfRange {
                field: named(w.field, "field")?,
                min: int(w.min, "min")?,
                max: int(w.max, "max")?,
            },
            "format" => {
                Reason::Format { field: named(w.field, "field")?, format: named(w.format, "format")? }
            }
            "not_valid" => Reason::NotValid { field: named(w.field, "field")? },
            "done_means_full" => Reason::DoneMeansFull,
            "not_started_means_zero" => Reason::NotStartedMeansZero,
            "full_means_done" => Reason::FullMeansDone,
            "no_points_in_cycle" => Reason::NoPointsInCycle,
            "indicator_needed" => Reason::IndicatorNeeded,
            "points_needed" => Reason::PointsNeeded,
            "points_short" => {
                Reason::PointsShort { total: int(w.total, "total")?, needed: int(w.needed, "needed")? }
            }
            "results_locked" => Reason::ResultsLocked { status: named(w.status, "status")? },
            "reflection_locked" => Reason::ReflectionLocked,
            "plan_move" => Reason::PlanMove { from: named(w.from, "from")?, to: named(w.to, "to")? },
            "move_by" => Reason::MoveBy { by: named(w.by, "by")? },
            "history_full" => Reason::HistoryFull { max: int(w.max, "max")? },
            "return_needs_note" => Reason::ReturnNeedsNote,
            "unknown_programme_item" => Reason::UnknownProgrammeItem,
            "facilitator_records" => Reason::FacilitatorRecords,
            "other_stage" => Reason::OtherStage,
            "stage_not_running" => Reason::StageNotRunning,
            "not_on_device" => Reason::NotOnDevice,
            "no_room" => Reason::NoRoom {
                needed: int(w.needed, "needed")?,
                free: int(w.free, "free")?,
                kept: int(w.kept, "kept")?,
            },
            "waits_for_wifi" => Reason::WaitsForWifi { connection: named(w.connection, "connection")? },
            "given_up" => Reason::GivenUp { attempts: int(w.attempts, "attempts")? },
            "given_up_unanswered" => Reason::GivenUpUnanswered { attempts: int(w.attempts, "attempts")? },
            "held_back" => Reason::HeldBack,
            "failing_again" => {
                Reason::FailingAgain { attempts: int(w.attempts, "attempts")?, max: int(w.max, "max")? }
            }
            "draft_in_the_way" => Reason::DraftInTheWay,
            "drafts_full" => {
                Reason::DraftsFull { count: int(w.count, "count")?, max_mb: int(w.max_mb, "max_mb")? }
            }
            "no_evidence_in_cycle" => Reason::NoEvidenceInCycle,
            "file_too_large" => Reason::FileTooLarge { max_mb: int(w.max_mb, "max_mb")? },
            "rating_needs_agreed" => Reason::RatingNeedsAgreed,
            "lead_cannot_leave" => Reason::LeadCannotLeave,
            "update_not_trusted" => Reason::UpdateNotTrusted,
            "members_only" => Reason::MembersOnly,
            "attendance_not_yet" => Reason::AttendanceNotYet,
            "attendance_closed" => Reason::AttendanceClosed { days: int(w.days, "days")? },
            "not_saved" => Reason::NotSaved,
            "changes_per_day" => Reason::ChangesPerDay { max: int(w.max, "max")? },
            "address_not_valid" => Reason::AddressNotValid,
            "address_not_https" => Reason::AddressNotHttps,
            "server_redirects" => Reason::ServerRedirects,
            "answer_not_understood" => Reason::AnswerNotUnderstood,
            "file_changed" => Reason::FileChanged,
            "file_damaged" => Reason::FileDamaged,
            "device_full" => Reason::DeviceFull,
            _ => Reason::Unknown,
        })
    }
}

/// One reason of every rule (and of every field for the rules about a field), for tests here and in the
/// UI (every rule read back, every rule worded in both languages).
#[doc(hidden)]
pub fn examples() -> Vec<Reason> {
    use crate::net::Connection;
    let mut all = vec![
        Reason::ChangesWaiting { count: 2 },
        Reason::DoneMeansFull,
        Reason::NotStartedMeansZero,
        Reason::FullMeansDone,
        Reason::NoPointsInCycle,
        Reason::IndicatorNeeded,
        Reason::PointsNeeded,
        Reason::PointsShort { total: 1, needed: 2 },
        Reason::ResultsLocked { status: PlanStatus::Disetujui },
        Reason::ReflectionLocked,
        Reason::PlanMove { from: PlanStatus::Draf, to: PlanStatus::Disepakati },
        Reason::MoveBy { by: Actor::Principal },
        Reason::MoveBy { by: Actor::Owner },
        Reason::HistoryFull { max: 100 },
        Reason::ReturnNeedsNote,
        Reason::UnknownProgrammeItem,
        Reason::FacilitatorRecords,
        Reason::OtherStage,
        Reason::StageNotRunning,
        Reason::NotOnDevice,
        Reason::NoRoom { needed: 6_000_000, free: 40_000_000, kept: 52_428_800 },
        Reason::WaitsForWifi { connection: Connection::Metered },
        Reason::WaitsForWifi { connection: Connection::Unknown },
        Reason::GivenUp { attempts: 8 },
        Reason::GivenUpUnanswered { attempts: 8 },
        Reason::HeldBack,
        Reason::FailingAgain { attempts: 2, max: 8 },
        Reason::DraftInTheWay,
        Reason::DraftsFull { count: 500, max_mb: 16 },
        Reason::NoEvidenceInCycle,
        Reason::FileTooLarge { max_mb: 10 },
        Reason::RatingNeedsAgreed,
        Reason::LeadCannotLeave,
        Reason::UpdateNotTrusted,
        Reason::MembersOnly,
        Reason::AttendanceNotYet,
        Reason::AttendanceClosed { days: 14 },
        Reason::NotSaved,
        Reason::ChangesPerDay { max: 3_000 },
        Reason::AddressNotValid,
        Reason::AddressNotHttps,
        Reason::ServerRedirects,
        Reason::AnswerNotUnderstood,
        Reason::FileChanged,
        Reason::FileDamaged,
        Reason::DeviceFull,
        Reason::Unknown,
    ];
    for field in Field::ALL {
        all.extend([
            Reason::Required { field },
            Reason::TooLong { field, max: 5 },
            Reason::TooMany { field, max: 5 },
            Reason::TooFew { field, min: 1 },
            Reason::OutOfRange { field, min: -3, max: 9 },
            Reason::Format { field, format: "YYYY-MM-DD".into() },
            Reason::NotValid { field },
        ]);
    }
    all
}

/// A plan status as the ministry's e-Kinerja names it (Bahasa Indonesia).
pub fn status_id(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draf => "Draf",
        PlanStatus::PerluDisetujui => "Perlu disetujui",
        PlanStatus::Disetujui => "Disetujui",
        PlanStatus::Dikembalikan => "Dikembalikan",
        PlanStatus::Disepakati => "Disepakati",
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ChangesWaiting { count } => write!(
                f,
                "Masih ada {count} perubahan yang belum tersinkron. Jika keluar sekarang, perubahan itu hilang."
            ),
            Reason::Required { field } => write!(f, "{} wajib diisi.", field.id()),
            Reason::TooLong { field, max } => write!(f, "{} paling panjang {max} karakter.", field.id()),
            Reason::TooMany { field, max } => write!(f, "{}: paling banyak {max}.", field.id()),
            Reason::TooFew { field, min } => write!(f, "{}: perlu sedikitnya {min}.", field.id()),
            Reason::OutOfRange { field, min, max } => write!(f, "{} harus antara {min} dan {max}.", field.id()),
            Reason::Format { field, format } => write!(f, "{} harus berformat {format}.", field.id()),
            Reason::NotValid { field } => write!(f, "{} tidak valid.", field.id()),
            Reason::DoneMeansFull => f.write_str("Kegiatan selesai berarti kemajuannya 100."),
            Reason::NotStartedMeansZero => f.write_str("Kegiatan yang belum dimulai kemajuannya 0."),
            Reason::FullMeansDone => f.write_str("Kemajuan 100 berarti kegiatan selesai."),
            Reason::NoPointsInCycle => f.write_str("Siklus ini tidak memakai poin."),
            Reason::IndicatorNeeded => f.write_str("Setiap RHK perlu sedikitnya satu indikator kinerja."),
            Reason::PointsNeeded => f.write_str("Setiap RHK perlu poin pada siklus ini."),
            Reason::PointsShort { total, needed } => {
                write!(f, "Jumlah poin {total}; siklus ini memerlukan sedikitnya {needed}.")
            }
            Reason::ResultsLocked { status } => write!(
                f,
                "RHK hanya dapat diubah saat rencana berstatus Draf atau Dikembalikan (sekarang {}).",
                status_id(*status)
            ),
            Reason::ReflectionLocked => f.write_str("Refleksi tidak dapat diubah setelah predikat diberikan."),
            Reason::PlanMove { from, to } => write!(
                f,
                "Rencana berstatus {} tidak dapat diubah menjadi {}.",
                status_id(*from),
                status_id(*to)
            ),
            Reason::MoveBy { by: Actor::Principal } => f.write_str("Langkah ini dilakukan oleh kepala sekolah."),
            Reason::MoveBy { by: Actor::Owner } => f.write_str("Langkah ini dilakukan oleh guru pemilik rencana."),
            Reason::HistoryFull { max } => {
                write!(f, "Rencana ini sudah {max} kali berpindah status; hubungi operator sekolah.")
            }
            Reason::ReturnNeedsNote => f.write_str("Tuliskan catatan perbaikan saat mengembalikan rencana."),
            Reason::UnknownProgrammeItem => f.write_str("Butir program tidak dikenal."),
            Reason::FacilitatorRecords => {
                f.write_str("Kemajuan butir ini dicatat oleh fasilitator, bukan oleh peserta.")
            }
            Reason::OtherStage => f.write_str("Butir ini bukan bagian dari tahap yang sedang Anda jalani."),
            Reason::StageNotRunning => f.write_str("Tahap ini tidak sedang berlangsung."),
            Reason::NotOnDevice => f.write_str("Data ini belum ada di perangkat. Sinkronkan dahulu."),
            Reason::NoRoom { needed, free, kept } => write!(
                f,
                "Ruang penyimpanan tidak cukup: unduhan ini perlu {} MB, sisa ruang {} MB, dan {} MB harus tetap \
                 kosong. Hapus materi atau berkas lain, lalu coba lagi.",
                needed.div_ceil(1_000_000),
                free / 1_000_000,
                kept / 1_000_000
            ),
            Reason::WaitsForWifi { .. } => f.write_str(
                "Unduhan menunggu Wi-Fi: setelan Hanya unduh lewat Wi-Fi aktif dan koneksi sekarang berbayar \
                 atau tidak diketahui. Pilih Unduh nanti, atau matikan setelan itu di Pengaturan.",
            ),
            Reason::GivenUp { attempts } => write!(
                f,
                "Perubahan ini {attempts} kali gagal terkirim (server gagal memprosesnya), jadi perubahan ini \
                 dihentikan agar perubahan lain tetap terkirim. Isinya tetap tersimpan di sini."
            ),
            Reason::GivenUpUnanswered { attempts } => write!(
                f,
                "Perubahan ini sudah {attempts} kali dicoba, dan setidaknya sekali jawaban server tidak sampai \
                 (koneksi putus setelah perubahan terkirim), jadi perubahan ini dihentikan agar perubahan lain \
                 tetap terkirim. Mungkin server sudah menerimanya: periksa halamannya sebelum mengulanginya. \
                 Isinya tetap tersimpan di sini."
            ),
            Reason::FailingAgain { attempts, max } => write!(
                f,
                "Sebuah perubahan gagal terkirim ({attempts} dari {max} kali: server gagal memprosesnya atau \
                 koneksi putus sebelum jawabannya tiba); perubahan itu dikirim lagi nanti."
            ),
            Reason::DraftInTheWay => f.write_str(
                "Ada draf lain di tempat teks ini akan dibuka. Simpan draf itu dulu, lalu buka lagi.",
            ),
            Reason::DraftsFull { count, max_mb } => write!(
                f,
                "Teks ini tidak disimpan sebagai draf: perangkat sudah menyimpan draf sebanyak batasnya ({count} \
                 draf atau {max_mb} MB). Kirim atau hapus draf lain dulu."
            ),
            Reason::NoEvidenceInCycle => f.write_str("Siklus ini tidak memakai unggahan bukti dukung."),
            Reason::FileTooLarge { max_mb } => write!(f, "Berkas paling besar {max_mb} MB."),
            Reason::RatingNeedsAgreed => f.write_str("Predikat diberikan setelah rencana disepakati."),
            Reason::NotSaved => f.write_str("Berkas tidak dapat disimpan di tempat itu. Pilih tempat lain."),
            Reason::AddressNotValid => {
                f.write_str("Alamat server tidak valid. Tulis lengkap, diawali https://, seperti yang diberikan admin.")
            }
            Reason::AddressNotHttps => f.write_str(
                "Alamat server harus diawali https:// agar kata sandi tidak terkirim tanpa pengaman.",
            ),
            Reason::ServerRedirects => f.write_str(
                "Server di alamat itu meneruskan ke alamat lain. Periksa alamat server, atau masuk dulu ke jaringan Wi-Fi ini.",
            ),
            Reason::AnswerNotUnderstood => f.write_str(
                "Jawaban dari alamat itu bukan jawaban server Penggerak. Periksa alamat server, atau masuk dulu ke jaringan Wi-Fi ini.",
            ),
            Reason::FileChanged => f.write_str(
                "Berkas materi ini baru saja diperbarui di server. Tunggu sinkronisasi selesai, lalu unduh lagi.",
            ),
            Reason::FileDamaged => f.write_str(
                "Berkas materi ini rusak saat diunduh dan sudah dibuang. Unduh lagi untuk mengambilnya ulang.",
            ),
            Reason::DeviceFull => f.write_str(
                "Ruang penyimpanan perangkat penuh. Kosongkan sebagian ruang, lalu unduh lagi; yang sudah \
                 terunduh tidak hilang.",
            ),
            Reason::LeadCannotLeave => f.write_str("Penggerak komunitas tidak dapat keluar dari komunitasnya sendiri."),
            Reason::UpdateNotTrusted => f.write_str(
                "Pembaruan tidak dipasang: tanda tangannya bukan dari penerbit aplikasi ini. Laporkan ke admin Penggerak.",
            ),
            Reason::MembersOnly => f.write_str("Hanya anggota komunitas yang dapat menandai kehadiran di kegiatannya."),
            Reason::AttendanceNotYet => f.write_str("Kehadiran dapat ditandai sejak kegiatan dimulai."),
            Reason::AttendanceClosed { days } => {
                write!(f, "Kehadiran hanya dapat ditandai sampai {days} hari setelah kegiatan dimulai.")
            }
            // Without the number: grouped as Indonesian writes it (3.000) it would need code here, and an
            // older app shows this sentence as the change's wait note, where "sent again tomorrow" is what
            // happens.
            Reason::ChangesPerDay { .. } => {
                f.write_str("Batas perubahan hari ini sudah tercapai. Perubahan ini dikirim lagi besok.")
            }
            Reason::Unknown => f.write_str("Permintaan ini ditolak."),
            Reason::HeldBack => f.write_str(
                "Tidak dikirim: perubahan sebelumnya pada data yang sama ditolak server. Isinya tetap tersimpan di sini.",
            ),
        }
    }
}

/// The Indonesian sentence, where a message string is wanted.
impl From<Reason> for String {
    fn from(r: Reason) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_travels_as_its_rule_and_values() {
        let r = Reason::PlanMove { from: PlanStatus::PerluDisetujui, to: PlanStatus::Disepakati };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"rule": "plan_move", "from": "perlu_disetujui", "to": "disepakati"})
        );
        assert_eq!(serde_json::from_value::<Reason>(json).unwrap(), r);
        let r = Reason::TooLong { field: Field::Title, max: 200 };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"rule": "too_long", "field": "title", "max": 200})
        );
    }

    #[test]
    fn a_rule_or_field_from_a_newer_server_still_reads() {
        let r: Reason = serde_json::from_value(serde_json::json!({"rule": "brand_new", "x": 1})).unwrap();
        assert_eq!(r, Reason::Unknown, "an unknown rule is not a decoding failure of the whole error");
        let r: Reason =
            serde_json::from_value(serde_json::json!({"rule": "required", "field": "brand_new"})).unwrap();
        assert_eq!(r, Reason::Required { field: Field::Unknown });
        let e: crate::ApiError = serde_json::from_value(
            serde_json::json!({"code": "validation", "message": "Aturan baru.", "reason": {"rule": "brand_new"}}),
        )
        .unwrap();
        assert_eq!((e.message.as_str(), e.reason), ("Aturan baru.", Some(Reason::Unknown)));
    }

    #[test]
    fn the_indonesian_sentence_uses_the_ministrys_labels_not_rust_names() {
        let r = Reason::PlanMove { from: PlanStatus::PerluDisetujui, to: PlanStatus::Disepakati };
        assert_eq!(r.to_string(), "Rencana berstatus Perlu disetujui tidak dapat diubah menjadi Disepakati.");
        assert_eq!(
            Reason::ChangesWaiting { count: 2 }.to_string(),
            "Masih ada 2 perubahan yang belum tersinkron. Jika keluar sekarang, perubahan itu hilang."
        );
    }

    #[test]
    fn every_reason_reads_back_as_it_was_written() {
        // Adding a rule makes this match fail to compile until it has a place; `examples` must then have it.
        let place = |r: &Reason| match r {
            Reason::ChangesWaiting { .. } => 0,
            Reason::Required { .. } => 1,
            Reason::TooLong { .. } => 2,
            Reason::TooMany { .. } => 3,
            Reason::TooFew { .. } => 4,
            Reason::OutOfRange { .. } => 5,
            Reason::Format { .. } => 6,
            Reason::NotValid { .. } => 7,
            Reason::DoneMeansFull => 8,
            Reason::NotStartedMeansZero => 9,
            Reason::FullMeansDone => 10,
            Reason::NoPointsInCycle => 11,
            Reason::IndicatorNeeded => 12,
            Reason::PointsNeeded => 13,
            Reason::PointsShort { .. } => 14,
            Reason::ResultsLocked { .. } => 15,
            Reason::ReflectionLocked => 16,
            Reason::PlanMove { .. } => 17,
            Reason::MoveBy { .. } => 18,
            Reason::HistoryFull { .. } => 19,
            Reason::ReturnNeedsNote => 20,
            Reason::UnknownProgrammeItem => 21,
            Reason::FacilitatorRecords => 22,
            Reason::OtherStage => 23,
            Reason::StageNotRunning => 24,
            Reason::NotOnDevice => 25,
            Reason::NoRoom { .. } => 26,
            Reason::WaitsForWifi { .. } => 27,
            Reason::GivenUp { .. } => 28,
            Reason::HeldBack => 29,
            Reason::FailingAgain { .. } => 30,
            Reason::DraftInTheWay => 31,
            Reason::NoEvidenceInCycle => 32,
            Reason::FileTooLarge { .. } => 33,
            Reason::RatingNeedsAgreed => 34,
            Reason::LeadCannotLeave => 35,
            Reason::UpdateNotTrusted => 36,
            Reason::MembersOnly => 37,
            Reason::AttendanceNotYet => 38,
            Reason::AttendanceClosed { .. } => 39,
            Reason::NotSaved => 40,
            Reason::Unknown => 41,
            Reason::ChangesPerDay { .. } => 42,
            Reason::AddressNotValid => 43,
            Reason::AddressNotHttps => 44,
            Reason::ServerRedirects => 45,
            Reason::AnswerNotUnderstood => 46,
            Reason::FileChanged => 47,
            Reason::FileDamaged => 48,
            Reason::DeviceFull => 49,
            Reason::DraftsFull { .. } => 50,
            Reason::GivenUpUnanswered { .. } => 51,
        };
        let all = examples();
        let mut seen: Vec<usize> = all.iter().map(place).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (0..=51).collect::<Vec<_>>(), "examples() has every rule");
        for r in all {
            let json = serde_json::to_string(&r).unwrap();
            let back: Reason = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(back, r, "{json} reads back as it was written");
        }
    }

    #[test]
    fn a_rules_values_are_checked_and_values_it_does_not_use_are_not() {
        let read = |v: serde_json::Value| serde_json::from_value::<Reason>(v);
        assert!(read(serde_json::json!({"rule": "too_long", "field": "title"})).is_err(), "max is missing");
        assert!(
            read(serde_json::json!({"rule": "too_long", "field": "title", "max": "200"})).is_err(),
            "a text"
        );
        assert!(
            read(serde_json::json!({"rule": "too_long", "field": "title", "max": -1})).is_err(),
            "below u32"
        );
        assert!(
            read(serde_json::json!({"rule": "history_full", "max": 4_294_967_296u64})).is_err(),
            "above u32"
        );
        assert!(
            read(serde_json::json!({"rule": "plan_move", "from": "draf", "to": "bukan"})).is_err(),
            "no status"
        );
        assert!(read(serde_json::json!({"field": "title"})).is_err(), "no rule");
        assert_eq!(
            read(serde_json::json!({"rule": "out_of_range", "field": "jp", "min": -5, "max": 40})).unwrap(),
            Reason::OutOfRange { field: Field::Jp, min: -5, max: 40 },
            "a negative bound"
        );
        assert_eq!(
            read(serde_json::json!({"rule": "no_room", "needed": 6_000_000_000u64, "free": 1, "kept": 2}))
                .unwrap(),
            Reason::NoRoom { needed: 6_000_000_000, free: 1, kept: 2 },
            "bytes beyond 32 bits"
        );
        // What a rule does not use is ignored whatever it is (a newer server's values), as the derived
        // decoder ignored it; an unknown rule with values of any kind is Unknown.
        let extra = serde_json::json!({
            "rule": "required", "field": "note", "status": 7, "max": "many", "by": {"x": [1, 2]}, "days": null
        });
        assert_eq!(read(extra).unwrap(), Reason::Required { field: Field::Note });
        let newer = serde_json::json!({"rule": "brand_new", "status": "ditinjau", "count": 1.5, "x": [true]});
        assert_eq!(read(newer).unwrap(), Reason::Unknown);
    }

    #[test]
    fn every_field_is_listed_once() {
        // Adding a field makes this match fail to compile until it has a place; `ALL` must then list it.
        let place = |f: Field| match f {
            Field::Title => 0,
            Field::Id => 1,
            Field::CommunityEvent => 2,
            Field::Jp => 3,
            Field::Progress => 4,
            Field::Reflection => 5,
            Field::TargetDate => 6,
            Field::Results => 7,
            Field::ResultText => 8,
            Field::Indicators => 9,
            Field::Points => 10,
            Field::Note => 11,
            Field::ObservationClass => 12,
            Field::ObservationFocus => 13,
            Field::ObservationText => 14,
            Field::ObservationSchedule => 15,
            Field::ProgrammeSteps => 16,
            Field::PkbItems => 17,
            Field::JpTarget => 18,
            Field::Observations => 19,
            Field::Evidence => 20,
            Field::FileName => 21,
            Field::Feedback => 22,
            Field::PeerAddress => 23,
            Field::Unknown => 24,
        };
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(place(*f), i, "{f:?} is in its place in Field::ALL");
        }
    }
}
