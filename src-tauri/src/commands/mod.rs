//! IPC commands, one module per area. Names and argument shapes are in `penggerak_types::ipc`.

pub mod materials;
pub mod session;
pub mod settings;
pub mod staff;
pub mod sync;
pub mod views;
