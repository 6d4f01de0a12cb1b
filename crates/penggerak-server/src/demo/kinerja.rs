//! Demo: last year's and this year's performance cycles (different shapes, as in real life), and a plan
//! for every ASN teacher (PNS/PPPK: e-Kinerja is theirs) in every status, with history, notes,
//! observations and predikat. Siti's plan is a ready draft, to submit in the app.

use super::{Ctx, DemoPerson};
use crate::domain::kinerja::{cycle_id, plan_id, put_cycle};
use crate::domain::pkb::current_year;
use crate::records::{self, Audience};
use penggerak_types::kinerja::{
    Cycle, CycleStage, EvidenceRule, Observation, ObservationStatus, PerformancePlan, PlanEvent, PlanStatus,
    PlannedResult, Predikat,
};
use penggerak_types::RecordKind;
use sqlx::AnyConnection;

fn stage(code: &str, name: &str, starts: String, ends: String, asks: &[&str]) -> CycleStage {
    CycleStage {
        code: code.into(),
        name: name.into(),
        starts,
        ends,
        asks: asks.iter().map(|s| s.to_string()).collect(),
    }
}

/// The cycle of `year`, shaped as that year's rules: the current year has a pre-planning step and
/// evidence uploads; the year before has one period with reflections and no uploads.
pub fn cycle(year: i32, current: bool) -> Cycle {
    let d = |m: u32, day: u32| format!("{year}-{m:02}-{day:02}");
    let mut stages = Vec::new();
    if current {
        stages.push(stage(
            "pra_perencanaan",
            "Pra-perencanaan",
            d(1, 2),
            d(1, 15),
            &[
                "Operator sekolah memeriksa data unit kerja",
                "Operator sekolah memperbarui data pegawai",
                "Kepala sekolah menetapkan tim kinerja",
            ],
        ));
    }
    stages.push(stage(
        "perencanaan",
        "Perencanaan kinerja",
        d(1, if current { 16 } else { 2 }),
        d(2, 28),
        &[
            "Memilih hasil kerja (RHK) dan indikatornya",
            "Mengajukan rencana kepada kepala sekolah",
            "Menyepakati rencana yang telah disetujui",
        ],
    ));
    let mut doing = vec![
        "Observasi kelas: persiapan, pelaksanaan dan diskusi tindak lanjut",
        "Pengembangan kompetensi",
        "Tugas tambahan, bila ada",
    ];
    if current {
        doing.push("Mengunggah bukti dukung (PDF, paling besar 10 MB)");
    }
    stages.push(stage("pelaksanaan", "Pelaksanaan, pemantauan dan pembinaan", d(3, 1), d(11, 30), &doing));
    stages.push(stage(
        "penilaian",
        "Penilaian kinerja",
        d(12, 1),
        d(12, 20),
        &["Menulis refleksi kinerja", "Kepala sekolah memberikan predikat"],
    ));
    Cycle {
        id: cycle_id(year),
        year,
        name: format!("Siklus Pengelolaan Kinerja {year}"),
        stages,
        points: None,
        evidence: current
            .then(|| EvidenceRule { content_type: "application/pdf".into(), max_bytes: 10_000_000 }),
        min_results: 2,
    }
}

/// (result, indicators)
const RESULTS: &[(&str, &[&str])] = &[
    (
        "Meningkatnya kualitas pembelajaran yang berpusat pada murid",
        &[
            "Modul ajar berdiferensiasi disusun untuk setiap bab",
            "Rata-rata hasil asesmen formatif murid naik 10%",
        ],
    ),
    (
        "Terlaksananya asesmen formatif yang terencana",
        &["Asesmen diagnostik di awal setiap semester", "Umpan balik tertulis untuk setiap tugas murid"],
    ),
    (
        "Meningkatnya kemampuan literasi membaca murid",
        &["Kegiatan membaca 15 menit setiap pagi", "80% murid mencapai tingkat membaca lancar"],
    ),
    (
        "Terlaksananya pengembangan kompetensi diri",
        &["Menyelesaikan sedikitnya 32 JP pelatihan", "Aktif dalam komunitas belajar sekolah"],
    ),
    (
        "Terciptanya lingkungan belajar yang aman dan nyaman",
        &["Keyakinan kelas disepakati bersama murid", "Setiap kasus perundungan ditangani dalam seminggu"],
    ),
];

