//! Deterministic demo data in Bahasa Indonesia, seeded by `penggerak-server --demo` into an empty database.
//! Every demo account's password is [`DEMO_PASSWORD`]; the accounts are listed in the README.

use crate::auth::hash_password;
use crate::Db;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "penggerak2026";

/// A demo account as the README lists it.
pub struct DemoUser {
    pub id: &'static str,
    pub full_name: &'static str,
    pub role: &'static str,
    pub nuptk: Option<&'static str>,
    pub nip: Option<&'static str>,
    pub email: &'static str,
    pub school: &'static str,
}

/// (npsn, name, jenjang, province, regency)
pub const SCHOOLS: &[(&str, &str, &str, &str, &str)] = &[
    ("20401234", "SD Negeri 1 Depok", "SD", "DI Yogyakarta", "Kabupaten Sleman"),
    ("20405678", "SMP Negeri 2 Sleman", "SMP", "DI Yogyakarta", "Kabupaten Sleman"),
    ("50102345", "SD Negeri 3 Ubud", "SD", "Bali", "Kabupaten Gianyar"),
];

pub const USERS: &[DemoUser] = &[
    DemoUser {
        id: "guru-siti",
        full_name: "Siti Rahayu, S.Pd.",
        role: "guru",
        nuptk: Some("3471765432100001"),
        nip: Some("198703152010012001"),
        email: "siti.rahayu@demo.penggerak.id",
        school: "20401234",
    },
    DemoUser {
        id: "kepsek-bambang",
        full_name: "Drs. Bambang Sutrisno, M.Pd.",
        role: "kepala_sekolah",
        nuptk: Some("3471765432100002"),
        nip: Some("196805121990031004"),
        email: "bambang.sutrisno@demo.penggerak.id",
        school: "20401234",
    },
    DemoUser {
        id: "guru-agus",
        full_name: "Agus Prasetyo, S.Pd.",
        role: "guru",
        nuptk: Some("3471765432100003"),
        nip: None,
        email: "agus.prasetyo@demo.penggerak.id",
        school: "20401234",
    },
    DemoUser {
        id: "guru-made",
        full_name: "Ni Made Ayu Lestari, S.Pd.",
        role: "guru",
        nuptk: Some("5104765432100004"),
        nip: Some("199001202015032002"),
        email: "made.lestari@demo.penggerak.id",
        school: "50102345",
    },
];

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

/// Seeds the demo data if (and only if) the database has no users. Returns whether it seeded.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<bool> {
    if !db.is_empty().await? {
        return Ok(false);
    }
    let hash = {
        let pw = DEMO_PASSWORD.to_owned();
        tokio::task::spawn_blocking(move || hash_password(&pw)).await??
    };
    let mut tx = db.pool.begin().await?;
    for (npsn, name, jenjang, province, regency) in SCHOOLS {
        sqlx::query(
            "INSERT INTO schools (npsn, name, jenjang, province, regency) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(npsn)
        .bind(name)
        .bind(jenjang)
        .bind(province)
        .bind(regency)
        .execute(&mut *tx)
        .await?;
    }
    for u in USERS {
        // The demo accounts share one password, so they share one salted argon2id hash: hashing it once
        // per account would only slow start-up. Real accounts are hashed one by one.
        sqlx::query(
            "INSERT INTO users (id, full_name, role, nuptk, nip, email, school_npsn, password_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(u.id)
        .bind(u.full_name)
        .bind(u.role)
        .bind(u.nuptk)
        .bind(u.nip)
        .bind(u.email)
        .bind(u.school)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    }
    seed_communities(&mut tx, crate::auth::now_unix()).await?;
    tx.commit().await?;
    Ok(true)
}

/// Communities, members and events. Event times are relative to `now` (so a fresh demo always has
/// upcoming events), everything else is fixed.
async fn seed_communities(tx: &mut sqlx::AnyConnection, now: i64) -> anyhow::Result<()> {
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
        }
        // One past event and two upcoming ones, at 07:00 UTC (14:00 WIB / 15:00 WITA).
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
        }
    }
    Ok(())
}
