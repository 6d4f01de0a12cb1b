//! One file per page.

pub mod community;
pub mod ditolak;
pub mod home;
pub mod kinerja;
pub mod komunitas;
pub mod konflik;
pub mod materi;
pub mod material;
pub mod pengaturan;
pub mod rencana;
pub mod sign_in;
pub mod status;
