//! Learning materials: catalogue entries, text sections and attached files (size, SHA-256).
