//! People and schools: profiles (`person` records), schools (`school` records), and the data problems
//! found in them — each with the role that must fix it, so the app can say so instead of failing later.

use crate::auth::parse_role;
use crate::error::{Result, ServerError};
use crate::records::{self, Audience};
use penggerak_types::api::{DataProblem, Fixer, Profile, Role, School};
use penggerak_types::{ErrorCode, RecordKind};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: String,
    full_name: String,
    role: String,
    nuptk: Option<String>,
    nip: Option<String>,
    email: String,
    employment: String,
    subjects: String,
    npsn: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SchoolRow {
    npsn: String,
    name: String,
    jenjang: String,
    province: String,
    regency: String,
}

/// The principal of school `$1` (the first `kepala_sekolah` by id), by the index `users_by_school`.
pub const SCHOOL_PRINCIPAL: &str =
    "SELECT id FROM users WHERE school_npsn = $1 AND role = 'kepala_sekolah' ORDER BY id LIMIT 1";
/// The staff of school `$1` (teachers and principal) by id, by the index `users_by_school`.
pub const STAFF_IDS: &str =
    "SELECT id FROM users WHERE school_npsn = $1 AND role IN ('guru', 'kepala_sekolah') ORDER BY id";

/// A school with its principal (the first `kepala_sekolah` on its staff, by id).
pub async fn load_school(conn: &mut AnyConnection, npsn: &str) -> Result<Option<School>> {
    let row: Option<SchoolRow> =
        sqlx::query_as("SELECT npsn, name, jenjang, province, regency FROM schools WHERE npsn = $1")
            .bind(npsn)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(r) = row else { return Ok(None) };
    let principal: Option<(String,)> =
        sqlx::query_as(SCHOOL_PRINCIPAL).bind(npsn).fetch_optional(&mut *conn).await?;
    Ok(Some(School {
        npsn: r.npsn,
        name: r.name,
        jenjang: r.jenjang,
        province: r.province,
        regency: r.regency,
        principal_id: principal.map(|(id,)| id),
    }))
}

