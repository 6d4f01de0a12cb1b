//! Demo: the Guru Penggerak programme (the real stage sequence and module list, angkatan 9–11) and one
//! successor leadership programme (invented for the demo: the ministry's successors are new), with a
//! participation for most staff: graduates with certificates, people who did not pass selection, and
//! people part-way through the successor's training.

use super::Ctx;
use crate::records::{self, Audience};
use penggerak_types::programme::{
    Certificate, Cohort, ItemDef, ItemKind, ItemProgress, Participation, Programme, StageDates, StageDef,
    StageOutcome, StageResult,
};
use penggerak_types::RecordKind;
use sqlx::AnyConnection;

const MODULES: &[(&str, &str)] = &[
    ("1.1", "Refleksi Filosofis Pendidikan Nasional Ki Hadjar Dewantara"),
    ("1.2", "Nilai dan Peran Guru Penggerak"),
    ("1.3", "Visi Guru Penggerak"),
    ("1.4", "Budaya Positif"),
    ("2.1", "Pembelajaran Berdiferensiasi"),
    ("2.2", "Pembelajaran Sosial dan Emosional"),
    ("2.3", "Coaching untuk Supervisi Akademik"),
    ("3.1", "Pengambilan Keputusan sebagai Pemimpin Pembelajaran"),
    ("3.2", "Pemimpin dalam Pengelolaan Sumber Daya"),
    ("3.3", "Pengelolaan Program yang Berdampak pada Murid"),
];

fn stage(code: &str, name: &str, description: &str) -> StageDef {
    StageDef { code: code.into(), name: name.into(), description: description.into() }
}

fn item(id: String, stage: &str, kind: ItemKind, code: String, title: String, steps: u8) -> ItemDef {
    ItemDef { id, stage: stage.into(), kind, code, title, steps, self_reported: kind == ItemKind::Modul }
}

fn cohort(id: &str, name: &str, dates: &[(&str, &str, &str)]) -> Cohort {
    Cohort {
        id: id.into(),
        name: name.into(),
        schedule: dates
            .iter()
            .map(|(s, a, b)| StageDates { stage: (*s).into(), starts: (*a).into(), ends: (*b).into() })
            .collect(),
    }
}

pub fn guru_penggerak() -> Programme {
    let mut items: Vec<ItemDef> = MODULES
        .iter()
        .map(|(code, title)| {
            item(
                format!("gp-modul-{code}"),
                "pendidikan",
                ItemKind::Modul,
                format!("Modul {code}"),
                (*title).into(),
                7,
            )
        })
        .collect();
    for n in 1..=8 {
        let title = if n == 7 { "Panen Hasil Belajar".to_owned() } else { format!("Lokakarya {n}") };
        items.push(item(
            format!("gp-lokakarya-{n}"),
            "pendidikan",
            ItemKind::Lokakarya,
            format!("Lokakarya {n}"),
            title,
            1,
        ));
    }
    for n in 1..=6 {
        items.push(item(
            format!("gp-pendampingan-{n}"),
            "pendidikan",
            ItemKind::Pendampingan,
            format!("Pendampingan {n}"),
            format!("Pendampingan individu {n} oleh Pengajar Praktik"),
            1,
        ));
    }
    Programme {
        id: "guru-penggerak".into(),
        name: "Program Pendidikan Guru Penggerak".into(),
        description: "Program kepemimpinan pembelajaran bagi guru (Merdeka Belajar episode 5, 2020–2025), \
                      dijalankan per angkatan. Dihentikan pada Maret 2025; status lulusannya tetap berlaku."
            .into(),
        active: false,
        stages: vec![
            stage(
                "pendaftaran",
                "Pendaftaran",
                "Mengisi CV, mengunggah dokumen dan surat rekomendasi kepala sekolah, menulis esai.",
            ),
            stage("seleksi_1", "Seleksi tahap 1", "Seleksi administrasi, esai, dan tes bakat skolastik."),
            stage(
                "seleksi_2",
                "Seleksi tahap 2",
                "Simulasi mengajar dan wawancara pada jadwal yang dipilih.",
            ),
            stage(
                "pendidikan",
                "Pendidikan",
                "Modul daring 1.1–3.3 dengan alur MERDEKA, 8 lokakarya, dan 6 pendampingan individu.",
            ),
            stage(
                "kelulusan",
                "Kelulusan",
                "Penetapan kelulusan per angkatan dan sertifikat Guru Penggerak.",
            ),
        ],
        items,
        cohorts: vec![
            cohort(
                "gp-9",
                "Angkatan 9",
                &[
                    ("pendaftaran", "2023-02-01", "2023-03-10"),
                    ("seleksi_1", "2023-03-20", "2023-04-28"),
                    ("seleksi_2", "2023-05-15", "2023-06-30"),
                    ("pendidikan", "2023-10-02", "2024-05-31"),
                    ("kelulusan", "2024-06-28", "2024-06-28"),
                ],
            ),
            cohort(
                "gp-10",
                "Angkatan 10",
                &[
                    ("pendaftaran", "2023-08-01", "2023-09-08"),
                    ("seleksi_1", "2023-09-18", "2023-10-27"),
                    ("seleksi_2", "2023-11-13", "2023-12-22"),
                    ("pendidikan", "2024-03-15", "2024-11-28"),
                    ("kelulusan", "2024-12-20", "2024-12-20"),
                ],
            ),
            cohort(
                "gp-11",
                "Angkatan 11",
                &[
                    ("pendaftaran", "2023-10-02", "2023-11-10"),
                    ("seleksi_1", "2023-11-20", "2024-01-12"),
                    ("seleksi_2", "2024-02-05", "2024-03-29"),
                    ("pendidikan", "2024-06-13", "2024-12-23"),
                    ("kelulusan", "2025-01-31", "2025-01-31"),
                ],
            ),
        ],
        outcome: "Sertifikat Guru Penggerak".into(),
    }
}

