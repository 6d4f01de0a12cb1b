//! Demo learning communities: 20 communities in the two provinces, members, and events around today.

use crate::domain::communities::{publish, publish_attendance, publish_events, publish_membership};

/// (name, topic, jenjang, province, regency, lead user id, description)
pub const COMMUNITIES: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("KKG Gugus 3 Depok", "Pembelajaran Berdiferensiasi", "SD", "DI Yogyakarta", "Kabupaten Sleman", "guru-siti",
     "Kelompok Kerja Guru gugus 3 Kapanewon Depok: berbagi praktik pembelajaran berdiferensiasi di kelas rendah dan tinggi."),
    ("MGMP Matematika SMP Sleman", "Matematika", "SMP", "DI Yogyakarta", "Kabupaten Sleman", "kepsek-bambang",
     "Musyawarah Guru Mata Pelajaran Matematika: soal bernalar, asesmen diagnostik, dan media konkret."),
    ("Komunitas Guru Penggerak Sleman", "Kepemimpinan Pembelajaran", "Semua jenjang", "DI Yogyakarta",
     "Kabupaten Sleman", "guru-siti",
     "Alumni dan calon Guru Penggerak Sleman: aksi nyata, coaching, dan pengimbasan ke sekolah sekitar."),
    ("Literasi Kelas Awal Sleman", "Literasi", "SD", "DI Yogyakarta", "Kabupaten Sleman", "guru-agus",
     "Strategi membaca permulaan, pojok baca kelas, dan asesmen literasi untuk kelas 1–3."),
    ("Numerasi Asyik DIY", "Numerasi", "SD", "DI Yogyakarta", "Kota Yogyakarta", "guru-agus",
     "Permainan dan alat peraga numerasi dari bahan sekitar; berbagi lembar kerja siap pakai."),
    ("MKKS SD Sleman", "Manajemen Sekolah", "SD", "DI Yogyakarta", "Kabupaten Sleman", "kepsek-bambang",
     "Musyawarah Kerja Kepala Sekolah: rapor pendidikan, perencanaan berbasis data, dan supervisi akademik."),
    ("Guru IPAS Kreatif Sleman", "IPAS", "SD", "DI Yogyakarta", "Kabupaten Sleman", "guru-siti",
     "Proyek IPAS berbasis lingkungan sekitar sekolah: sawah, sungai, dan kebun sekolah."),
    ("Pendidikan Inklusif Yogyakarta", "Pendidikan Inklusif", "Semua jenjang", "DI Yogyakarta",
     "Kota Yogyakarta", "guru-agus",
     "Akomodasi pembelajaran untuk murid berkebutuhan khusus di sekolah reguler."),
    ("Coaching untuk Supervisi Akademik", "Coaching", "Semua jenjang", "DI Yogyakarta", "Kabupaten Bantul",
     "kepsek-bambang", "Latihan alur TIRTA dan praktik coaching antarrekan sejawat."),
    ("Komunitas Belajar Bahasa Jawa", "Muatan Lokal", "SD", "DI Yogyakarta", "Kabupaten Sleman", "guru-siti",
     "Bahan ajar aksara Jawa, tembang, dan unggah-ungguh untuk kelas 4–6."),
    ("Asesmen Formatif Bermakna", "Asesmen", "SMP", "DI Yogyakarta", "Kabupaten Sleman", "kepsek-bambang",
     "Merancang asesmen formatif yang singkat, sering, dan memberi umpan balik."),
    ("Projek Penguatan Profil Pelajar Pancasila", "P5", "SD", "DI Yogyakarta", "Kabupaten Kulon Progo",
     "guru-agus", "Berbagi modul projek, rubrik, dan dokumentasi panen hasil belajar."),
    ("KKG Gugus 2 Ubud", "Pembelajaran Berdiferensiasi", "SD", "Bali", "Kabupaten Gianyar", "guru-made",
     "Kelompok Kerja Guru gugus 2 Ubud: pemetaan kebutuhan belajar dan kelas yang berpusat pada murid."),
    ("Guru Penggerak Gianyar", "Kepemimpinan Pembelajaran", "Semua jenjang", "Bali", "Kabupaten Gianyar",
     "guru-made", "Jejaring Guru Penggerak Gianyar: lokakarya bersama dan pendampingan sekolah imbas."),
    ("Literasi Budaya Bali", "Literasi", "SD", "Bali", "Kabupaten Gianyar", "guru-made",
     "Cerita rakyat Bali, lontar, dan literasi budaya dalam pembelajaran."),
    ("MGMP Bahasa Inggris SMP Gianyar", "Bahasa Inggris", "SMP", "Bali", "Kabupaten Gianyar", "guru-made",
     "Pembelajaran bahasa Inggris kontekstual untuk daerah pariwisata."),
    ("Numerasi Kontekstual Bali", "Numerasi", "SD", "Bali", "Kota Denpasar", "guru-made",
     "Numerasi dari kehidupan sehari-hari: pasar, banten, dan pariwisata."),
    ("Sekolah Ramah Anak Bali", "Budaya Positif", "Semua jenjang", "Bali", "Kabupaten Badung", "guru-made",
     "Keyakinan kelas, disiplin positif, dan segitiga restitusi di sekolah."),
    ("Pembelajaran Sosial Emosional", "Sosial Emosional", "Semua jenjang", "DI Yogyakarta", "Kabupaten Sleman",
     "guru-siti", "Kompetensi sosial emosional murid dan guru: teknik STOP dan kesadaran penuh."),
    ("Teknologi untuk Guru Daerah", "Teknologi Pembelajaran", "Semua jenjang", "Bali", "Kabupaten Bangli",
     "guru-made", "Memanfaatkan ponsel dan data terbatas untuk pembelajaran dan administrasi."),
];