/// A user's profile with its data problems, or `404`.
pub async fn load_profile(conn: &mut AnyConnection, user_id: &str) -> Result<Profile> {
    let r: ProfileRow = sqlx::query_as(
        "SELECT id, full_name, role, nuptk, nip, email, employment, subjects, school_npsn AS npsn
         FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Pengguna tidak ditemukan."))?;
    let school = match &r.npsn {
        Some(npsn) => load_school(conn, npsn).await?,
        None => None,
    };
    let employment = serde_json::from_value(serde_json::Value::String(r.employment.clone()))
        .map_err(|e| ServerError::Internal(anyhow::anyhow!("bad employment {:?}: {e}", r.employment)))?;
    let mut profile = Profile {
        id: r.id,
        full_name: r.full_name,
        role: parse_role(&r.role)?,
        nuptk: r.nuptk,
        nip: r.nip,
        email: r.email,
        school,
        employment,
        subjects: r.subjects.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        problems: Vec::new(),
    };
    profile.problems = problems(&profile);
    Ok(profile)
}

/// What is inconsistent in a profile, each with who must fix it.
pub fn problems(p: &Profile) -> Vec<DataProblem> {
    let mut out = Vec::new();
    let mut add = |code: &str, message: &str, fix_by| {
        out.push(DataProblem { code: code.into(), message: message.into(), fix_by })
    };
    if p.employment.is_asn() && p.nip.is_none() {
        add(
            "asn_without_nip",
            "Anda tercatat sebagai ASN tetapi NIP belum ada di Dapodik, sehingga rencana kinerja tidak \
             dapat dikirim ke e-Kinerja. Minta operator sekolah memperbaiki data NIP dan Jenis PTK.",
            Fixer::OperatorSekolah,
        );
    }
    if p.nuptk.is_none() && matches!(p.role, Role::Guru | Role::KepalaSekolah) {
        add(
            "no_nuptk",
            "NUPTK Anda belum tercatat. Minta operator sekolah mengusulkan NUPTK melalui Dapodik.",
            Fixer::OperatorSekolah,
        );
    }
    match &p.school {
        None if matches!(p.role, Role::Guru | Role::KepalaSekolah) => add(
            "no_school",
            "Anda belum terdaftar di satuan pendidikan mana pun. Minta operator sekolah menambahkan Anda \
             sebagai PTK di Dapodik.",
            Fixer::OperatorSekolah,
        ),
        Some(s) if s.principal_id.is_none() && p.role == Role::Guru => add(
            "school_without_principal",
            "Sekolah Anda belum memiliki kepala sekolah di data, sehingga tidak ada pejabat penilai yang \
             dapat menyetujui rencana kinerja Anda. Dinas pendidikan perlu menetapkan kepala sekolah atau \
             pelaksana tugas (Plt.).",
            Fixer::AdminDinas,
        ),
        _ => {}
    }
    out
}

/// Writes the `person` record of `user_id` (visible to them and their principal) from the users table.
pub async fn publish_person(conn: &mut AnyConnection, user_id: &str) -> Result<penggerak_types::SyncRecord> {
    let profile = load_profile(conn, user_id).await?;
    let school = profile.school.as_ref().map(|s| s.npsn.clone());
    records::put(conn, RecordKind::Person, user_id, &Audience::staff(user_id, school.as_deref()), &profile)
        .await
}

/// Writes the `school` record of `npsn`, for its principal. School data is public in Dapodik, but a record
/// here is synced to every device that may see it, and no one else's device reads it (a teacher's school
/// comes with her profile): public, every phone would hold every school of the country.
pub async fn publish_school(conn: &mut AnyConnection, npsn: &str) -> Result<penggerak_types::SyncRecord> {
    let school = load_school(conn, npsn)
        .await?
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Sekolah tidak ditemukan."))?;
    records::put(conn, RecordKind::School, npsn, &Audience::school(npsn), &school).await
}

/// The staff (guru and kepala sekolah) of a school, by id.
/// How stale a person's last-sync time may get before a sync writes it again: a principal reads it to the
/// quarter hour, and the hot no-change `/sync` then writes at most four times an hour per person.
pub const SYNC_SEEN_EVERY_SECS: i64 = 15 * 60;

/// Notes that `user_id`'s device synced at `now` (Unix seconds), unless it was noted less than
/// [`SYNC_SEEN_EVERY_SECS`] ago. The common case (noted recently) is one read: an upsert whose condition
/// fails would still lock the row on PostgreSQL, a write on every no-change sync.
pub async fn saw_sync(conn: &mut AnyConnection, user_id: &str, now: i64) -> Result<()> {
    let noted: Option<(i64,)> = sqlx::query_as("SELECT at FROM last_sync WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    if noted.is_some_and(|(at,)| at > now - SYNC_SEEN_EVERY_SECS) {
        return Ok(());
    }
    // Two syncs at once may both write: the later time stands either way.
    sqlx::query(
        "INSERT INTO last_sync (user_id, at) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET at = excluded.at WHERE last_sync.at <= $3",
    )
    .bind(user_id)
    .bind(now)
    .bind(now - SYNC_SEEN_EVERY_SECS)
    .execute(conn)
    .await?;
    Ok(())
}

/// When `user_id`'s device last synced (RFC 3339, UTC), if it ever did.
pub async fn last_sync(conn: &mut AnyConnection, user_id: &str) -> Result<Option<String>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT at FROM last_sync WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.and_then(|(at,)| {
        let t = time::OffsetDateTime::from_unix_timestamp(at).ok()?;
        t.format(&time::format_description::well_known::Rfc3339).ok()
    }))
}

pub async fn staff_ids(conn: &mut AnyConnection, npsn: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(STAFF_IDS).bind(npsn).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::api::Employment;

    fn guru() -> Profile {
        Profile {
            id: "g".into(),
            full_name: "G".into(),
            role: Role::Guru,
            nuptk: Some("1".into()),
            nip: Some("2".into()),
            email: "g@x".into(),
            school: Some(School {
                npsn: "1".into(),
                name: "S".into(),
                jenjang: "SD".into(),
                province: "Bali".into(),
                regency: "Gianyar".into(),
                principal_id: Some("k".into()),
            }),
            employment: Employment::Pns,
            subjects: vec![],
            problems: vec![],
        }
    }

    #[test]
    fn consistent_records_have_no_problems() {
        assert!(problems(&guru()).is_empty(), "a PNS with NIP, NUPTK and a school with a principal is fine");
    }

    #[test]
    fn each_problem_names_who_fixes_it() {
        let mut p = guru();
        p.nip = None;
        p.school.as_mut().unwrap().principal_id = None;
        let found: Vec<_> = problems(&p).into_iter().map(|d| (d.code, d.fix_by)).collect();
        assert_eq!(
            found,
            [
                ("asn_without_nip".to_owned(), Fixer::OperatorSekolah),
                ("school_without_principal".to_owned(), Fixer::AdminDinas)
            ],
            "an ASN without NIP is the operator's to fix; a school without principal is the office's"
        );
        p.employment = Employment::NonAsn;
        p.school = None;
        let codes: Vec<_> = problems(&p).into_iter().map(|d| d.code).collect();
        assert_eq!(codes, ["no_school"], "a non-ASN needs no NIP, but every teacher needs a school");
    }
}