pub fn successor() -> Programme {
    let modules = [
        "Kepemimpinan Pembelajaran Berpusat pada Murid",
        "Perencanaan Berbasis Data Rapor Pendidikan",
        "Supervisi Akademik dan Coaching",
        "Komunitas Belajar di Satuan Pendidikan",
    ];
    let mut items: Vec<ItemDef> = modules
        .iter()
        .enumerate()
        .map(|(i, t)| {
            item(
                format!("pkp-modul-{}", i + 1),
                "pelatihan",
                ItemKind::Modul,
                format!("Modul {}", i + 1),
                (*t).into(),
                5,
            )
        })
        .collect();
    for n in 1..=3 {
        items.push(item(
            format!("pkp-lokakarya-{n}"),
            "pelatihan",
            ItemKind::Lokakarya,
            format!("Lokakarya {n}"),
            format!("Lokakarya daerah {n}"),
            1,
        ));
    }
    for n in 1..=2 {
        items.push(item(
            format!("pkp-pendampingan-{n}"),
            "praktik",
            ItemKind::Pendampingan,
            format!("Pendampingan {n}"),
            format!("Kunjungan pendampingan {n}"),
            1,
        ));
    }
    Programme {
        id: "kepemimpinan-pembelajaran".into(),
        name: "Program Pengembangan Kepemimpinan Pembelajaran".into(),
        description:
            "Program lanjutan bagi guru dan kepala sekolah setelah Guru Penggerak (contoh untuk demo): \
                      pelatihan daring, lokakarya daerah, dan praktik kepemimpinan di sekolah."
                .into(),
        active: true,
        stages: vec![
            stage("pendaftaran", "Pendaftaran", "Mendaftar dengan rekomendasi dinas pendidikan."),
            stage("seleksi", "Seleksi", "Seleksi administrasi dan portofolio."),
            stage("pelatihan", "Pelatihan", "Empat modul daring dan tiga lokakarya daerah."),
            stage(
                "praktik",
                "Praktik kepemimpinan",
                "Menjalankan rencana aksi di sekolah dengan dua kunjungan pendampingan.",
            ),
            stage("penilaian", "Penilaian", "Penilaian portofolio dan penetapan kelulusan."),
        ],
        items,
        cohorts: vec![cohort(
            "pkp-1",
            "Angkatan 1",
            &[
                ("pendaftaran", "2026-04-01", "2026-04-30"),
                ("seleksi", "2026-05-11", "2026-06-12"),
                ("pelatihan", "2026-08-03", "2026-12-18"),
                ("praktik", "2027-01-11", "2027-04-30"),
                ("penilaian", "2027-05-17", "2027-06-11"),
            ],
        )],
        outcome: "Sertifikat Kepemimpinan Pembelajaran".into(),
    }
}