/// Members beyond each community's lead: (community index, user id).
const MEMBERS: &[(usize, &str)] = &[
    (0, "kepsek-bambang"),
    (0, "guru-agus"),
    (1, "guru-siti"),
    (2, "guru-agus"),
    (2, "kepsek-bambang"),
    (3, "guru-siti"),
    (5, "guru-siti"),
    (12, "guru-siti"),
    (13, "guru-siti"),
];

/// Event title templates, one community gets each in turn: (title, place, speaker).
const EVENTS: &[(&str, Option<&str>, Option<&str>)] = &[
    ("Pertemuan rutin: berbagi praktik baik", Some("Ruang guru sekolah tuan rumah"), None),
    ("Webinar: merancang asesmen diagnostik", None, Some("Dra. Endang Wulandari, M.Pd.")),
    ("Lokakarya modul ajar", Some("Aula kapanewon"), Some("Tim pengajar praktik")),
];

/// Communities, members and events. Event times are relative to `now` (so a fresh demo always has
/// upcoming events), everything else is fixed.
pub async fn seed(tx: &mut sqlx::AnyConnection, now: i64) -> anyhow::Result<()> {
    const DAY: i64 = 24 * 60 * 60;
    let today = now - now.rem_euclid(DAY); // 00:00 UTC, i.e. 07:00 WIB
    for (i, (name, topic, jenjang, province, regency, lead, description)) in COMMUNITIES.iter().enumerate() {
        let id = format!("kom-{:02}", i + 1);
        sqlx::query(
            "INSERT INTO communities (id, name, description, topic, jenjang, province, regency, lead_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(*name)
        .bind(*description)
        .bind(*topic)
        .bind(*jenjang)
        .bind(*province)
        .bind(*regency)
        .bind(*lead)
        .execute(&mut *tx)
        .await?;
        let members = std::iter::once(*lead).chain(MEMBERS.iter().filter(|(c, _)| *c == i).map(|(_, u)| *u));
        for user in members {
            sqlx::query(
                "INSERT INTO community_members (community_id, user_id, joined_at) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(user)
            .bind(now - 90 * DAY)
            .execute(&mut *tx)
            .await?;
            publish_membership(tx, &id, user, now - 90 * DAY).await?;
        }
        // One past event (attendance can still be said) and two upcoming ones, at 07:00 UTC (14:00 WIB / 15:00 WITA).
        for (n, days) in [-10_i64, 3 + i as i64 % 5, 17 + i as i64 % 7].into_iter().enumerate() {
            let (title, place, speaker) = EVENTS[(i + n) % EVENTS.len()];
            let link = place.is_none().then(|| format!("https://meet.example.id/{id}-{}", n + 1));
            sqlx::query(
                "INSERT INTO community_events (id, community_id, title, starts_at, place, link, speaker)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(format!("{id}-ev{}", n + 1))
            .bind(&id)
            .bind(title)
            .bind(today + days * DAY + 7 * 60 * 60)
            .bind(place)
            .bind(link)
            .bind(speaker)
            .execute(&mut *tx)
            .await?;
            if days < 0 {
                // The lead was at the past meeting; the members have not said yet.
                sqlx::query(
                    "INSERT INTO community_event_attendance (event_id, user_id, attended_at) VALUES ($1, $2, $3)",
                )
                .bind(format!("{id}-ev{}", n + 1))
                .bind(*lead)
                .bind(today + days * DAY + 9 * 60 * 60)
                .execute(&mut *tx)
                .await?;
                publish_attendance(
                    tx,
                    &id,
                    &format!("{id}-ev{}", n + 1),
                    lead,
                    today + days * DAY + 9 * 60 * 60,
                )
                .await?;
            }
        }
        publish(tx, &id).await?;
        publish_events(tx, &id).await?;
    }
    Ok(())
}