const RETURN_NOTES: &[&str] = &[
    "Indikator hasil kerja kedua belum terukur. Tambahkan target angka, misalnya persentase murid.",
    "Mohon sesuaikan hasil kerja dengan program sekolah tahun ini tentang literasi kelas awal.",
];

const REFLECTION: &str = "Tahun ini saya belajar menyusun pembelajaran berdasarkan hasil asesmen diagnostik. \
     Observasi kelas bersama kepala sekolah membantu saya melihat bahwa instruksi saya terlalu panjang; \
     setelah diskusi tindak lanjut, saya membagi tugas menjadi langkah-langkah kecil dan murid lebih mandiri.";

fn results(n: usize) -> Vec<PlannedResult> {
    (0..3)
        .map(|k| {
            let (text, ind) = RESULTS[(n + k) % RESULTS.len()];
            PlannedResult {
                id: format!("rhk-{}", k + 1),
                text: text.into(),
                indicators: ind.iter().map(|s| s.to_string()).collect(),
                points: None,
            }
        })
        .collect()
}

/// The status each demo teacher's plan is in.
fn status_of(p: &DemoPerson, k: usize) -> (PlanStatus, Option<Predikat>) {
    match p.id.as_str() {
        "guru-siti" => (PlanStatus::Draf, None),
        "guru-agus" => (PlanStatus::Dikembalikan, None),
        "guru-made" => (PlanStatus::Disetujui, None),
        _ => match k % 7 {
            0 => (PlanStatus::Draf, None),
            1 | 2 => (PlanStatus::PerluDisetujui, None),
            3 => (PlanStatus::Dikembalikan, None),
            4 => (PlanStatus::Disetujui, None),
            5 => (PlanStatus::Disepakati, None),
            _ => (PlanStatus::Disepakati, Some([Predikat::Baik, Predikat::SangatBaik][k % 2])),
        },
    }
}

/// The history that led to `status`, dated through the planning stage.
fn history(
    year: i32,
    status: PlanStatus,
    teacher: &DemoPerson,
    principal: Option<&DemoPerson>,
    k: usize,
) -> Vec<PlanEvent> {
    let ev = |to, who: &DemoPerson, day: u32, note: Option<&str>| PlanEvent {
        to,
        by_id: who.id.clone(),
        by_name: who.full_name.clone(),
        at: format!("{year}-01-{day:02}T0{}:15:00Z", 1 + k % 8),
        note: note.map(str::to_owned),
    };
    let Some(head) = principal else { return vec![] };
    let note = RETURN_NOTES[k % RETURN_NOTES.len()];
    match status {
        PlanStatus::Draf => vec![],
        PlanStatus::PerluDisetujui => vec![ev(PlanStatus::PerluDisetujui, teacher, 20, None)],
        PlanStatus::Dikembalikan => vec![
            ev(PlanStatus::PerluDisetujui, teacher, 20, None),
            ev(PlanStatus::Dikembalikan, head, 22, Some(note)),
        ],
        PlanStatus::Disetujui => vec![
            ev(PlanStatus::PerluDisetujui, teacher, 19, None),
            ev(PlanStatus::Disetujui, head, 23, Some("Rencana sudah baik. Silakan disepakati.")),
        ],
        PlanStatus::Disepakati => vec![
            ev(PlanStatus::PerluDisetujui, teacher, 18, None),
            ev(PlanStatus::Dikembalikan, head, 19, Some(note)),
            ev(PlanStatus::PerluDisetujui, teacher, 21, None),
            ev(PlanStatus::Disetujui, head, 24, None),
            ev(PlanStatus::Disepakati, head, 25, None),
        ],
    }
}