fn results(p: &Programme, reached: usize, last: StageOutcome, dates: &Cohort) -> Vec<StageResult> {
    p.stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let outcome = match i.cmp(&reached) {
                std::cmp::Ordering::Less => StageOutcome::Lulus,
                std::cmp::Ordering::Equal => last,
                std::cmp::Ordering::Greater => StageOutcome::Belum,
            };
            let date = (outcome == StageOutcome::Lulus || outcome == StageOutcome::TidakLulus)
                .then(|| dates.schedule.iter().find(|d| d.stage == s.code).map(|d| d.ends.clone()))
                .flatten();
            StageResult { stage: s.code.clone(), outcome, date, note: None }
        })
        .collect()
}

async fn put(tx: &mut AnyConnection, p: &Participation, school: Option<&str>) -> anyhow::Result<()> {
    records::put(tx, RecordKind::Participation, &p.id, &Audience::staff(&p.person_id, school), p).await?;
    Ok(())
}

pub async fn seed(tx: &mut AnyConnection, ctx: &Ctx) -> anyhow::Result<()> {
    let gp = guru_penggerak();
    let pkp = successor();
    for p in [&gp, &pkp] {
        records::put(tx, RecordKind::Programme, &p.id, &Audience::public(), p).await?;
    }
    for person in ctx.staff() {
        // Which story: the named accounts are fixed, the generated ones rotate.
        let story = match person.id.as_str() {
            "guru-siti" => 1,
            "guru-agus" => 3,
            "guru-made" => 4,
            "kepsek-bambang" => 3,
            _ => person.n % 5,
        };
        let n = person.n;
        if matches!(story, 1 | 2) {
            let c = &gp.cohorts[if person.id == "guru-siti" { 1 } else { n % 3 }];
            let graduated = story == 1;
            let (reached, last) =
                if graduated { (4, StageOutcome::Lulus) } else { (1 + n % 2, StageOutcome::TidakLulus) };
            let items = if graduated {
                gp.items.iter().map(|i| ItemProgress { item_id: i.id.clone(), done: i.steps }).collect()
            } else {
                Vec::new()
            };
            let mut results = results(&gp, reached, last, c);
            if !graduated {
                results[reached].note = Some("Belum memenuhi nilai ambang batas.".into());
            }
            let certificate = graduated.then(|| Certificate {
                number: format!("GP/{}/{:05}", c.name.trim_start_matches("Angkatan "), 1000 + n * 37),
                issued_on: c.schedule.last().map(|d| d.ends.clone()).unwrap_or_default(),
            });
            let part = Participation {
                id: format!("{}:{}", gp.id, person.id),
                person_id: person.id.clone(),
                programme_id: gp.id.clone(),
                cohort_id: c.id.clone(),
                current_stage: gp.stages[reached].code.clone(),
                results,
                items,
                certificate,
            };
            put(tx, &part, person.school).await?;
        }
        if matches!(story, 3 | 4) || (story == 1 && n % 2 == 1) {
            let c = &pkp.cohorts[0];
            let in_training = story != 4;
            let reached = if in_training { 2 } else { 1 };
            let items = if in_training {
                pkp.items
                    .iter()
                    .filter(|i| i.kind == ItemKind::Modul)
                    .enumerate()
                    .map(|(k, i)| ItemProgress {
                        item_id: i.id.clone(),
                        done: (i.steps as usize).min((n + 3).saturating_sub(k * 2)) as u8,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let part = Participation {
                id: format!("{}:{}", pkp.id, person.id),
                person_id: person.id.clone(),
                programme_id: pkp.id.clone(),
                cohort_id: c.id.clone(),
                current_stage: pkp.stages[reached].code.clone(),
                results: results(&pkp, reached, StageOutcome::Berlangsung, c),
                items,
                certificate: None,
            };
            put(tx, &part, person.school).await?;
        }
    }
    Ok(())
}
