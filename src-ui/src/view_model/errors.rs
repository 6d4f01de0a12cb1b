//! What an error says to a person: the sentence for an [`ApiError`] (a known code's own words, a refusal
//! worded from its typed [`Reason`], else the message the engine or server wrote), the sentence for an
//! error a page's `ErrorBoundary` caught, and the classing of the Tauri runtime's own rejections.

use super::labels::plan_status_label;
use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::Connection;
use penggerak_types::kinerja::Actor;
use penggerak_types::{ApiError, ErrorCode, Field, Reason};

/// The sentence to show for an error. Known codes get a fixed, friendly sentence in the chosen language;
/// others show the message the engine or server wrote (in Bahasa Indonesia: it is the server's data).
pub fn error_text(l: Locale, e: &ApiError) -> String {
    // A rule this version does not know: the server's sentence says it.
    if let Some(r) = e.reason.as_ref().filter(|r| **r != Reason::Unknown) {
        return reason_text(l, r);
    }
    match e.code {
        ErrorCode::Offline => td_string!(l, err_offline).to_string(),
        ErrorCode::InvalidCredentials => td_string!(l, err_invalid_credentials).to_string(),
        ErrorCode::SessionExpired => td_string!(l, err_session_expired).to_string(),
        ErrorCode::RateLimited => td_string!(l, err_rate_limited).to_string(),
        ErrorCode::PayloadTooLarge => td_string!(l, err_payload_too_large).to_string(),
        ErrorCode::ServerBusy => td_string!(l, err_server_busy).to_string(),
        ErrorCode::RequestTimeout => td_string!(l, err_request_timeout).to_string(),
        // The TLS library's words (in `message`'s place in the engine's log) mean nothing to a teacher.
        ErrorCode::UntrustedServer => td_string!(l, err_untrusted_server).to_string(),
        // The device's own words (the OS keyring's, the database driver's) go to the log, not the screen.
        ErrorCode::Keyring => {
            leptos::logging::warn!("keyring: {}", e.message);
            td_string!(l, err_keyring).to_string()
        }
        ErrorCode::Storage => {
            leptos::logging::warn!("storage: {}", e.message);
            td_string!(l, err_storage).to_string()
        }
        ErrorCode::Forbidden if e.message.is_empty() => td_string!(l, err_not_allowed).to_string(),
        _ if e.message.is_empty() => td_string!(l, err_generic).to_string(),
        _ => e.message.clone(),
    }
}

