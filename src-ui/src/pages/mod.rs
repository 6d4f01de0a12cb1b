//! One file per page.

pub mod beside;
pub mod communities;
pub mod community;
pub mod conflicts;
pub mod deadlines;
pub mod help;
pub mod home;
pub mod material;
pub mod materials;
pub mod performance;
pub mod pkb;
pub mod programme;
pub mod refused;
pub mod search;
pub mod settings;
pub mod sign_in;
pub mod staff;
pub mod staff_member;
pub mod storage;
pub mod supervision;
pub mod welcome;
