//! View logic as plain functions: what to show for an error, a role, a profile. Tested natively.

use crate::text;
use penggerak_types::api::{Profile, Role};
use penggerak_types::{ApiError, ErrorCode};

/// The sentence to show for an error. Known codes get a fixed, friendly sentence; others show the
/// message the engine or server wrote (already Bahasa Indonesia).
pub fn error_text(e: &ApiError) -> String {
    match e.code {
        ErrorCode::Offline => text::ERR_OFFLINE.into(),
        ErrorCode::InvalidCredentials => text::ERR_INVALID_CREDENTIALS.into(),
        ErrorCode::SessionExpired => text::ERR_SESSION_EXPIRED.into(),
        ErrorCode::RateLimited => text::ERR_RATE_LIMITED.into(),
        ErrorCode::Keyring => format!("{} ({})", text::ERR_KEYRING, e.message),
        ErrorCode::Forbidden if e.message.is_empty() => text::ERR_NOT_ALLOWED.into(),
        _ if e.message.is_empty() => text::ERR_GENERIC.into(),
        _ => e.message.clone(),
    }
}

/// Classifies a plain-string rejection from the Tauri runtime (not from our commands).
pub fn shell_rejection(raw: &str) -> ApiError {
    if raw.contains("__TAURI__") || raw.contains("undefined is not an object") || raw.contains("is undefined")
    {
        ApiError::new(ErrorCode::Internal, text::ERR_NOT_IN_APP)
    } else if raw.contains("not allowed") {
        ApiError::new(ErrorCode::Forbidden, format!("{} ({raw})", text::ERR_NOT_ALLOWED))
    } else {
        ApiError::new(ErrorCode::Internal, format!("{}: {raw}", text::ERR_GENERIC))
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Guru => text::ROLE_GURU,
        Role::KepalaSekolah => text::ROLE_KEPALA_SEKOLAH,
        Role::Pengawas => text::ROLE_PENGAWAS,
        Role::Admin => text::ROLE_ADMIN,
    }
}

/// The identity line under the name: "Guru · NUPTK 3471…" (NIP preferred for civil servants).
pub fn identity_line(p: &Profile) -> String {
    let id = match (&p.nip, &p.nuptk) {
        (Some(nip), _) => format!(" · {} {nip}", text::NIP),
        (None, Some(nuptk)) => format!(" · {} {nuptk}", text::NUPTK),
        (None, None) => String::new(),
    };
    format!("{}{id}", role_label(p.role))
}

/// "SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta", or a notice that no school is linked.
pub fn school_line(p: &Profile) -> String {
    match &p.school {
        Some(s) => format!("{} — {}, {}", s.name, s.regency, s.province),
        None => text::NO_SCHOOL.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::api::School;

    fn profile() -> Profile {
        Profile {
            id: "u".into(),
            full_name: "Agus".into(),
            role: Role::Guru,
            nuptk: Some("3471".into()),
            nip: None,
            email: "a@x".into(),
            school: None,
            employment: Default::default(),
            subjects: vec![],
            problems: vec![],
        }
    }

    #[test]
    fn errors_read_as_sentences_not_codes() {
        let e = ApiError::new(ErrorCode::InvalidCredentials, "server text");
        assert_eq!(error_text(&e), text::ERR_INVALID_CREDENTIALS, "known codes get the UI's own sentence");
        let e = ApiError::new(ErrorCode::Validation, "Alamat server tidak valid: x");
        assert_eq!(error_text(&e), "Alamat server tidak valid: x", "other codes show the engine's message");
        let e = ApiError::new(ErrorCode::Internal, "");
        assert_eq!(error_text(&e), text::ERR_GENERIC, "never an empty error box");
    }

    #[test]
    fn acl_refusals_and_missing_bridge_are_classified() {
        let e = shell_rejection("sign_in not allowed. Command not found");
        assert_eq!(e.code, ErrorCode::Forbidden);
        let e = shell_rejection("TypeError: window.__TAURI__ is undefined");
        assert_eq!(e.message, text::ERR_NOT_IN_APP);
    }

    #[test]
    fn identity_prefers_nip_and_school_has_a_fallback() {
        let mut p = profile();
        assert_eq!(identity_line(&p), "Guru · NUPTK 3471");
        p.nip = Some("1987".into());
        p.role = Role::KepalaSekolah;
        assert_eq!(identity_line(&p), "Kepala sekolah · NIP 1987");
        assert_eq!(school_line(&p), text::NO_SCHOOL);
        p.school = Some(School {
            npsn: "1".into(),
            name: "SD Negeri 1 Depok".into(),
            jenjang: "SD".into(),
            province: "DI Yogyakarta".into(),
            regency: "Kabupaten Sleman".into(),
            principal_id: None,
        });
        assert_eq!(school_line(&p), "SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta");
    }
}