/// A rule's refusal in the user's language, from its typed values.
pub fn reason_text(l: Locale, r: &Reason) -> String {
    let f = |field: Field| reason_field(l, field);
    match r {
        Reason::ChangesWaiting { count } => crate::counted!(
            l,
            *count,
            err_changes_waiting_singular,
            err_changes_waiting_plural,
            count = *count
        ),
        Reason::Required { field } => td_string!(l, reason_required, field = f(*field)).to_string(),
        Reason::TooLong { field, max } => {
            td_string!(l, reason_too_long, field = f(*field), max = *max).to_string()
        }
        Reason::TooMany { field, max } => {
            td_string!(l, reason_too_many, field = f(*field), max = *max).to_string()
        }
        Reason::TooFew { field, min } => {
            td_string!(l, reason_too_few, field = f(*field), min = *min).to_string()
        }
        Reason::OutOfRange { field, min, max } => {
            td_string!(l, reason_out_of_range, field = f(*field), min = *min, max = *max).to_string()
        }
        Reason::Format { field, format } => {
            td_string!(l, reason_format, field = f(*field), format = format_label(l, format)).to_string()
        }
        Reason::NotValid { field } => td_string!(l, reason_not_valid, field = f(*field)).to_string(),
        Reason::DoneMeansFull => td_string!(l, reason_done_means_full).to_string(),
        Reason::NotStartedMeansZero => td_string!(l, reason_not_started_means_zero).to_string(),
        Reason::FullMeansDone => td_string!(l, reason_full_means_done).to_string(),
        Reason::NoPointsInCycle => td_string!(l, reason_no_points).to_string(),
        Reason::IndicatorNeeded => td_string!(l, reason_indicator_needed).to_string(),
        Reason::PointsNeeded => td_string!(l, reason_points_needed).to_string(),
        Reason::PointsShort { total, needed } => {
            td_string!(l, reason_points_short, total = *total, needed = *needed).to_string()
        }
        Reason::ResultsLocked { status } => {
            td_string!(l, reason_results_locked, status = plan_status_label(l, *status)).to_string()
        }
        Reason::ReflectionLocked => td_string!(l, reason_reflection_locked).to_string(),
        Reason::PlanMove { from, to } => td_string!(
            l,
            reason_plan_move,
            from = plan_status_label(l, *from),
            to = plan_status_label(l, *to)
        )
        .to_string(),
        Reason::MoveBy { by: Actor::Principal } => td_string!(l, reason_move_by_principal).to_string(),
        Reason::MoveBy { by: Actor::Owner } => td_string!(l, reason_move_by_owner).to_string(),
        Reason::HistoryFull { max } => td_string!(l, reason_history_full, max = *max).to_string(),
        Reason::ReturnNeedsNote => td_string!(l, reason_return_needs_note).to_string(),
        Reason::UnknownProgrammeItem => td_string!(l, reason_unknown_programme_item).to_string(),
        Reason::FacilitatorRecords => td_string!(l, reason_facilitator_records).to_string(),
        Reason::OtherStage => td_string!(l, reason_other_stage).to_string(),
        Reason::StageNotRunning => td_string!(l, reason_stage_not_running).to_string(),
        Reason::NotOnDevice => td_string!(l, reason_not_on_device).to_string(),
        Reason::WaitsForWifi { connection: Connection::Unknown } => {
            td_string!(l, reason_waits_for_wifi_unknown).to_string()
        }
        Reason::WaitsForWifi { .. } => td_string!(l, reason_waits_for_wifi_metered).to_string(),
        Reason::NoRoom { needed, free, kept } => td_string!(
            l,
            reason_no_room,
            needed = super::sizes::bytes_label(l, *needed),
            free = super::sizes::bytes_label(l, *free),
            kept = super::sizes::bytes_label(l, *kept)
        )
        .to_string(),
        Reason::GivenUp { attempts } => td_string!(l, reason_given_up, attempts = *attempts).to_string(),
        Reason::GivenUpUnanswered { attempts } => {
            td_string!(l, reason_given_up_unanswered, attempts = *attempts).to_string()
        }
        Reason::HeldBack => td_string!(l, reason_held_back).to_string(),
        Reason::DraftInTheWay => td_string!(l, reason_draft_in_the_way).to_string(),
        Reason::DraftsFull { count, max_mb } => {
            td_string!(l, reason_drafts_full, count = *count, max_mb = *max_mb).to_string()
        }
        Reason::NoEvidenceInCycle => td_string!(l, reason_no_evidence).to_string(),
        Reason::FileTooLarge { max_mb } => td_string!(l, reason_file_too_large, max = *max_mb).to_string(),
        Reason::RatingNeedsAgreed => td_string!(l, reason_rating_needs_agreed).to_string(),
        Reason::LeadCannotLeave => td_string!(l, reason_lead_cannot_leave).to_string(),
        Reason::UpdateNotTrusted => td_string!(l, reason_update_not_trusted).to_string(),
        Reason::MembersOnly => td_string!(l, reason_members_only).to_string(),
        Reason::AttendanceNotYet => td_string!(l, reason_attendance_not_yet).to_string(),
        Reason::AttendanceClosed { days } => {
            td_string!(l, reason_attendance_closed, days = *days).to_string()
        }
        Reason::NotSaved => td_string!(l, reason_not_saved).to_string(),
        Reason::AddressNotValid => td_string!(l, reason_address_not_valid).to_string(),
        Reason::AddressNotHttps => td_string!(l, reason_address_not_https).to_string(),
        Reason::ServerRedirects => td_string!(l, reason_server_redirects).to_string(),
        Reason::AnswerNotUnderstood => td_string!(l, reason_answer_not_understood).to_string(),
        Reason::FileChanged => td_string!(l, reason_file_changed).to_string(),
        Reason::FileDamaged => td_string!(l, reason_file_damaged).to_string(),
        Reason::DeviceFull => td_string!(l, reason_device_full).to_string(),
        // The number is the server's to change; the sentence says what it means for her.
        Reason::ChangesPerDay { .. } => td_string!(l, reason_changes_per_day).to_string(),
        Reason::Unknown => td_string!(l, err_generic).to_string(),
        Reason::FailingAgain { attempts, max } => {
            td_string!(l, reason_failing_again, attempts = *attempts, max = *max).to_string()
        }
    }
}