pub async fn seed(tx: &mut AnyConnection, ctx: &Ctx) -> anyhow::Result<()> {
    let year = current_year();
    put_cycle(tx, &cycle(year - 1, false)).await?;
    let current = cycle(year, true);
    put_cycle(tx, &current).await?;
    let principal_of =
        |npsn: &str| ctx.people.iter().find(|p| p.role == "kepala_sekolah" && p.school == Some(npsn));
    let teachers =
        ctx.people.iter().filter(|p| p.role == "guru" && p.employment != "non_asn" && p.school.is_some());
    for (k, t) in teachers.enumerate() {
        let npsn = t.school.expect("filtered on a school");
        let head = principal_of(npsn);
        // Without a principal nobody can approve: those plans stay drafts (the school's data problem).
        let (status, predikat) = if head.is_some() { status_of(t, k) } else { (PlanStatus::Draf, None) };
        let plan = PerformancePlan {
            id: plan_id(&current.id, &t.id),
            cycle_id: current.id.clone(),
            owner_id: t.id.clone(),
            school_npsn: Some(npsn.to_owned()),
            status,
            results: if status == PlanStatus::Draf && k % 2 == 1 && t.id != "guru-siti" {
                results(k).into_iter().take(1).collect() // a draft still being written
            } else {
                results(k)
            },
            history: history(year, status, t, head, k),
            reflection: if predikat.is_some() { REFLECTION.into() } else { String::new() },
            predikat,
            predikat_note: predikat
                .map(|_| "Terus pertahankan praktik baik dan bagikan di komunitas belajar.".into()),
        };
        let audience = Audience::staff(&t.id, Some(npsn));
        records::put(tx, RecordKind::PerformancePlan, &plan.id, &audience, &plan).await?;

        // Agreed plans have an observation: held for the rated ones, upcoming for the others.
        if let (PlanStatus::Disepakati | PlanStatus::Disetujui, Some(head)) = (status, head) {
            let done = predikat.is_some();
            // Held ones in September; upcoming ones in the coming weeks, whenever the demo is seeded.
            let upcoming = time::OffsetDateTime::from_unix_timestamp(ctx.now)?
                + time::Duration::days(2 + (k % 12) as i64);
            let date = if done {
                format!("{year}-09-{:02}", 3 + k % 20)
            } else {
                let d = upcoming.date();
                format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
            };
            let obs = Observation {
                id: format!("00000000-0000-4000-9000-{k:012}"),
                plan_id: plan.id.clone(),
                owner_id: t.id.clone(),
                observer_id: head.id.clone(),
                school_npsn: Some(npsn.to_owned()),
                scheduled_at: format!("{date}T0{}:00", 7 + k % 3),
                class_name: format!("{} — {}", ["Kelas IV", "VIII B", "XI IPA 2"][k % 3], t.subjects),
                focus: "Diferensiasi proses dan pemberian umpan balik".into(),
                status: if done { ObservationStatus::Selesai } else { ObservationStatus::Terjadwal },
                preparation: if done {
                    "Modul ajar bab 3, lembar kerja tiga tingkat, rubrik umpan balik.".into()
                } else {
                    String::new()
                },
                record: if done {
                    "Murid bekerja dalam kelompok sesuai kesiapan. Instruksi awal terlalu panjang; \
                     sebagian murid baru mulai setelah 10 menit."
                        .into()
                } else {
                    String::new()
                },
                follow_up: if done {
                    "Instruksi ditulis di papan dalam tiga langkah; guru mencoba kartu tanda bantuan.".into()
                } else {
                    String::new()
                },
            };
            records::put(tx, RecordKind::Observation, &obs.id, &audience, &obs).await?;
        }
    }
    Ok(())
}
