//! The Materi screens: the kinds of material and their names, the search, and what a material's chip and
//! download button say (how much is on the device, what saving the rest costs in data).

use super::errors::error_text;
use super::sizes::bytes_label;
use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::{MaterialItem, Saved};
use penggerak_types::limits::LATER_DOWNLOAD_TRIES;
use penggerak_types::material::{MaterialKind, MaterialQuery};
use penggerak_types::ApiError;

/// The kinds of material, in the order the filter offers them, with the key the filter keeps.
pub const MATERIAL_KINDS: [(&str, MaterialKind); 4] = [
    ("modul", MaterialKind::Modul),
    ("perangkat_ajar", MaterialKind::PerangkatAjar),
    ("bacaan", MaterialKind::Bacaan),
    ("video", MaterialKind::Video),
];

/// A kind of material, in words.
pub fn material_kind_label(l: Locale, kind: MaterialKind) -> &'static str {
    match kind {
        MaterialKind::Modul => td_string!(l, kind_modul),
        MaterialKind::PerangkatAjar => td_string!(l, kind_perangkat_ajar),
        MaterialKind::Bacaan => td_string!(l, kind_bacaan),
        MaterialKind::Video => td_string!(l, kind_video),
    }
}

/// The Materi screen's filters: a kind key of [`MATERIAL_KINDS`], a topic and a jenjang ("" = all). The
/// words typed in its search box go to the device's search instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaterialFilter {
    pub kind: String,
    pub topic: String,
    pub jenjang: String,
}

impl MaterialFilter {
    pub fn matches(&self, item: &MaterialItem) -> bool {
        let kind = MATERIAL_KINDS.iter().find(|(key, _)| *key == self.kind).map(|(_, k)| *k);
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        MaterialQuery { q: None, kind, topic: some(&self.topic), jenjang: some(&self.jenjang) }
            .matches(&item.material)
    }
}

/// The topics and jenjang the catalogue holds, each sorted and once: the filters' choices.
pub fn material_filter_options(items: &[MaterialItem]) -> (Vec<String>, Vec<String>) {
    let mut topics: Vec<String> = items.iter().map(|i| i.material.topic.clone()).collect();
    let mut jenjang: Vec<String> = items.iter().flat_map(|i| i.material.jenjang.iter().cloned()).collect();
    for list in [&mut topics, &mut jenjang] {
        list.retain(|s| !s.is_empty());
        list.sort();
        list.dedup();
    }
    (topics, jenjang)
}

/// How much of a material is on the device, in whole percent (rounded down: 100 only when all is there).
fn saved_percent(item: &MaterialItem) -> u64 {
    let total = item.material.download_size();
    if total == 0 {
        return 100;
    }
    (u128::from(item.saved_bytes.min(total)) * 100 / u128::from(total)) as u64
}

/// The chip beside a material: waiting for Wi-Fi ("Unduh nanti"), saved, a newer version waiting, or how
/// far a stopped download got; `None` when nothing of it is on the device or asked for.
pub fn saved_chip(l: Locale, item: &MaterialItem) -> Option<String> {
    if item.later && item.saved != Saved::Yes {
        return Some(td_string!(l, later_chip).to_string());
    }
    match item.saved {
        Saved::Yes => Some(td_string!(l, saved_yes).to_string()),
        Saved::Outdated => Some(td_string!(l, saved_outdated).to_string()),
        Saved::No if item.saved_bytes > 0 => {
            Some(td_string!(l, saved_partial, percent = saved_percent(item)).to_string())
        }
        Saved::No => None,
    }
}

/// What the download button offers, with what it will cost in data and, when the device can tell, the free
/// space left; `None` when the material is saved in its newest version (nothing to download).
pub fn save_label(l: Locale, item: &MaterialItem, free: Option<u64>) -> Option<String> {
    let label = offer(l, item)?;
    Some(match free {
        Some(free) => {
            td_string!(l, save_material_room, label = label, free = bytes_label(l, free)).to_string()
        }
        None => label,
    })
}

fn offer(l: Locale, item: &MaterialItem) -> Option<String> {
    let total = item.material.download_size();
    let left = total.saturating_sub(item.saved_bytes);
    match item.saved {
        Saved::Yes => None,
        Saved::Outdated => {
            Some(td_string!(l, update_material, size = bytes_label(l, left.max(1))).to_string())
        }
        Saved::No if item.saved_bytes > 0 => {
            Some(td_string!(l, resume_material, size = bytes_label(l, left)).to_string())
        }
        Saved::No => Some(td_string!(l, save_material, size = bytes_label(l, total)).to_string()),
    }
}

/// The progress line of a download running: bytes on the device of the whole.
pub fn saving_label(l: Locale, item: &MaterialItem) -> String {
    let total = item.material.download_size();
    td_string!(
        l,
        saving_material,
        done = bytes_label(l, item.saved_bytes.min(total)),
        total = bytes_label(l, total)
    )
    .to_string()
}

