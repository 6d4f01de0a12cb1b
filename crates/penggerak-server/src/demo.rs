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
    tx.commit().await?;
    Ok(true)
}
