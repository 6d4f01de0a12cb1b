//! Berbagi di sekolah: how two devices of colleagues on the same network talk (the engine serves, the
//! client asks). Only files of learning materials travel, each named by its SHA-256 as this device's own
//! catalogue lists it; the receiver checks the hash before it keeps a byte.

use crate::limits;
use crate::reason::{Field, Reason};
use std::net::{IpAddr, SocketAddr};

/// The DNS-SD service type a sharing device announces and looks for. Its name (between `_` and `._tcp`)
/// is at most 15 characters (RFC 6763 §7.2): mDNS responders drop a longer one without a word.
pub const SERVICE_TYPE: &str = "_penggerak._tcp.local.";
/// The port a sharing device listens on when it is free (another one otherwise; the address shown for
/// typing in always has the port in use).
pub const PORT: u16 = 47_800;
/// Where a file is asked for: this, then its SHA-256 (64 lowercase hex digits). Only `GET` with one
/// `Range: bytes=<first>-<last>`.
pub const FILE_PREFIX: &str = "/berbagi/v1/files/";

/// Where a material's text is asked for: this, then its tag (the 32 hex digits of its `content_etag`).
/// Only `GET`; the whole text.
pub const TEXT_PREFIX: &str = "/berbagi/v1/texts/";

/// A text's path on a peer, by the catalogue's `content_etag` (`None` if it is not in the form
/// [`crate::material::Material::content_etag`] gives it).
pub fn text_path(content_etag: &str) -> Option<String> {
    text_tag(content_etag).map(|tag| format!("{TEXT_PREFIX}{tag}"))
}

/// The tag inside a `content_etag`: `"` + 32 lowercase hex digits + `"` gives the digits.
pub fn text_tag(content_etag: &str) -> Option<&str> {
    let tag = content_etag.strip_prefix('"')?.strip_suffix('"')?;
    is_text_tag(tag).then_some(tag)
}

/// 32 lowercase hex digits: the first half of a SHA-256, as a text's tag.
pub fn is_text_tag(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A file's path on a peer.
pub fn file_path(sha256: &str) -> String {
    format!("{FILE_PREFIX}{sha256}")
}

/// A hash as the catalogue gives it and as a peer is asked for it: 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `ip` can be a colleague's device on the same network: a private (RFC 1918), shared (RFC 6598,
/// carrier hotspots), link-local or loopback IPv4 address, or an IPv6 unique-local or loopback one. A
/// public address is someone else's network: a download from there costs data like the server, with none
/// of its trust. IPv6 link-local addresses are left out: they name no device without the interface they
/// are on, which an address typed or announced does not carry.
pub fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || v4.is_link_local() || v4.is_loopback() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00
        }
    }
}

/// A peer's address as a user types it (`192.168.1.20:47800`, or without the port for [`PORT`]): an IP
/// literal on the local network (no name is looked up), bounded by [`limits::PEER_ADDRESS`].
pub fn parse_address(typed: &str) -> Result<SocketAddr, Reason> {
    let typed = typed.trim();
    let invalid = Reason::NotValid { field: Field::PeerAddress };
    if typed.chars().count() > limits::PEER_ADDRESS {
        return Err(Reason::TooLong { field: Field::PeerAddress, max: limits::PEER_ADDRESS as u32 });
    }
    let addr = match typed.parse::<SocketAddr>() {
        Ok(a) => a,
        Err(_) => SocketAddr::new(typed.parse::<IpAddr>().map_err(|_| invalid.clone())?, PORT),
    };
    if addr.port() == 0 || !is_local(addr.ip()) || addr.ip().is_unspecified() {
        return Err(invalid);
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_ip_literals_are_peers() {
        assert_eq!(parse_address("192.168.1.20:47801").unwrap().to_string(), "192.168.1.20:47801");
        assert_eq!(parse_address(" 10.0.0.7 ").unwrap().port(), PORT, "the port may be left out");
        assert!(parse_address("100.72.3.4:80").is_ok(), "a carrier hotspot's shared range");
        assert!(parse_address("[fd00::2]:47800").is_ok(), "IPv6 unique-local");
        for bad in [
            "8.8.8.8:47800",     // someone else's network
            "example.com:47800", // a name would be looked up, and could point anywhere
            "192.168.1.20:0",
            "0.0.0.0:47800",
            "192.168.1.20:99999",
            "",
            "http://192.168.1.20:47800",
            "[fe80::1]:47800", // link-local: no device without its interface
            "[2001:db8::1]:47800",
        ] {
            assert!(parse_address(bad).is_err(), "{bad:?} is not a peer's address");
        }
        let long = format!("192.168.1.1:{}", "1".repeat(80));
        assert!(
            matches!(parse_address(&long), Err(Reason::TooLong { field: Field::PeerAddress, .. })),
            "bounded before it is parsed"
        );
    }

    #[test]
    fn a_text_is_asked_for_by_its_tag_only() {
        let tag = "0123456789abcdef0123456789abcdef";
        assert_eq!(text_path(&format!("\"{tag}\"")), Some(format!("/berbagi/v1/texts/{tag}")));
        for bad in [tag, "\"../../x\"", "\"W/abc\"", "", "\"0123456789ABCDEF0123456789ABCDEF\""] {
            assert_eq!(text_path(bad), None, "{bad:?} is no tag");
        }
    }

    #[test]
    fn the_service_name_fits_dns_sd() {
        let name = SERVICE_TYPE.strip_prefix('_').and_then(|s| s.strip_suffix("._tcp.local.")).unwrap();
        assert!(name.len() <= 15 && !name.is_empty(), "{name:?} is a DNS-SD service name");
    }

    #[test]
    fn a_file_is_asked_for_by_its_hash_only() {
        let sha = "0".repeat(64);
        assert!(is_sha256(&sha));
        assert_eq!(file_path(&sha), format!("/berbagi/v1/files/{sha}"));
        for bad in ["../etc/passwd", &"A".repeat(64), &"0".repeat(63), ""] {
            assert!(!is_sha256(bad), "{bad:?} names no file");
        }
    }
}