/// A date or time format as people in the user's language write it ("TTTT-BB-HH" in Bahasa Indonesia);
/// one this app does not know, as the rule gave it.
fn format_label(l: Locale, format: &str) -> String {
    match format {
        "YYYY-MM-DD" => td_string!(l, format_date).to_string(),
        "YYYY-MM-DDTHH:MM" => td_string!(l, format_date_time).to_string(),
        other => other.to_owned(),
    }
}

/// A field a rule is about, as people call it.
fn reason_field(l: Locale, field: Field) -> &'static str {
    match field {
        Field::Title => td_string!(l, rfield_title),
        Field::Id => td_string!(l, rfield_id),
        Field::CommunityEvent => td_string!(l, rfield_community_event),
        Field::Jp => td_string!(l, rfield_jp),
        Field::Progress => td_string!(l, rfield_progress),
        Field::Reflection => td_string!(l, rfield_reflection),
        Field::TargetDate => td_string!(l, rfield_target_date),
        Field::Results => td_string!(l, rfield_results),
        Field::ResultText => td_string!(l, rfield_result_text),
        Field::Indicators => td_string!(l, rfield_indicators),
        Field::Points => td_string!(l, rfield_points),
        Field::Note => td_string!(l, rfield_note),
        Field::ObservationClass => td_string!(l, rfield_observation_class),
        Field::ObservationFocus => td_string!(l, rfield_observation_focus),
        Field::ObservationText => td_string!(l, rfield_observation_text),
        Field::ObservationSchedule => td_string!(l, rfield_observation_schedule),
        Field::ProgrammeSteps => td_string!(l, rfield_programme_steps),
        Field::PkbItems => td_string!(l, rfield_pkb_items),
        Field::JpTarget => td_string!(l, rfield_jp_target),
        Field::Observations => td_string!(l, rfield_observations),
        Field::Evidence => td_string!(l, rfield_evidence),
        Field::FileName => td_string!(l, rfield_file_name),
        Field::Feedback => td_string!(l, rfield_feedback),
        Field::PeerAddress => td_string!(l, rfield_peer_address),
        Field::Unknown => td_string!(l, rfield_unknown),
    }
}

