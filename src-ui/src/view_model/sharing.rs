//! Berbagi di sekolah: how a colleague's device is described, and this device's address as a QR code.

use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::Peer;

/// How a peer came to be listed, or why it is no longer asked.
pub fn peer_label(l: Locale, p: &Peer) -> &'static str {
    match (p.dropped, p.added) {
        (true, _) => td_string!(l, sharing_peer_dropped),
        (false, true) => td_string!(l, sharing_peer_added),
        (false, false) => td_string!(l, sharing_peer_found),
    }
}

/// The QR code of `text` as (modules per side, an SVG path drawing every dark module as a 1×1 square
/// in a viewBox of that side plus a 4-module quiet zone each way). `None` if `text` does not fit a code.
pub fn qr_path(text: &str) -> Option<(usize, String)> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let mut d = String::new();
    for (i, c) in code.to_colors().into_iter().enumerate() {
        if c == qrcode::Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((width + 8, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_a_square_code_with_its_quiet_zone() {
        let (side, d) = qr_path("192.168.1.20:47800").unwrap();
        // Version 1 (21 modules) holds an address; 4 modules of quiet zone on each side.
        assert_eq!(side, 21 + 8);
        assert!(d.starts_with("M4 4h1v1h-1z"), "the finder pattern's corner is dark: {}", &d[..20]);
        let squares = d.matches('z').count();
        assert!(squares > 100 && squares < 21 * 21, "about half the modules are dark: {squares}");
    }

    #[test]
    fn every_peer_says_how_it_is_known() {
        let p = |added, dropped| Peer { address: "192.168.1.2:47800".into(), added, dropped };
        for l in [Locale::id, Locale::en] {
            let labels = [
                peer_label(l, &p(true, false)),
                peer_label(l, &p(false, false)),
                peer_label(l, &p(true, true)),
            ];
            assert!(labels.iter().all(|s| !s.is_empty()));
            assert_ne!(labels[0], labels[1]);
            assert_ne!(labels[1], labels[2]);
        }
    }
}
