//! Authentication: argon2id password hashes, opaque bearer tokens stored as SHA-256 hashes, rotating refresh
//! tokens grouped in session families with an absolute lifetime (a refresh retried within a short grace
//! window gets the same successor pair again; any other reuse of a spent refresh token revokes its whole
//! family), known devices (device tokens, stored hashed, that let their owner sign in past the limits other
//! callers hit), the cleanup of expired rows, and the [`AuthUser`] extractor that every protected route
//! takes.
//!
//! Never: stores a token, device token or password in plaintext (only SHA-256 hashes, argon2id hashes, and
//! the random salts successor pairs are derived from with the spent token as key).

use crate::db::Backend;
use crate::error::{Result, ServerError};
use crate::records::{Audience, Stored};
use crate::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use hmac::{Hmac, Mac};
use penggerak_types::api::{Role, TokenPair};
use penggerak_types::ErrorCode;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// Checks `password` against a PHC hash. A malformed hash counts as a mismatch.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash of a well-formed password, verified against when the identifier is unknown, so that an unknown
/// account and a wrong password take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy-password-never-valid").expect("argon2 works"))
}

/// 256 random bits, base64url: an opaque bearer token.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A user's stored sign-in data, found by identifier.
pub struct Account {
    pub user_id: String,
    password_hash: String,
}

/// The user whose NUPTK, NIP or e-mail (any case) is `$1`: each by an index (the e-mail's by
/// `users_by_email_folded`; tests/query_plans.rs).
pub const FIND_ACCOUNT: &str =
    "SELECT id, password_hash FROM users WHERE nuptk = $1 OR nip = $1 OR lower(email) = lower($1)";

/// Finds the user whose NUPTK, NIP or e-mail (any case) is `identifier`.
pub async fn find_account(state: &AppState, identifier: &str) -> Result<Option<Account>> {
    let row: Option<(String, String)> =
        sqlx::query_as(FIND_ACCOUNT).bind(identifier.trim()).fetch_optional(&state.db.pool).await?;
    Ok(row.map(|(user_id, password_hash)| Account { user_id, password_hash }))
}

/// Checks `password` against `account` (`None`: the identifier named nobody). Returns the user id. At most
/// [`crate::Transport::password_checks`] run at once; the others wait their turn.
pub async fn check_password(state: &AppState, account: Option<&Account>, password: &str) -> Result<String> {
    let hash = account.map_or(decoy_hash(), |a| a.password_hash.as_str()).to_owned();
    let password = password.to_owned();
    let turn = Arc::clone(&state.password_checks)
        .acquire_owned()
        .await
        .map_err(|e| ServerError::Internal(e.into()))?;
    let running = state.metrics.password_check();
    // argon2 is deliberately slow: keep it off the async workers. The turn is held by the check itself, so
    // a sign-in given up (its deadline passed) frees it only when its argon2 run has ended.
    let ok = tokio::task::spawn_blocking(move || {
        // Dropped in this order after the check: counted as ended before the turn passes on.
        let _held = (running, turn);
        verify_password(&password, &hash)
    })
    .await
    .map_err(|e| ServerError::Internal(e.into()))?;
    match (ok, account) {
        (true, Some(a)) => Ok(a.user_id.clone()),
        _ => Err(ServerError::new(ErrorCode::InvalidCredentials, "NUPTK/NIP/email atau kata sandi salah.")),
    }
}

