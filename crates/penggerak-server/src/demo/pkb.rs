//! Demo: a development plan (PKB) for every teacher and principal, with items in every status.

use super::Ctx;
use crate::domain::pkb::{create_plan, current_year};
use crate::records;
use penggerak_types::pkb::{PkbItem, PkbItemKind, PkbStatus};
use penggerak_types::RecordKind;
use sqlx::AnyConnection;

/// (kind, title, JP)
const TOPICS: &[(PkbItemKind, &str, u32)] = &[
    (PkbItemKind::PelatihanMandiri, "Pembelajaran Berdiferensiasi", 8),
    (PkbItemKind::PelatihanMandiri, "Asesmen di Kurikulum Merdeka", 8),
    (PkbItemKind::PelatihanMandiri, "Disiplin Positif", 6),
    (PkbItemKind::PelatihanMandiri, "Pembelajaran Sosial dan Emosional", 6),
    (PkbItemKind::Lokakarya, "Lokakarya penyusunan modul ajar", 12),
    (PkbItemKind::PelatihanMandiri, "Literasi dan Numerasi di Kelas Awal", 8),
    (PkbItemKind::KomunitasBelajar, "Pertemuan komunitas belajar: berbagi praktik baik", 4),
    (PkbItemKind::PelatihanMandiri, "Projek Penguatan Profil Pelajar Pancasila", 10),
    (PkbItemKind::Lokakarya, "Bimtek Rapor Pendidikan dan perencanaan berbasis data", 16),
    (PkbItemKind::PelatihanMandiri, "Coaching untuk Supervisi Akademik", 6),
];

const REFLECTIONS: &[&str] = &[
    "Setelah mencoba pemetaan kebutuhan belajar, saya mengelompokkan murid berdasarkan kesiapan belajar. \
     Murid yang biasanya diam mulai berani bertanya. Tantangan saya adalah waktu menyiapkan tiga lembar kerja.",
    "Aksi nyata saya adalah menyusun keyakinan kelas bersama murid. Dua minggu pertama masih banyak yang lupa, \
     tetapi setelah ditempel di dinding dan dibahas tiap pagi, suasana kelas lebih tertib.",
    "Asesmen diagnostik sederhana di awal bab membantu saya tahu siapa yang perlu pendampingan. \
     Saya akan mencoba asesmen formatif singkat di akhir setiap pertemuan.",
];

pub async fn seed(tx: &mut AnyConnection, ctx: &Ctx) -> anyhow::Result<()> {
    let year = current_year();
    for (p, person) in ctx.staff().enumerate() {
        let plan = create_plan(tx, &person.id, person.school, year, 32).await?;
        let audience = records::Audience::staff(&person.id, person.school);
        let count = 4 + p % 3;
        for k in 0..count {
            let (kind, title, jp) = TOPICS[(p * 3 + k) % TOPICS.len()];
            // Spread statuses: earlier items done, then one under way, the rest not started.
            let (status, progress) = match (k + p) % 4 {
                0 | 1 => (PkbStatus::Selesai, 100),
                2 => (PkbStatus::Berjalan, [25u8, 50, 75][p % 3]),
                _ => (PkbStatus::BelumMulai, 0),
            };
            let reflection = if status == PkbStatus::Selesai {
                REFLECTIONS[(p + k) % REFLECTIONS.len()].to_owned()
            } else {
                String::new()
            };
            let month = 2 + (k * 2) % 10;
            let item = PkbItem {
                // Deterministic UUID-shaped ids, so the demo is the same every run.
                id: format!("00000000-0000-4000-8000-{:06}{:06}", p, k),
                plan_id: plan.id.clone(),
                owner_id: person.id.clone(),
                kind,
                title: title.to_owned(),
                jp,
                target_date: Some(format!("{year}-{month:02}-28")),
                status,
                progress,
                reflection,
                community_event_id: None,
            };
            records::put(tx, RecordKind::PkbItem, &item.id, &audience, &item).await?;
        }
    }
    Ok(())
}