/// Why fetching a material marked "Unduh nanti" failed the last time (`failed`, after `failures` tries in a
/// row), and, once the syncs stopped trying it, that they did and how she can try.
pub fn later_failed_text(l: Locale, failed: &ApiError, failures: u32) -> String {
    // Without a rule, the engine's or server's own words (a protocol's English, say) are not for her: the
    // code's sentence, or the generic one.
    let why = match failed.reason {
        Some(_) => error_text(l, failed),
        None => error_text(l, &ApiError { message: String::new(), ..failed.clone() }),
    };
    if failures >= LATER_DOWNLOAD_TRIES {
        td_string!(l, later_stopped, tries = failures, why = why).to_string()
    } else {
        td_string!(l, later_failed, why = why).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label with its no-break spaces (between a size and its unit) shown as spaces.
    fn plain(s: impl Into<String>) -> String {
        s.into().replace('\u{a0}', " ")
    }

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    fn material_item(saved: Saved, saved_bytes: u64) -> MaterialItem {
        MaterialItem {
            material: penggerak_types::material::Material {
                id: "materi-01".into(),
                title: "Pembelajaran Berdiferensiasi".into(),
                kind: MaterialKind::Modul,
                topic: "Pembelajaran".into(),
                jenjang: vec![],
                summary: "Menyesuaikan pembelajaran dengan kebutuhan murid.".into(),
                updated: "2026-11-01".into(),
                content_size: 20_000,
                content_etag: "\"e\"".into(),
                files: vec![penggerak_types::material::MaterialFile {
                    id: "f".into(),
                    name: "modul.pdf".into(),
                    content_type: "application/pdf".into(),
                    size: 5_980_000,
                    sha256: "00".into(),
                }],
            },
            saved,
            saved_bytes,
            later: false,
            later_failed: None,
            later_failures: 0,
        }
    }

    /// A failed "Unduh nanti" says why even when the failure had no rule (only its code), and says when
    /// the syncs stopped trying.
    #[test]
    fn a_failed_later_download_says_why_and_when_the_syncs_stop() {
        use penggerak_types::ErrorCode;
        let filtered = ApiError::new(ErrorCode::Forbidden, "");
        let once = later_failed_text(EN, &filtered, 1);
        assert!(once.starts_with("The last try did not work: "), "{once}");
        assert!(!once.ends_with(": "), "a reason-less failure is worded by its code: {once}");
        let stopped = later_failed_text(ID, &filtered, LATER_DOWNLOAD_TRIES);
        assert!(stopped.starts_with("Sudah 5 kali gagal diunduh otomatis"), "{stopped}");
        let protocol =
            ApiError::new(ErrorCode::Internal, "asked for modul.pdf from byte 10, got bytes from 0");
        assert!(
            !later_failed_text(ID, &protocol, 1).contains("asked for"),
            "the engine's own English is not shown to her"
        );
        let full = ApiError::refused(ErrorCode::Storage, penggerak_types::Reason::DeviceFull);
        assert!(
            later_failed_text(EN, &full, 1).contains("storage is full"),
            "a full device says so, not 'cannot be read'"
        );
    }

    #[test]
    fn a_material_says_what_saving_it_costs_and_how_far_it_got() {
        let none = material_item(Saved::No, 0);
        assert_eq!(saved_chip(ID, &none), None, "nothing on the device: no chip");
        assert_eq!(plain(save_label(ID, &none, None).unwrap()), "Unduh untuk dibaca tanpa internet (6 MB)");
        assert_eq!(plain(save_label(EN, &none, None).unwrap()), "Save for offline reading (6 MB)");
        assert_eq!(
            plain(save_label(ID, &none, Some(180_000_000)).unwrap()),
            "Unduh untuk dibaca tanpa internet (6 MB) · sisa ruang 180 MB",
            "with the free space, when the device can tell"
        );

        let half = material_item(Saved::No, 3_000_000);
        assert_eq!(saved_chip(ID, &half).unwrap(), "Terunduh 50%");
        assert_eq!(
            plain(save_label(ID, &half, None).unwrap()),
            "Lanjutkan unduhan (3 MB lagi)",
            "only what is missing"
        );
        assert_eq!(plain(saving_label(EN, &half)), "Downloading… 3 MB of 6 MB");

        let almost = material_item(Saved::No, 5_999_999);
        assert_eq!(saved_chip(EN, &almost).unwrap(), "99% downloaded", "100% only when it is all there");

        let saved = material_item(Saved::Yes, 6_000_000);
        assert_eq!(
            (saved_chip(ID, &saved).unwrap().as_str(), save_label(ID, &saved, Some(1))),
            ("Tersimpan", None)
        );

        let mut later = material_item(Saved::No, 0);
        later.later = true;
        assert_eq!(saved_chip(ID, &later).unwrap(), "Menunggu Wi-Fi", "marked to download later");

        let old = material_item(Saved::Outdated, 5_980_000);
        assert_eq!(saved_chip(EN, &old).unwrap(), "New version available");
        assert_eq!(
            plain(save_label(ID, &old, None).unwrap()),
            "Perbarui (20 KB)",
            "the new text is what is missing"
        );
    }

    #[test]
    fn the_materials_filters_combine_kind_topic_and_jenjang() {
        let m = material_item(Saved::No, 0);
        let mut sd = material_item(Saved::No, 0);
        sd.material.jenjang = vec!["SD".into()];
        sd.material.topic = "Asesmen".into();
        let f = |kind: &str, topic: &str, jenjang: &str, m: &MaterialItem| {
            MaterialFilter { kind: kind.into(), topic: topic.into(), jenjang: jenjang.into() }.matches(m)
        };
        assert!(f("", "", "", &m), "no filter shows everything");
        assert!(f("modul", "", "", &m) && !f("video", "", "", &m), "the kind narrows");
        assert!(f("", "Asesmen", "", &sd) && !f("", "Asesmen", "", &m), "the topic narrows");
        assert!(f("", "", "SD", &sd) && !f("", "", "SMP", &sd), "the jenjang narrows");
        assert!(f("", "", "SMP", &m), "a material for every jenjang (none named) fits each");
        assert_eq!(
            material_filter_options(&[m.clone(), sd.clone(), sd]),
            (vec!["Asesmen".to_owned(), "Pembelajaran".to_owned()], vec!["SD".to_owned()]),
            "each choice once, sorted"
        );
        assert_eq!(
            MATERIAL_KINDS.map(|(_, k)| material_kind_label(EN, k)),
            ["Module", "Teaching kit", "Reading", "Video"]
        );
    }
}
