//! Programmes (Guru Penggerak and its successors): programme → cohorts (angkatan) → stages with dates →
//! items (modules, lokakarya, pendampingan) → outcome; and each person's participation.
