//! The end-to-end tests, one module per screen's flow, in one test binary: each links the whole server,
//! engine and WebDriver client, and six binaries cost six links and six times the disk. Run by
//! `cargo xtask test` (or `cargo xtask e2e`) one test at a time, each with its own server, app and keyring.

mod aksesibilitas;
mod bahasa;
mod berbagi;
mod binaan;
mod desktop;
mod ditolak;
mod kinerja;
mod komunitas;
mod konflik;
mod materi;
mod rencana;
mod sign_in;
