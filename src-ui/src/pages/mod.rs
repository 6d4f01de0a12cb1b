//! One file per page.

pub mod home;
pub mod kinerja;
pub mod sign_in;
