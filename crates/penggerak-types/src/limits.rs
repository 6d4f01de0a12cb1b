//! Every bound on what a person or a device may send, in one place.
//!
//! The server refuses what is over a bound (`422 validation`, `413 payload_too_large`); the engine and the UI
//! use the same numbers so a teacher is told before anything is queued, and the OpenAPI document states
//! them (`maxLength`, `maxItems`, …) so that clients and fuzzers know them too. The bounds exist so that one
//! user can never degrade another's service: a principal's `/sync` page holds his whole school's records,
//! so whatever one teacher may write must stay small enough to travel to him.
//!
//! Text bounds count characters (Unicode scalar values, what a person sees as length), so a bound in bytes
//! is at most four times the number. Counts bound how many records one owner may hold.

/// A client-chosen id (a UUID in its 36-character form) or any id a request names: at most this many bytes.
pub const ID: usize = 64;
/// A title (a development-plan item, an evidence file), in characters.
pub const TITLE: usize = 200;
/// A file name as the teacher's device named it, in characters.
pub const FILE_NAME: usize = 200;
/// A planned result's wording, one indicator, an observation's focus, in characters.
pub const TEXT: usize = 1_000;
/// A reflection or an observation's notes, in characters.
pub const REFLECTION: usize = 10_000;
/// A principal's note on a plan (a return, a predikat), in characters.
pub const NOTE: usize = 2_000;
/// The class an observation is in, in characters.
pub const CLASS: usize = 200;

/// Planned results in one performance plan.
pub const RESULTS_PER_PLAN: usize = 10;
/// Indicators of one planned result.
pub const INDICATORS_PER_RESULT: usize = 10;
/// Events kept in a performance plan's history: moves past this are refused rather than growing the
/// record without end (a plan sent back and forth 100 times needs a person, not more history).
pub const PLAN_HISTORY: usize = 100;
/// Items in one teacher's development plan for a year.
pub const PKB_ITEMS_PER_PLAN: usize = 100;
/// Evidence files on one performance plan.
pub const EVIDENCE_PER_PLAN: usize = 30;
/// Observations scheduled on one performance plan.
pub const OBSERVATIONS_PER_PLAN: usize = 20;
/// Feedback notes a principal may leave on one plan (each at most [`TEXT`] characters).
pub const FEEDBACK_PER_PLAN: usize = 100;

/// A published app bundle, in bytes (a `.deb` of the app is about 5 MB; an update is sent whole).
pub const APP_BUNDLE: usize = 64 * 1024 * 1024;
/// An app release's notes ("what is new"), in characters.
pub const RELEASE_NOTES: usize = 2_000;
/// A bundle's signature as `tauri signer sign` writes it (base64 of a minisign signature file), in bytes.
pub const SIGNATURE: usize = 1_024;

/// Attendance of a community event ("Saya hadir") may be said from this many seconds before it starts…
pub const ATTENDANCE_EARLY_SECS: i64 = 30 * 60;
/// …to this many days after: long enough for a phone that was offline at the event to sync, short enough
/// that a year's events cannot be claimed at once.
pub const ATTENDANCE_DAYS: u32 = 14;

/// What a sign-in names the account by (a NUPTK, a NIP or an e-mail address, which is at most 254), in
/// characters.
pub const IDENTIFIER: usize = 254;
/// A password, in characters: generous for a passphrase, small enough that hashing it costs nothing extra.
pub const PASSWORD: usize = 1_024;
/// A token a client sends back (the server's are 43 characters), in bytes.
pub const TOKEN: usize = 128;

/// Bytes a material download must leave free on the device: below this a phone starts failing to take
/// photos or install updates, so a download that would go lower is refused before it starts.
pub const FREE_SPACE_KEPT: u64 = 50 * 1024 * 1024;
/// Syncs in a row that may fail to fetch a material marked "Unduh nanti" before they stop trying it (it
/// stays marked, with why; saving it by hand tries again).
pub const LATER_DOWNLOAD_TRIES: u32 = 5;

/// Berbagi di sekolah (`penggerak_core::sharing`): connections one device serves at once; more wait
/// their turn at the door (a colleague's phone must stay usable while it shares).
pub const PEER_CONNECTIONS: usize = 4;
/// Bytes of one request a device serves to a peer: its line and headers (a file part is asked for by a
/// short `GET`; nothing longer is read). 8 KiB is also the least hyper's server buffers.
pub const PEER_REQUEST_HEAD: usize = 8 * 1024;
/// Bytes of one file part a device serves to a peer (the app asks for 256 KiB at a time,
/// `penggerak_core::materials::PART`; a bigger `Range` is cut to this).
pub const PEER_PART_MAX: u64 = 1024 * 1024;
/// Seconds one connection from a peer may stay open, whatever it does meanwhile.
pub const PEER_CONNECTION_SECS: u64 = 60;
/// Peers a user may add by address (where the network blocks discovery), and peers kept from discovery.
pub const PEERS: usize = 16;
/// An address a user types for a peer (`192.168.1.20:47800`), in characters.
pub const PEER_ADDRESS: usize = 64;

