//! The Komunitas list: its search and filters (and the choices each filter offers) and the member count
//! with the language's thousands separator; which event links the app may open.

use crate::i18n::{td_string, Locale};
use penggerak_types::api::Community;
use penggerak_types::ipc::CommunityItem;

/// "1.240 anggota" / "1,240 members": the language's thousands separator and plural.
pub fn members_label(l: Locale, n: i64) -> String {
    let (n, grouped) = grouped(l, n);
    crate::counted!(l, n, members_singular, members_plural, n = grouped)
}

/// "Hadir: 1.240" / "Attended: 1,240": who said they were at an event, grouped as [`members_label`].
pub fn attendees_label(l: Locale, n: i64) -> String {
    format!("{}: {}", td_string!(l, attendees), grouped(l, n).1)
}

/// A count (never below 0) and its digits grouped with the language's thousands separator.
fn grouped(l: Locale, n: i64) -> (i64, String) {
    let n = n.max(0);
    let digits = n.to_string();
    let sep = td_string!(l, thousands_separator);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    (n, out)
}

/// The Komunitas screen's search and filters. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommunityFilter {
    /// Words that must all appear in the name, topic, description, regency or lead (any case).
    pub q: String,
    pub topic: String,
    pub jenjang: String,
    /// A province.
    pub region: String,
}

impl CommunityFilter {
    pub fn matches(&self, c: &Community) -> bool {
        let hay =
            format!("{} {} {} {} {}", c.name, c.topic, c.description, c.regency, c.lead_name).to_lowercase();
        let words = self.q.to_lowercase();
        words.split_whitespace().all(|w| hay.contains(w))
            && (self.topic.is_empty() || c.topic == self.topic)
            && (self.jenjang.is_empty() || c.jenjang == self.jenjang)
            && (self.region.is_empty() || c.province == self.region)
    }
}

/// The choices each filter offers, from the communities on the device: topics, jenjang, provinces; each
/// sorted, without repeats.
pub fn filter_options(items: &[CommunityItem]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let pick = |f: fn(&Community) -> &String| {
        let set: std::collections::BTreeSet<String> = items.iter().map(|i| f(&i.community).clone()).collect();
        set.into_iter().collect::<Vec<_>>()
    };
    (pick(|c| &c.topic), pick(|c| &c.jenjang), pick(|c| &c.province))
}

/// Whether `url` is an address the app opens in the browser: `https://` and a host, nothing else (the
/// opener's permission allows exactly these; an `http://` or any other link is shown as text).
pub fn is_https(url: &str) -> bool {
    let Some(rest) = url.get(..8).filter(|s| s.eq_ignore_ascii_case("https://")).map(|_| &url[8..]) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_links_with_a_host_open() {
        assert!(is_https("https://meet.example.id/kom-1-1"));
        assert!(is_https("HTTPS://meet.example.id"));
        for bad in [
            "http://meet.example.id/x",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "https:///path",
            "https://meet.example.id/a b",
            "ftp://x",
            "",
        ] {
            assert!(!is_https(bad), "{bad:?} is shown as text, not opened");
        }
    }

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    fn community(name: &str, topic: &str, jenjang: &str, province: &str) -> Community {
        Community {
            id: name.to_lowercase(),
            name: name.into(),
            description: "Berbagi praktik baik".into(),
            topic: topic.into(),
            jenjang: jenjang.into(),
            province: province.into(),
            regency: "Kabupaten Sleman".into(),
            lead_id: "l".into(),
            lead_name: "Ibu Ratna".into(),
            member_count: 3,
        }
    }

    #[test]
    fn the_community_filter_needs_every_word_and_every_chosen_field() {
        let c = community("Kombel Numerasi Sleman", "Numerasi", "SD", "DI Yogyakarta");
        let all = CommunityFilter::default();
        assert!(all.matches(&c), "an empty filter shows everything");
        let words = CommunityFilter { q: "numerasi  SLEMAN".into(), ..all.clone() };
        assert!(words.matches(&c), "words match in any case, in any field, extra spaces ignored");
        let missing = CommunityFilter { q: "numerasi literasi".into(), ..all.clone() };
        assert!(!missing.matches(&c), "every word must be found");
        let lead = CommunityFilter { q: "ratna".into(), ..all.clone() };
        assert!(lead.matches(&c), "the lead's name is searched too");
        let other = CommunityFilter { jenjang: "SMP".into(), ..all.clone() };
        assert!(!other.matches(&c), "a chosen jenjang must match exactly");
        let bali = CommunityFilter { region: "Bali".into(), topic: "Numerasi".into(), ..all };
        assert!(!bali.matches(&c), "a chosen province must match");
    }

    #[test]
    fn filter_options_are_sorted_and_unique() {
        let item =
            |c| CommunityItem { community: c, member: false, pending: false, events: vec![], past: vec![] };
        let items = vec![
            item(community("B", "Numerasi", "SD", "DI Yogyakarta")),
            item(community("A", "Literasi", "SD", "Bali")),
            item(community("C", "Numerasi", "SMP", "Bali")),
        ];
        let (topics, jenjang, regions) = filter_options(&items);
        assert_eq!(topics, ["Literasi", "Numerasi"]);
        assert_eq!(jenjang, ["SD", "SMP"]);
        assert_eq!(regions, ["Bali", "DI Yogyakarta"]);
    }

    #[test]
    fn members_use_the_indonesian_thousands_separator() {
        assert_eq!(members_label(ID, 7), "7 anggota");
        assert_eq!(members_label(ID, 1240), "1.240 anggota");
        assert_eq!(members_label(ID, 1_000_000), "1.000.000 anggota");
        assert_eq!(members_label(ID, -1), "0 anggota", "a count never shows negative");
        assert_eq!(members_label(EN, 1), "1 member");
        assert_eq!(members_label(EN, 1240), "1,240 members", "English separator and plural");
        assert_eq!(attendees_label(ID, 1240), "Hadir: 1.240");
        assert_eq!(attendees_label(EN, 1), "Attended: 1");
    }
}
