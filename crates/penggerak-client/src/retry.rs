//! When and how long to wait before sending a request again.
//!
//! Pure policy, no I/O: [`Backoff`] is capped exponential backoff with full jitter (the random number is
//! passed in, so tests pin it), and [`may_retry`] decides from the error and how safe a replay of the
//! request is. Client errors (400/401/403/409/422) are never retried blindly: they would fail the same way.
//! A refresh that may have reached the server is never replayed: the server would see a spent refresh token
//! and revoke the whole session.

use crate::ClientError;
use penggerak_types::ErrorCode;
use std::time::Duration;

/// Capped exponential backoff with full jitter: before attempt `n + 1` (after `n` failures) wait a uniformly
/// random time in `[0, min(cap, base × 2^(n−1))]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// Attempts in all, the first included. 1 means never retry.
    pub max_attempts: u32,
}

impl Default for Backoff {
    /// 0.25 s, 0.5 s, 1 s ceilings: four attempts within 1.75 s of waiting at the worst, short enough for
    /// a person pressing a button; longer outages are the sync loop's to wait out, not one call's.
    fn default() -> Self {
        Self { base: Duration::from_millis(250), cap: Duration::from_secs(4), max_attempts: 4 }
    }
}

impl Backoff {
    /// The longest wait after `failures` failed attempts (`failures` ≥ 1).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The wait after `failures` failed attempts, for a random `unit` in `[0, 1)`.
    pub fn delay(&self, failures: u32, unit: f64) -> Duration {
        self.ceiling(failures).mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// How safe it is to send a request again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// Sending it twice has the effect of sending it once (reads, sign-in, sign-out, keyed writes).
    Safe,
    /// Safe, but an answer cut short or not in time goes back to the caller at once: asked again, the same
    /// answer would not arrive either, and the caller can ask for less (a sync page).
    SafeUnlessCut,
    /// Only if the first attempt certainly never reached the server (token refresh).
    IfNotSent,
}

/// Whether a request that failed with `error` may be sent again.
pub fn may_retry(error: &ClientError, replay: Replay) -> bool {
    match error {
        ClientError::Offline { request_sent: false, .. } => true,
        ClientError::Offline { request_sent: true, .. } => replay == Replay::Safe,
        // The server failed, was too busy to take the request, or did not get it whole in time.
        ClientError::Api(e) => {
            matches!(replay, Replay::Safe | Replay::SafeUnlessCut)
                && matches!(e.code, ErrorCode::Internal | ErrorCode::ServerBusy | ErrorCode::RequestTimeout)
        }
        ClientError::Unavailable { .. } => matches!(replay, Replay::Safe | Replay::SafeUnlessCut),
        // A proxy's 408/429 say "later", which is the sync loop's to wait out, not one call's.
        // A refused certificate is refused again until the server's certificate or the device's store
        // changes: not "offline", nothing to wait out.
        ClientError::Rejected { .. }
        | ClientError::Protocol(_)
        | ClientError::NotTheApi(_)
        | ClientError::Redirected { .. }
        | ClientError::BadUrl { .. }
        | ClientError::Untrusted { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::ApiError;

    #[test]
    fn ceilings_double_then_cap() {
        let b =
            Backoff { base: Duration::from_millis(100), cap: Duration::from_millis(450), max_attempts: 9 };
        let ceilings: Vec<u128> = (1..=5).map(|n| b.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 450, 450], "doubling from the base, never above the cap");
        assert_eq!(b.ceiling(200), b.cap, "a huge failure count saturates instead of overflowing");
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling() {
        let b = Backoff::default();
        assert_eq!(b.delay(3, 0.0), Duration::ZERO);
        assert_eq!(b.delay(3, 0.5), b.ceiling(3) / 2);
        assert!(b.delay(3, 0.999_999) <= b.ceiling(3), "never more than the ceiling");
        assert_eq!(b.delay(3, 7.0), b.ceiling(3), "an out-of-range random number is clamped");
    }

    #[test]
    fn what_is_retried() {
        let offline = |sent| ClientError::Offline { message: "x".into(), request_sent: sent };
        let api = |code| ClientError::Api(ApiError::new(code, "x"));
        let table = [
            (offline(false), Replay::IfNotSent, true, "never reached the server: always safe"),
            (offline(true), Replay::IfNotSent, false, "a refresh that may have arrived must not be replayed"),
            (offline(true), Replay::Safe, true, "an idempotent request that may have arrived"),
            (offline(false), Replay::SafeUnlessCut, true, "a sync page that never left: sent again"),
            (
                offline(true),
                Replay::SafeUnlessCut,
                false,
                "a sync page cut short or late: the caller asks for less",
            ),
            (api(ErrorCode::Internal), Replay::SafeUnlessCut, true, "a sync page the server failed"),
            (ClientError::Unavailable { status: 503 }, Replay::SafeUnlessCut, true, "or a proxy's 503"),
            (api(ErrorCode::Internal), Replay::Safe, true, "a 5xx may pass"),
            (api(ErrorCode::Internal), Replay::IfNotSent, false, "the server saw it"),
            (api(ErrorCode::ServerBusy), Replay::Safe, true, "a busy server takes it a moment later"),
            (api(ErrorCode::RequestTimeout), Replay::Safe, true, "the request did not arrive whole in time"),
            (
                api(ErrorCode::RequestTimeout),
                Replay::IfNotSent,
                false,
                "a deadline may cut a refresh that ran",
            ),
            (ClientError::Unavailable { status: 503 }, Replay::Safe, true, "a proxy's 503 may pass"),
            (api(ErrorCode::BadRequest), Replay::Safe, false, "400 fails again"),
            (api(ErrorCode::Unauthorized), Replay::Safe, false, "401 needs a refresh, not a replay"),
            (api(ErrorCode::Forbidden), Replay::Safe, false, "403 fails again"),
            (api(ErrorCode::Conflict), Replay::Safe, false, "409 is a conflict for the user"),
            (api(ErrorCode::Validation), Replay::Safe, false, "422 fails again"),
            (api(ErrorCode::RateLimited), Replay::Safe, false, "429: hammering makes it worse"),
            (ClientError::Protocol("x".into()), Replay::Safe, false, "a contract mismatch fails again"),
            (
                ClientError::Untrusted {
                    problem: crate::CertificateProblem::UnknownIssuer,
                    detail: "x".into(),
                },
                Replay::Safe,
                false,
                "an untrusted certificate is refused again: no retry loop",
            ),
        ];
        for (error, replay, expected, why) in table {
            assert_eq!(may_retry(&error, replay), expected, "{error:?} with {replay:?}: {why}");
        }
    }
}
