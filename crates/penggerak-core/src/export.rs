//! The principal's staff table as a file he can open in a spreadsheet: CSV, UTF-8 with a byte-order mark
//! (so spreadsheet programs read it as UTF-8), headers and words in Bahasa Indonesia as the ministry's
//! forms use them, dates as `YYYY-MM-DD`. Written whole to a temporary file beside the chosen one and
//! renamed, so a cut never leaves half a table.

use crate::{CoreError, Engine};
use penggerak_types::api::{Employment, Role};
use penggerak_types::ipc::{StaffRow, StaffView};
use penggerak_types::kinerja::Predikat;
use penggerak_types::reason::status_id;
use penggerak_types::zone::Zone;
use std::path::Path;

/// The columns, in order.
pub const HEADERS: [&str; 16] = [
    "Nama",
    "NIP",
    "NUPTK",
    "Peran",
    "Status kepegawaian",
    "Program",
    "Angkatan",
    "Tahap",
    "JP selesai",
    "Target JP",
    "Status rencana kinerja",
    "Predikat",
    "Observasi berikutnya",
    "Diajukan",
    "Masalah data",
    "Terakhir disinkronkan",
];

fn role(r: Role) -> &'static str {
    match r {
        Role::Guru => "Guru",
        Role::KepalaSekolah => "Kepala Sekolah",
        Role::Pengawas => "Pengawas",
        Role::Admin => "Admin",
    }
}

fn employment(e: Employment) -> &'static str {
    match e {
        Employment::Pns => "PNS",
        Employment::Pppk => "PPPK",
        Employment::NonAsn => "Non-ASN",
    }
}

fn predikat(p: Predikat) -> &'static str {
    match p {
        Predikat::SangatBaik => "Sangat Baik",
        Predikat::Baik => "Baik",
        Predikat::ButuhPerbaikan => "Butuh Perbaikan",
        Predikat::Kurang => "Kurang",
        Predikat::SangatKurang => "Sangat Kurang",
    }
}

fn record(r: &StaffRow, zone: Zone) -> Vec<String> {
    let s = &r.summary;
    let p = &s.person;
    let first = s.programmes.first();
    let date = |t: &str| match penggerak_types::zone::parse_instant(t) {
        Some(unix) => penggerak_types::zone::WallTime::at(unix, zone).date(),
        None => t.get(..10).unwrap_or_default().to_owned(),
    };
    vec![
        p.full_name.clone(),
        p.nip.clone().unwrap_or_default(),
        p.nuptk.clone().unwrap_or_default(),
        role(p.role).to_owned(),
        employment(p.employment).to_owned(),
        first.map(|x| x.programme.clone()).unwrap_or_default(),
        first.map(|x| x.cohort.clone()).unwrap_or_default(),
        first.map(|x| x.stage.clone()).unwrap_or_default(),
        s.jp_done.to_string(),
        s.jp_target.to_string(),
        s.kinerja_status.map(status_id).unwrap_or_default().to_owned(),
        r.predikat.map(predikat).unwrap_or_default().to_owned(),
        r.next_observation.as_deref().map(date).unwrap_or_default(),
        r.submitted_at.as_deref().map(date).unwrap_or_default(),
        p.problems.iter().map(|x| x.message.as_str()).collect::<Vec<_>>().join("; "),
        s.last_synced_at.as_deref().map(date).unwrap_or_default(),
    ]
}

/// The table as CSV bytes (with the byte-order mark), one row per staff member, dates in `zone`.
pub fn staff_csv(view: &StaffView, zone: Zone) -> Result<Vec<u8>, CoreError> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let fail = |e: csv::Error| CoreError::Storage(format!("writing the staff table: {e}"));
    out.write_record(HEADERS).map_err(fail)?;
    for r in &view.rows {
        out.write_record(record(r, zone)).map_err(fail)?;
    }
    out.into_inner().map_err(|e| CoreError::Storage(format!("writing the staff table: {e}")))
}

impl Engine {
    /// Writes the staff table (see the module) to `path`, whole or not at all.
    pub async fn export_staff(&self, path: &Path) -> Result<(), CoreError> {
        let bytes = staff_csv(&self.staff().await?, self.zone().await?)?;
        let tmp = path.with_extension("csv.part");
        let io = |e: std::io::Error| {
            tracing::warn!(path = %path.display(), error = %e, "the staff table could not be saved");
            CoreError::Refused(penggerak_types::Reason::NotSaved)
        };
        tokio::fs::write(&tmp, &bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, path).await.map_err(io)
    }
}