/// Starts a new session family for `user_id` and issues its first token pair.
pub async fn start_session(state: &AppState, user_id: &str) -> Result<TokenPair> {
    let family = uuid::Uuid::new_v4().to_string();
    let now = now_unix();
    let mut tx = state.db.begin().await?;
    lock_user(state, &mut tx, user_id).await?;
    sqlx::query("INSERT INTO session_families (id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(&family)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // The user's sessions beyond the newest MAX_SESSIONS_PER_USER (this one always kept) end here, their
    // tokens with them: signing in again and again (a script with the right password: successes are not
    // rate-limited) would otherwise store a session per sign-in for its whole lifetime.
    let beyond = format!(
        "SELECT id FROM session_families WHERE user_id = $1 AND id <> $2 AND id NOT IN ({USER_SESSIONS} LIMIT $3)"
    );
    // The tokens first: they refer to their family.
    for (table, family_column) in
        [("access_tokens", "family_id"), ("refresh_tokens", "family_id"), ("session_families", "id")]
    {
        sqlx::query(&format!("DELETE FROM {table} WHERE {family_column} IN ({beyond})"))
            .bind(user_id)
            .bind(&family)
            .bind(MAX_SESSIONS_PER_USER - 1)
            .execute(&mut *tx)
            .await?;
    }
    let pair = store_pair(state, &mut tx, &family, now, new_token(), new_token()).await?;
    tx.commit().await?;
    Ok(pair)
}

/// On PostgreSQL, locks user `user_id`'s row for the transaction: what starts a session (and may end the
/// oldest ones) and what rotates a refresh token take it first, so they follow each other per user.
/// Without it a refresh could store its new tokens in a family a sign-in was ending, whose deletion then
/// failed on them (the sign-in answered 500). `FOR NO KEY UPDATE`: rows that merely refer to the user
/// (a new session's) are not held up by it. SQLite's `BEGIN IMMEDIATE` serialises writers already.
async fn lock_user(state: &AppState, tx: &mut sqlx::AnyConnection, user_id: &str) -> Result<()> {
    if state.db.backend == Backend::Postgres {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE").bind(user_id).execute(tx).await?;
    }
    Ok(())
}

/// When a session family started at `created_at` ends for good, however often it is refreshed.
fn family_end(state: &AppState, created_at: i64) -> i64 {
    created_at.saturating_add(state.config.session_lifetime.as_secs() as i64)
}

/// Stores the hashes of a new pair in `family` (started at `family_start`) and returns the pair. Neither
/// token outlives the family's absolute lifetime.
async fn store_pair(
    state: &AppState,
    tx: &mut sqlx::AnyConnection,
    family: &str,
    family_start: i64,
    access: String,
    refresh: String,
) -> Result<TokenPair> {
    let now = now_unix();
    let end = family_end(state, family_start);
    let access_expires = end.min(now.saturating_add(state.config.access_ttl.as_secs() as i64));
    let refresh_expires = end.min(now.saturating_add(state.config.refresh_ttl.as_secs() as i64));
    sqlx::query("INSERT INTO access_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&access))
        .bind(family)
        .bind(access_expires)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&refresh))
        .bind(family)
        .bind(refresh_expires)
        .execute(&mut *tx)
        .await?;
    Ok(pair(access, access_expires, refresh, refresh_expires, now))
}

fn pair(access: String, access_expires: i64, refresh: String, refresh_expires: i64, now: i64) -> TokenPair {
    TokenPair {
        access_token: access,
        access_expires_in: access_expires.saturating_sub(now).max(0) as u64,
        refresh_token: refresh,
        refresh_expires_in: refresh_expires.saturating_sub(now).max(0) as u64,
    }
}

