//! Every word the UI shows, in Bahasa Indonesia. (Issue 5 replaces this with an i18n library with English
//! as the second language; until then no UI string is written anywhere else.)

pub const APP_NAME: &str = "Penggerak";
pub const TAGLINE: &str = "Teman belajar dan berkarya para guru";
pub const LOADING: &str = "Memuat…";
pub const SIGN_IN_TITLE: &str = "Masuk";
pub const IDENTIFIER_LABEL: &str = "NUPTK, NIP, atau email";
pub const PASSWORD_LABEL: &str = "Kata sandi";
pub const ADVANCED: &str = "Pengaturan lanjutan";
pub const SERVER_LABEL: &str = "Alamat server";
pub const SIGN_IN_BUTTON: &str = "Masuk";
pub const SIGNING_IN: &str = "Sedang masuk…";
pub const HOME_TITLE: &str = "Beranda";
pub const WELCOME: &str = "Selamat datang,";
pub const SIGN_OUT_BUTTON: &str = "Keluar";
pub const SIGNING_OUT: &str = "Sedang keluar…";
pub const RETRY: &str = "Coba lagi";
pub const ROLE_GURU: &str = "Guru";
pub const ROLE_KEPALA_SEKOLAH: &str = "Kepala sekolah";
pub const ROLE_PENGAWAS: &str = "Pengawas sekolah";
pub const ROLE_ADMIN: &str = "Admin";
pub const NUPTK: &str = "NUPTK";
pub const NIP: &str = "NIP";
pub const NO_SCHOOL: &str = "Belum terhubung ke satuan pendidikan";
pub const ERR_OFFLINE: &str =
    "Server tidak dapat dihubungi. Periksa koneksi internet Anda atau alamat server di Pengaturan lanjutan.";
pub const ERR_INVALID_CREDENTIALS: &str = "NUPTK/NIP/email atau kata sandi salah.";
pub const ERR_SESSION_EXPIRED: &str = "Sesi Anda telah berakhir. Silakan masuk kembali.";
pub const ERR_RATE_LIMITED: &str = "Terlalu banyak percobaan. Tunggu beberapa menit lalu coba lagi.";
pub const ERR_KEYRING: &str =
    "Penyimpanan kata sandi perangkat tidak dapat dipakai. Buka kunci keyring perangkat Anda lalu coba lagi.";
pub const ERR_FIELDS_REQUIRED: &str = "Isi NUPTK/NIP/email dan kata sandi.";
pub const ERR_NOT_IN_APP: &str = "Halaman ini harus dibuka di dalam aplikasi Penggerak.";
pub const ERR_NOT_ALLOWED: &str = "Perintah ini tidak diizinkan di aplikasi.";
pub const ERR_GENERIC: &str = "Terjadi kesalahan";