/// The sentence for an error a page's `ErrorBoundary` caught: an [`ApiError`] as [`error_text`] says it,
/// anything else as it reads.
pub fn caught_error_text(l: Locale, e: &leptos::error::Error) -> String {
    // Leptos's error derefs to an `Arc<dyn Error>`, which is itself an `Error`: downcasting that finds
    // the `Arc`, never the `ApiError` inside, so take the error the `Arc` holds.
    let inner: &(dyn std::error::Error + Send + Sync + 'static) = &***e;
    match inner.downcast_ref::<ApiError>() {
        Some(api) => error_text(l, api),
        None => e.to_string(),
    }
}

/// A page's error as its error view says it: as [`caught_error_text`], but no connection is said as what it
/// means for a page (nothing kept on the device to show), not for a change (kept and sent later).
pub fn page_error_text(l: Locale, e: &leptos::error::Error) -> String {
    let inner: &(dyn std::error::Error + Send + Sync + 'static) = &***e;
    match inner.downcast_ref::<ApiError>() {
        Some(api) if api.code == ErrorCode::Offline => td_string!(l, err_offline_page).to_string(),
        _ => caught_error_text(l, e),
    }
}

/// Classifies a plain-string rejection from the Tauri runtime (not from our commands).
pub fn shell_rejection(l: Locale, raw: &str) -> ApiError {
    if raw.contains("__TAURI__") || raw.contains("undefined is not an object") || raw.contains("is undefined")
    {
        ApiError::new(ErrorCode::Internal, td_string!(l, err_not_in_app))
    } else {
        // The runtime's own English goes to the log (for whoever reads a report), not into the sentence.
        leptos::logging::warn!("the shell refused: {raw}");
        if raw.contains("not allowed") {
            ApiError::new(ErrorCode::Forbidden, td_string!(l, err_not_allowed))
        } else {
            ApiError::new(ErrorCode::Internal, td_string!(l, err_generic))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::kinerja::PlanStatus;

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    #[test]
    fn an_untrusted_server_is_worded_by_the_app_in_both_languages() {
        let e = ApiError::new(ErrorCode::UntrustedServer, "invalid peer certificate: UnknownIssuer");
        let id = error_text(ID, &e);
        let en = error_text(EN, &e);
        assert!(id.starts_with("Sertifikat keamanan server tidak dipercaya."), "Indonesian first: {id}");
        assert!(en.starts_with("The server's security certificate is not trusted."), "English: {en}");
        for text in [&id, &en] {
            assert!(!text.contains("UnknownIssuer"), "never the TLS library's words: {text}");
        }
    }

    #[test]
    fn errors_read_as_sentences_not_codes() {
        let e = ApiError::new(ErrorCode::InvalidCredentials, "server text");
        assert_eq!(error_text(ID, &e), "NUPTK/NIP/email atau kata sandi salah.", "the UI's own sentence");
        assert_eq!(error_text(EN, &e), "Wrong NUPTK/NIP/email or password.", "in the chosen language");
        let e = ApiError::new(ErrorCode::Validation, "Pesan mesin");
        assert_eq!(error_text(EN, &e), "Pesan mesin", "other codes show the engine's message");
        let e = ApiError::new(ErrorCode::Internal, "");
        assert_eq!(
            error_text(ID, &e),
            "Terjadi kesalahan. Coba lagi sebentar lagi.",
            "never an empty error box"
        );
        // The sign-out warning's count is a field of its reason, not a number read out of a sentence.
        let e = ApiError::refused(ErrorCode::ChangesWaiting, Reason::ChangesWaiting { count: 1 });
        assert!(error_text(EN, &e).starts_with("1 change or draft has"), "{}", error_text(EN, &e));
        let e = ApiError::refused(ErrorCode::ChangesWaiting, Reason::ChangesWaiting { count: 3 });
        assert!(error_text(EN, &e).starts_with("3 changes or drafts have"), "the count, and English plural");
        assert!(error_text(ID, &e).starts_with("3 perubahan atau draf"), "{}", error_text(ID, &e));
    }

    /// Every refusal is worded in the user's language from its rule and values: no Rust names, and the
    /// same rule reads in English in the English UI.
    #[test]
    fn refusals_are_worded_from_their_reason_in_either_language() {
        let e = ApiError::refused(
            ErrorCode::Conflict,
            Reason::PlanMove { from: PlanStatus::PerluDisetujui, to: PlanStatus::Disepakati },
        );
        assert_eq!(
            error_text(ID, &e),
            "Rencana berstatus “Perlu disetujui” tidak dapat diubah menjadi “Disepakati”."
        );
        assert_eq!(error_text(EN, &e), "A plan that is “Needs approval” cannot become “Agreed”.");
        let e = ApiError::refused(ErrorCode::Validation, Reason::TooLong { field: Field::Title, max: 200 });
        assert_eq!(error_text(ID, &e), "Judul paling panjang 200 karakter.");
        assert_eq!(error_text(EN, &e), "Title: at most 200 characters.");
        // A rule from a newer server: its own sentence, not a blank.
        let mut e = ApiError::new(ErrorCode::Validation, "Aturan baru dari server.");
        e.reason = Some(Reason::Unknown);
        assert_eq!(error_text(EN, &e), "Aturan baru dari server.");
        let date = Reason::Format { field: Field::TargetDate, format: "YYYY-MM-DD".into() };
        let e = ApiError::refused(ErrorCode::Validation, date);
        assert_eq!(
            error_text(ID, &e),
            "Target selesai harus berformat TTTT-BB-HH.",
            "the format as written here"
        );
        assert_eq!(error_text(EN, &e), "Target date must be written as YYYY-MM-DD.");
        // The server's pace and deadline, in the user's language (not the server's Indonesian message).
        let e = ApiError::new(ErrorCode::ServerBusy, "Server sedang sibuk. Coba lagi sebentar lagi.");
        assert_eq!(error_text(EN, &e), "The server is busy. The app will try again shortly.");
        let e = ApiError::new(ErrorCode::RequestTimeout, "x");
        assert_eq!(
            error_text(EN, &e),
            "The connection was too slow for the server to wait. The app will try again."
        );
        let e = ApiError::refused(ErrorCode::Validation, Reason::PointsShort { total: 60, needed: 100 });
        assert_eq!(error_text(EN, &e), "The points add up to 60; this cycle needs at least 100.");
        // The day's changes spent: said as that limit, not as "too many attempts" (a 429's code alone,
        // which a sign-in limit shares).
        let e = ApiError::refused(ErrorCode::RateLimited, Reason::ChangesPerDay { max: 3_000 });
        assert_eq!(
            error_text(ID, &e),
            "Batas perubahan hari ini sudah tercapai. Perubahan Anda tetap tersimpan di perangkat ini dan \
             dikirim lagi besok."
        );
        assert!(
            error_text(EN, &e).starts_with("Today's limit of changes is reached."),
            "{}",
            error_text(EN, &e)
        );
        // The device's own English stays out of the sentence.
        let e = ApiError::new(
            ErrorCode::Storage,
            "Penyimpanan lokal aplikasi gagal: error returned from database: x",
        );
        assert_eq!(
            error_text(ID, &e),
            "Data di perangkat tidak dapat dibaca atau disimpan saat ini. Coba beberapa saat lagi; jika tetap \
             gagal, tutup lalu buka kembali aplikasi."
        );
        let e = ApiError::new(ErrorCode::Keyring, "Platform secure storage failure: DBus error");
        assert!(!error_text(EN, &e).contains("DBus"), "{}", error_text(EN, &e));
        // Every rule has its words in both languages (a missing key would not compile; an empty one would).
        for r in penggerak_types::reason::examples() {
            for l in [ID, EN] {
                let text = reason_text(l, &r);
                assert!(text.len() > 10 && !text.contains("{{") && !text.contains("Perlu_"), "{r:?}: {text}");
            }
        }
    }

    #[test]
    fn acl_refusals_and_missing_bridge_are_classified() {
        let e = shell_rejection(ID, "sign_in not allowed. Command not found");
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(
            e.message, "Tindakan ini tidak dapat dilakukan di aplikasi.",
            "the sentence alone: the runtime's English is logged, not shown"
        );
        let e = shell_rejection(ID, "invalid args `id` for command `material`: missing field");
        assert_eq!(e.code, ErrorCode::Internal);
        assert_eq!(e.message, "Terjadi kesalahan. Coba lagi sebentar lagi.", "no Rust or Tauri words shown");
        let e = shell_rejection(EN, "TypeError: window.__TAURI__ is undefined");
        assert_eq!(e.message, "This page must be opened inside the Penggerak app.");
    }

    #[test]
    fn an_error_caught_by_a_boundary_keeps_its_code_and_is_worded_in_the_language() {
        // What a page renders as `Err(ApiError)` reaches its ErrorBoundary wrapped in Leptos's own error type.
        let caught = leptos::error::Error::from(ApiError::new(ErrorCode::Offline, "raw"));
        assert_eq!(caught_error_text(ID, &caught), error_text(ID, &ApiError::new(ErrorCode::Offline, "")));
        assert_ne!(
            caught_error_text(EN, &caught),
            caught_error_text(ID, &caught),
            "the sentence follows the language, so the code survived the wrapping"
        );
        let other = leptos::error::Error::from(std::io::Error::other("disk full"));
        assert_eq!(caught_error_text(ID, &other), "disk full", "anything else reads as it is");
        // A page's error view: no connection means nothing kept to show, not a change kept for later.
        let page = page_error_text(ID, &caught);
        assert!(page.starts_with("Tidak ada koneksi internet, dan isi halaman ini"), "{page}");
        assert!(!page.contains("Perubahan Anda"), "a page that shows something changes nothing: {page}");
        assert!(page_error_text(EN, &caught).starts_with("No internet connection, and this page"));
        let storage = leptos::error::Error::from(ApiError::new(ErrorCode::Storage, "x"));
        assert_eq!(page_error_text(ID, &storage), caught_error_text(ID, &storage), "the rest as anywhere");
    }
}