/// The successor pair of the refresh token `spent`: HMAC-SHA256 keyed by the spent token (which only its
/// holder knows) over the rotation's random `salt`, so the same pair can be derived again when a refresh
/// is retried, while the database holds only the salt and the pair's hashes.
fn successor(spent: &str, salt: &str) -> (String, String) {
    let derive = |label: &[u8]| {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(spent.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(salt.as_bytes());
        mac.update(label);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    };
    (derive(b"\0access"), derive(b"\0refresh"))
}

/// 256 random bits, hex: the salt of one rotation.
fn new_salt() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn session_expired() -> ServerError {
    ServerError::new(ErrorCode::SessionExpired, "Sesi Anda telah berakhir. Silakan masuk kembali.")
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    family_id: String,
    expires_at: i64,
    used_at: Option<i64>,
    successor_salt: Option<String>,
    revoked_at: Option<i64>,
    user_id: String,
    created_at: i64,
}

/// Spends a refresh token and issues a new pair in the same family. Returns the new pair and the user id.
///
/// A token spent less than `Config::refresh_grace` ago whose successor refresh token has not been spent
/// yet is a retry whose answer was lost (or a race of one client's refreshes): it is answered with the same
/// successor pair. Any other reuse of a spent token means it was stolen or replayed: the whole family is
/// revoked. The row is locked for the transaction (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's `FOR UPDATE`),
/// so racing refreshes see each other's rotation instead of both rotating.
pub async fn rotate(state: &AppState, refresh_token: &str) -> Result<(TokenPair, String)> {
    let mut tx = state.db.begin().await?;
    // Whose token it is, to take the user's lock before the token's (the order sign-in takes them in).
    let owner: Option<(String,)> = sqlx::query_as(
        "SELECT f.user_id FROM refresh_tokens r JOIN session_families f ON f.id = r.family_id
         WHERE r.token_hash = $1",
    )
    .bind(token_hash(refresh_token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((owner,)) = owner else {
        return Err(session_expired());
    };
    lock_user(state, &mut tx, &owner).await?;
    let lock = if state.db.backend == Backend::Postgres { " FOR UPDATE OF r" } else { "" };
    let row: Option<RefreshRow> = sqlx::query_as(&format!(
        "SELECT r.family_id, r.expires_at, r.used_at, r.successor_salt, f.revoked_at, f.user_id, f.created_at
         FROM refresh_tokens r JOIN session_families f ON f.id = r.family_id
         WHERE r.token_hash = $1{lock}"
    ))
    .bind(token_hash(refresh_token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(session_expired());
    };
    let now = now_unix();
    if row.revoked_at.is_some() || row.expires_at <= now || family_end(state, row.created_at) <= now {
        return Err(session_expired());
    }
    if let Some(used_at) = row.used_at {
        let grace = state.config.refresh_grace.as_secs() as i64;
        if let (Some(salt), true) = (&row.successor_salt, now < used_at.saturating_add(grace)) {
            if let Some(pair) = reissue(&mut tx, &row.family_id, refresh_token, salt, now).await? {
                tx.commit().await?;
                return Ok((pair, row.user_id));
            }
        }
        revoke_family(&mut tx, &row.family_id).await?;
        tx.commit().await?;
        tracing::warn!(family = row.family_id, "refresh token reused: session family revoked");
        return Err(session_expired());
    }
    // A session rotating faster than any app does is a script (a refresh needs no access token, so neither
    // the per-user share nor the day's change count bounds it): it wrote two rows a turn, kept for the
    // refresh token's month so that a replay is still caught. It ends here instead, as a reuse would.
    if rotated_too_fast(&mut tx, state, &row.family_id, now).await? {
        revoke_family(&mut tx, &row.family_id).await?;
        tx.commit().await?;
        tracing::warn!(family = row.family_id, "session rotated faster than any app: revoked");
        return Err(session_expired());
    }
    let salt = new_salt();
    let spent = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $1, successor_salt = $2 WHERE token_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(&salt)
    .bind(token_hash(refresh_token))
    .execute(&mut *tx)
    .await?;
    if spent.rows_affected() != 1 {
        return Err(session_expired());
    }
    let (access, refresh) = successor(refresh_token, &salt);
    let pair = store_pair(state, &mut tx, &row.family_id, row.created_at, access, refresh).await?;
    tx.commit().await?;
    Ok((pair, row.user_id))
}

/// Rotations a session may make within [`ROTATION_WINDOW_TTLS`] access-token lifetimes: an app rotates once
/// per lifetime at most (when its access token has expired), so twice that is none of its doing.
const ROTATIONS_PER_WINDOW: i64 = 16;
/// The window [`ROTATIONS_PER_WINDOW`] are counted in, in access-token lifetimes (2 hours by default).
const ROTATION_WINDOW_TTLS: i64 = 8;

/// Whether `family` already rotated [`ROTATIONS_PER_WINDOW`] times in the last [`ROTATION_WINDOW_TTLS`]
/// access-token lifetimes (each rotation leaves its spent refresh token, with when it was spent).
async fn rotated_too_fast(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    family: &str,
    now: i64,
) -> Result<bool> {
    let window = (state.config.access_ttl.as_secs() as i64).max(1).saturating_mul(ROTATION_WINDOW_TTLS);
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = $1 AND used_at IS NOT NULL AND used_at > $2",
    )
    .bind(family)
    .bind(now.saturating_sub(window))
    .fetch_one(&mut *tx)
    .await?;
    Ok(n >= ROTATIONS_PER_WINDOW)
}

/// The successor pair of `spent` again, if its refresh token is still unspent (its holder has not moved
/// on: this is a retry, not a replay). `None`: the successor was used or is gone.
async fn reissue(
    tx: &mut sqlx::AnyConnection,
    family: &str,
    spent: &str,
    salt: &str,
    now: i64,
) -> Result<Option<TokenPair>> {
    let (access, refresh) = successor(spent, salt);
    let next: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT expires_at, used_at FROM refresh_tokens WHERE token_hash = $1 AND family_id = $2",
    )
    .bind(token_hash(&refresh))
    .bind(family)
    .fetch_optional(&mut *tx)
    .await?;
    let access_expires: Option<(i64,)> =
        sqlx::query_as("SELECT expires_at FROM access_tokens WHERE token_hash = $1 AND family_id = $2")
            .bind(token_hash(&access))
            .bind(family)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(match (next, access_expires) {
        (Some((refresh_expires, None)), Some((access_expires,))) => {
            Some(pair(access, access_expires, refresh, refresh_expires, now))
        }
        _ => None,
    })
}

async fn revoke_family(tx: &mut sqlx::AnyConnection, family: &str) -> Result<()> {
    sqlx::query("UPDATE session_families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_unix())
        .bind(family)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// What [`expire`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    pub access_tokens: u64,
    pub refresh_tokens: u64,
    pub families: u64,
    pub devices: u64,
}

impl Expired {
    pub fn total(&self) -> u64 {
        self.access_tokens + self.refresh_tokens + self.families + self.devices
    }
}

/// How long after its absolute end a session family is deleted: a refresh that passed its check in the
/// family's last second has stored its tokens in it long before (else the family's deletion would fail on
/// them, and the whole hour's housekeeping with it).
const FAMILY_END_MARGIN_SECS: i64 = 300;

/// Deletes what can no longer be used as of `now` (unix seconds): expired access and refresh tokens,
/// session families past their absolute lifetime (by `FAMILY_END_MARGIN_SECS`) or revoked longer ago
/// than a refresh token lives (with their tokens), and expired known devices. The server's hourly
/// housekeeping calls it.
pub async fn expire(db: &crate::Db, config: &crate::Config, now: i64) -> Result<Expired> {
    // $1 now, $2 the absolute lifetime and the margin, $3 how long a revoked family is kept (a refresh
    // token's lifetime).
    let old_families = "SELECT id FROM session_families
         WHERE created_at + $2 <= $1 OR (revoked_at IS NOT NULL AND revoked_at + $3 <= $1)";
    let mut tx = db.begin().await?;
    let mut expired = Expired::default();
    for (sql, count) in [
        (
            format!("DELETE FROM access_tokens WHERE expires_at <= $1 OR family_id IN ({old_families})"),
            &mut expired.access_tokens,
        ),
        (
            format!("DELETE FROM refresh_tokens WHERE expires_at <= $1 OR family_id IN ({old_families})"),
            &mut expired.refresh_tokens,
        ),
        (format!("DELETE FROM session_families WHERE id IN ({old_families})"), &mut expired.families),
    ] {
        *count = sqlx::query(&sql)
            .bind(now)
            .bind(config.session_lifetime.as_secs() as i64 + FAMILY_END_MARGIN_SECS)
            .bind(config.refresh_ttl.as_secs() as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    expired.devices = sqlx::query("DELETE FROM known_devices WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(expired)
}

/// How many known devices one account keeps; signing in on another one forgets the oldest.
pub const MAX_DEVICES_PER_USER: i64 = 10;
/// The sessions of user `$1` but `$2` (the one starting), newest first (`session_families_by_user`).
pub const USER_SESSIONS: &str =
    "SELECT id FROM session_families WHERE user_id = $1 AND id <> $2 ORDER BY created_at DESC, id DESC";

/// How many sessions one account keeps (twice its known devices: a device may sign in again before the
/// old session's refresh); a new sign-in ends the oldest beyond it.
pub const MAX_SESSIONS_PER_USER: i64 = 2 * MAX_DEVICES_PER_USER;
/// The longest device token accepted (ours are 43 characters); longer ones are ignored unread.
const MAX_DEVICE_TOKEN_LEN: usize = 64;

/// The hash of `device_token` if it names an unexpired known device of `user_id`.
pub async fn known_device(state: &AppState, user_id: &str, device_token: &str) -> Result<Option<String>> {
    if device_token.is_empty() || device_token.len() > MAX_DEVICE_TOKEN_LEN {
        return Ok(None);
    }
    let hash = token_hash(device_token);
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT expires_at FROM known_devices WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(now_unix())
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(found.map(|_| hash))
}

/// After a successful sign-in of `user_id`: the known device it came from lives on for `Config::device_ttl`
/// from now, or a new one is registered (forgetting the account's oldest beyond
/// [`MAX_DEVICES_PER_USER`]). Returns the device token the client keeps and sends with its next sign-in.
pub async fn remember_device(state: &AppState, user_id: &str, known: Option<&str>) -> Result<String> {
    let now = now_unix();
    let expires = now.saturating_add(state.config.device_ttl.as_secs() as i64);
    let mut tx = state.db.begin().await?;
    if let Some(token) = known {
        let kept =
            sqlx::query("UPDATE known_devices SET expires_at = $1 WHERE token_hash = $2 AND user_id = $3")
                .bind(expires)
                .bind(token_hash(token))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if kept.rows_affected() == 1 {
            tx.commit().await?;
            return Ok(token.to_owned());
        }
    }
    let token = new_token();
    sqlx::query(
        "INSERT INTO known_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(expires)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM known_devices WHERE user_id = $1 AND token_hash NOT IN (
             SELECT token_hash FROM known_devices WHERE user_id = $1
             ORDER BY created_at DESC, token_hash LIMIT $2)",
    )
    .bind(user_id)
    .bind(MAX_DEVICES_PER_USER)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes the family of `refresh_token` (sign-out). Unknown tokens are fine: signing out is idempotent.
pub async fn revoke(state: &AppState, refresh_token: &str) -> Result<()> {
    let mut tx = state.db.begin().await?;
    let family: Option<(String,)> =
        sqlx::query_as("SELECT family_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(token_hash(refresh_token))
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((family,)) = family {
        revoke_family(&mut tx, &family).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The authenticated caller of a request, from `Authorization: Bearer <access token>`.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: String,
}

/// Who a request's bearer token names, found once per request by the layer that takes the user's share of
/// the requests in flight (`routes::user_share`) and read from the request's extensions by [`AuthUser`]:
/// `None` when the request has a token that names nobody (unknown, expired or revoked).
#[derive(Debug, Clone)]
pub struct Resolved(pub Option<String>);

/// The token of `Authorization: Bearer <token>`, if the request has one (RFC 9110 §11.1: the scheme is
/// case-insensitive).
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
}

/// The user whose live access token `token` is; `None` when it names nobody (a token longer than any this
/// server makes is not looked up).
pub async fn user_of_token(state: &AppState, token: &str) -> Result<Option<String>> {
    if token.len() > penggerak_types::limits::TOKEN {
        return Ok(None);
    }
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT f.user_id FROM access_tokens a JOIN session_families f ON f.id = a.family_id
         WHERE a.token_hash = $1 AND a.expires_at > $2 AND f.revoked_at IS NULL",
    )
    .bind(token_hash(token))
    .bind(now_unix())
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.map(|(user_id,)| user_id))
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let unauthorized = || ServerError::new(ErrorCode::Unauthorized, "Silakan masuk terlebih dahulu.");
        let user_id = match parts.extensions.get::<Resolved>() {
            Some(Resolved(found)) => found.clone(),
            // Not through the router's layers (or no token): found here.
            None => match bearer(&parts.headers) {
                Some(token) => user_of_token(state, token).await?,
                None => None,
            },
        };
        user_id.map(|user_id| AuthUser { user_id }).ok_or_else(unauthorized)
    }
}

/// The caller with what authorisation needs: role and school. Every route that reads or writes domain
/// data takes this (it implies [`AuthUser`]).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub role: Role,
    pub school: Option<String>,
}

impl Caller {
    /// The school whose staff this caller may see and act on as principal (kepala sekolah).
    pub fn principal_of(&self) -> Option<&str> {
        match self.role {
            Role::KepalaSekolah => self.school.as_deref(),
            _ => None,
        }
    }

    /// Whether the caller may read a record with this audience.
    pub fn can_read(&self, audience: &Audience) -> bool {
        audience.public
            || audience.owner.as_deref() == Some(self.user_id.as_str())
            || (audience.school.is_some() && audience.school.as_deref() == self.principal_of())
    }

    /// A create may take a client-chosen id whose record is `existing` (its audience, if the id is in use):
    /// `409 conflict` (`already`) when the caller can see that record; `422` when the id is someone else's,
    /// worded like any id that cannot be used, so a create never tells whether another person's record
    /// exists.
    pub fn new_id(&self, existing: Option<Audience>, already: &str) -> Result<()> {
        match existing {
            None => Ok(()),
            Some(a) if self.can_read(&a) => Err(ServerError::new(ErrorCode::Conflict, already)),
            Some(_) => Err(ServerError::Api(penggerak_types::ApiError::refused(
                ErrorCode::Validation,
                penggerak_types::Reason::NotValid { field: penggerak_types::Field::Id },
            ))),
        }
    }

    /// The caller's own record to change: `found` if its owner is the caller; `403 forbidden` (with
    /// `not_theirs`) if the caller may only read it (their principal); `404` (with `missing`) otherwise —
    /// whether another person's record exists is not the caller's business.
    pub fn own<T>(
        &self,
        found: Option<Stored<T>>,
        owner: impl Fn(&T) -> &str,
        not_theirs: &str,
        missing: &str,
    ) -> Result<Stored<T>> {
        match found {
            Some(r) if owner(&r.data) == self.user_id => Ok(r),
            Some(r) if self.can_read(&r.audience) => Err(ServerError::new(ErrorCode::Forbidden, not_theirs)),
            _ => Err(ServerError::new(ErrorCode::NotFound, missing)),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let AuthUser { user_id } = AuthUser::from_request_parts(parts, state).await?;
        let (role, school): (String, Option<String>) =
            sqlx::query_as("SELECT role, school_npsn FROM users WHERE id = $1")
                .bind(&user_id)
                .fetch_optional(&state.db.pool)
                .await?
                .ok_or_else(|| ServerError::new(ErrorCode::Unauthorized, "Silakan masuk terlebih dahulu."))?;
        Ok(Caller { user_id, role: parse_role(&role)?, school })
    }
}

/// A role as stored in `users.role`.
pub fn parse_role(s: &str) -> Result<Role> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| ServerError::Internal(anyhow::anyhow!("bad role {s:?} in database: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip_and_mismatch() {
        let h = hash_password("rahasia").unwrap();
        assert!(h.starts_with("$argon2id$"), "passwords must be hashed with argon2id, got {h}");
        assert!(verify_password("rahasia", &h), "the right password must verify");
        assert!(!verify_password("Rahasia", &h), "a different password must not verify");
        assert!(!verify_password("rahasia", "not-a-phc"), "a malformed hash must never verify");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b, "two tokens must differ");
        assert_eq!(a.len(), 43, "32 bytes in unpadded base64url");
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a, "the stored form must not be the token itself");
    }
}