/// A search text (`q`), in characters.
pub const SEARCH: usize = 100;
/// Words of a search the device looks for (those after are ignored).
pub const SEARCH_WORDS: usize = 8;
/// Results of an offline search: groups (a material, a community, a plan item…) shown.
pub const SEARCH_GROUPS: usize = 30;
/// Matching sections shown under one material.
pub const SEARCH_HITS_PER_GROUP: usize = 3;
/// Characters of a result's snippet (the matching sentence, cut around its first match).
pub const SEARCH_SNIPPET: usize = 240;
/// A filter value in a query string (`topic`, `jenjang`, `province`), in characters.
pub const FILTER: usize = 100;
/// A draft's key, in bytes (`observation-follow-up:` and an id of at most 64 bytes: 86 at most).
pub const DRAFT_KEY: usize = 128;
/// A draft's text, in bytes: the largest box's, the plan editor's rows, fit a record.
pub const DRAFT_TEXT: usize = RECORD_BYTES;
/// Drafts the device keeps at once (a box each, whatever it holds), and their text together, in bytes: a
/// hundred boxes being typed in is already far more than anyone does; the bounds keep a looping page (or
/// anything else that can call the shell) from filling the phone with keys or with text.
pub const DRAFTS: usize = 500;
/// All drafts' text together, in bytes (eight of the largest a box holds).
pub const DRAFTS_BYTES: usize = 8 * RECORD_BYTES;

/// A `/sync` cursor, in bytes (`<tx>_<seq>.<scope hash>.<changes left>`: at most 73).
pub const CURSOR: usize = 128;

/// Records in one `/sync` page when the client names no `limit`, and the most it may ask for.
pub const SYNC_PAGE_RECORDS: u32 = 500;
pub const SYNC_PAGE_RECORDS_MAX: u32 = 1_000;
/// Sync pages in a row that say "more" and bring no record after which a pull ends as a server's failure
/// (a feed never ending would hold the sync and spend data for ever; a working feed brings something with
/// every page that is not its last).
pub const SYNC_EMPTY_PAGES: u32 = 3;
/// Sync pages one pass pulls at most before it ends as a server's failure: a country's whole public
/// catalogue and a teacher's records are far fewer pages ([`SYNC_PAGE_RECORDS`] records each).
pub const SYNC_PAGES_PER_PASS: u32 = 10_000;
/// The records of one `/sync` page, serialised, stop growing past this many bytes (a page always holds at
/// least one record, so one record's worst case, [`RECORD_BYTES`], bounds a page at this plus that).
pub const SYNC_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// The largest a single record may serialise to, so that any record fits a page. The largest record is a
/// performance plan: 10 results of 11 texts of 1,000 characters, a reflection, 100 history notes.
pub const RECORD_BYTES: usize = 2 * 1024 * 1024;

/// The slowest link the app gives a large transfer time for, in bytes a second (a slow 2G link): a client
/// waits its usual time plus the body's size at this rate for a file upload, and plus [`RECORD_BYTES`] at
/// this rate for a sync page of one record that did not arrive in the usual time; the server's upload
/// deadline (15 min) is the largest upload at about this rate.
pub const SLOWEST_LINK_BYTES_PER_SEC: u64 = 12 * 1024;

/// A JSON request body, in bytes (the largest legitimate one, a plan with every text at its bound, is about
/// 0.5 MB even in four-byte characters).
pub const JSON_BODY: usize = 1024 * 1024;

// One record always fits a page, checked when the crate compiles: a performance plan at every bound, with
// its history full of notes, every character a control character that JSON escapes as six bytes
// (`\u0001`), the worst case of bytes per character, plus room for its ids and dates.
const _: () = {
    let plan_text = RESULTS_PER_PLAN * (1 + INDICATORS_PER_RESULT) * TEXT + REFLECTION + PLAN_HISTORY * NOTE;
    assert!(plan_text * 6 + 64 * 1024 < RECORD_BYTES, "a plan at every bound must fit one record");
    assert!(RECORD_BYTES <= SYNC_PAGE_BYTES, "a record must fit a page");
};

/// Whether `s` is at most `max` characters.
pub fn fits(s: &str, max: usize) -> bool {
    // Bytes bound characters from above: most text never needs counting.
    s.len() <= max || s.chars().count() <= max
}

/// Whether `s` is a usable id: 1 to [`ID`] bytes of ASCII letters, digits and `-_.:`, so it can stand in a
/// URL path segment, a file name and a log line as it is.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= ID
        && s != "."
        && s != ".."
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Whether `s` holds a control character (a line break, a tab, NUL, …), which a one-line field refuses.
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_counts_characters_not_bytes() {
        assert!(fits(&"é".repeat(10), 10), "ten two-byte characters are ten characters");
        assert!(!fits(&"é".repeat(11), 10));
        assert!(fits("", 0));
    }

    #[test]
    fn ids_are_short_plain_and_never_a_path() {
        assert!(is_id("3f2b9c1e-8d4a-4b7e-9f00-1a2b3c4d5e6f"));
        assert!(is_id("pkb:guru-siti:2026"), "server ids use colons");
        for bad in ["", ".", "..", "a/b", "a b", "a%2f", "a?b", "a#b", &"x".repeat(ID + 1), "é"] {
            assert!(!is_id(bad), "{bad:?} must not pass as an id");
        }
    }
}
