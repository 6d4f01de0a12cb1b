//! One copy of the app on a desktop: a launch while another copy holds the single-instance name hands
//! over to it (the plugin), and a launch that finds that copy going away tries again.
//!
//! The plugin (on Linux: a name on the session bus) fails a launch whose hand-over call gets no answer:
//! the copy holding the name was closing (it disconnects without replying) or does not answer at all.
//! Closing the app and opening it again at once is an ordinary thing to do, so that failure must not end
//! the new launch: [`try_again`] starts the app afresh (the same process on Unix, so whoever started it
//! still has it), a quarter second later, until the name is free or a live copy takes the hand-over.
//! The tries have an end: after [`GIVE_UP_AFTER`] the launch stops with a sentence on stderr (a copy
//! that holds the name and never answers is hung, and only the user can close it).

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// When the first launch of a chain of tries began (milliseconds since the Unix epoch), handed to the
/// next try through its environment.
const SINCE_ENV: &str = "PENGGERAK_LAUNCH_SINCE";
/// How long a chain of tries may last.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(10);
/// The pause before each try.
const PAUSE: Duration = Duration::from_millis(250);
/// A chain's start older than this was inherited by some unrelated later launch (no try lasts this long:
/// the bus call's own timeout is 25 s), so that launch starts a chain of its own.
const STALE: Duration = Duration::from_secs(120);

/// What to do after a failed hand-over: try again, or stop.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Launch again; the chain began at `since`.
    TryAgain { since: u64 },
    /// Stop: the copy holding the name has not let go for [`GIVE_UP_AFTER`].
    GiveUp,
}

/// The decision, from the chain's start as the environment gave it (`inherited`) and the time `now`.
pub fn next(inherited: Option<&str>, now: u64) -> Next {
    let since = inherited
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|since| *since <= now && now - since < STALE.as_millis() as u64)
        .unwrap_or(now);
    if now - since >= GIVE_UP_AFTER.as_millis() as u64 {
        Next::GiveUp
    } else {
        Next::TryAgain { since }
    }
}

/// Starts the app again after the single-instance hand-over failed with `reason`, or stops when the
/// chain of tries has lasted too long. Never returns.
pub fn try_again(reason: &str) -> ! {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let since = match next(std::env::var(SINCE_ENV).ok().as_deref(), now) {
        Next::TryAgain { since } => since,
        Next::GiveUp => {
            eprintln!(
                "Penggerak is already open and does not answer: close it, then open Penggerak again. \
                 ({reason})"
            );
            std::process::exit(1);
        }
    };
    tracing::warn!(%reason, "the copy already open did not take this launch (it may be closing): trying again");
    std::thread::sleep(PAUSE);
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("Penggerak could not start again ({e}): open it once more.");
            std::process::exit(1);
        }
    };
    let mut again = Command::new(exe);
    again.args(std::env::args_os().skip(1)).env(SINCE_ENV, since.to_string());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = again.exec();
        eprintln!("Penggerak could not start again ({e}): open it once more.");
        std::process::exit(1);
    }
    #[cfg(not(unix))]
    match again.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => {
            eprintln!("Penggerak could not start again ({e}): open it once more.");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_of_tries_ends_and_a_stale_start_is_not_inherited() {
        let now = 1_000_000_000;
        assert_eq!(next(None, now), Next::TryAgain { since: now }, "the first try starts the chain");
        assert_eq!(
            next(Some(&(now - 2_000).to_string()), now),
            Next::TryAgain { since: now - 2_000 },
            "a try two seconds into the chain keeps its start"
        );
        assert_eq!(
            next(Some(&(now - GIVE_UP_AFTER.as_millis() as u64).to_string()), now),
            Next::GiveUp,
            "the chain ends after GIVE_UP_AFTER: every retry loop has an exit"
        );
        assert_eq!(
            next(Some(&(now - 3_600_000).to_string()), now),
            Next::TryAgain { since: now },
            "an hour-old start came from another launch's environment"
        );
        assert_eq!(next(Some("soon"), now), Next::TryAgain { since: now }, "garbage starts afresh");
        assert_eq!(
            next(Some(&(now + 5).to_string()), now),
            Next::TryAgain { since: now },
            "a start in the future too"
        );
    }
}
