//! Authentication: argon2id password hashes, opaque bearer tokens stored as SHA-256 hashes, rotating refresh
//! tokens grouped in session families (reusing a spent refresh token revokes its whole family), and the
//! [`AuthUser`] extractor that every protected route takes.

use crate::error::{Result, ServerError};
use crate::records::{Audience, Stored};
use crate::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use penggerak_types::api::{Role, TokenPair};
use penggerak_types::ErrorCode;
use rand::RngCore;
use sha2::{Digest, Sha256};

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

/// Finds the user whose NUPTK, NIP or e-mail (any case) is `identifier`.
pub async fn find_account(state: &AppState, identifier: &str) -> Result<Option<Account>> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT id, password_hash FROM users WHERE nuptk = $1 OR nip = $1 OR lower(email) = lower($1)",
    )
    .bind(identifier.trim())
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.map(|(user_id, password_hash)| Account { user_id, password_hash }))
}

/// Checks `password` against `account` (`None`: the identifier named nobody). Returns the user id.
pub async fn check_password(account: Option<&Account>, password: &str) -> Result<String> {
    let hash = account.map_or(decoy_hash(), |a| a.password_hash.as_str()).to_owned();
    let password = password.to_owned();
    // argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
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
    let mut tx = state.db.begin().await?;
    sqlx::query("INSERT INTO session_families (id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(&family)
        .bind(user_id)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
    let pair = issue_pair(state, &mut tx, &family).await?;
    tx.commit().await?;
    Ok(pair)
}

async fn issue_pair(state: &AppState, tx: &mut sqlx::AnyConnection, family: &str) -> Result<TokenPair> {
    let access = new_token();
    let refresh = new_token();
    let now = now_unix();
    let access_ttl = state.config.access_ttl.as_secs();
    let refresh_ttl = state.config.refresh_ttl.as_secs();
    sqlx::query("INSERT INTO access_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&access))
        .bind(family)
        .bind(now + access_ttl as i64)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&refresh))
        .bind(family)
        .bind(now + refresh_ttl as i64)
        .execute(&mut *tx)
        .await?;
    Ok(TokenPair {
        access_token: access,
        access_expires_in: access_ttl,
        refresh_token: refresh,
        refresh_expires_in: refresh_ttl,
    })
}

fn session_expired() -> ServerError {
    ServerError::new(ErrorCode::SessionExpired, "Sesi Anda telah berakhir. Silakan masuk kembali.")
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    family_id: String,
    expires_at: i64,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
    user_id: String,
}

/// Spends a refresh token and issues a new pair in the same family. Spending an already-spent token means
/// it was stolen or replayed: the whole family is revoked. Returns the new pair and the user id.
pub async fn rotate(state: &AppState, refresh_token: &str) -> Result<(TokenPair, String)> {
    let mut tx = state.db.begin().await?;
    let row: Option<RefreshRow> = sqlx::query_as(
        "SELECT r.family_id, r.expires_at, r.used_at, f.revoked_at, f.user_id
         FROM refresh_tokens r JOIN session_families f ON f.id = r.family_id
         WHERE r.token_hash = $1",
    )
    .bind(token_hash(refresh_token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(RefreshRow { family_id: family, expires_at, used_at, revoked_at, user_id }) = row else {
        return Err(session_expired());
    };
    let now = now_unix();
    if revoked_at.is_some() || expires_at <= now {
        return Err(session_expired());
    }
    if used_at.is_some() {
        revoke_family(&mut tx, &family).await?;
        tx.commit().await?;
        tracing::warn!(family, "refresh token reused: session family revoked");
        return Err(session_expired());
    }
    // Mark spent only if still unspent, so two concurrent refreshes cannot both succeed.
    let spent =
        sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(token_hash(refresh_token))
            .execute(&mut *tx)
            .await?;
    if spent.rows_affected() != 1 {
        return Err(session_expired());
    }
    let pair = issue_pair(state, &mut tx, &family).await?;
    tx.commit().await?;
    Ok((pair, user_id))
}

async fn revoke_family(tx: &mut sqlx::AnyConnection, family: &str) -> Result<()> {
    sqlx::query("UPDATE session_families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_unix())
        .bind(family)
        .execute(&mut *tx)
        .await?;
    Ok(())
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

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let unauthorized = || ServerError::new(ErrorCode::Unauthorized, "Silakan masuk terlebih dahulu.");
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(unauthorized)?;
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT f.user_id FROM access_tokens a JOIN session_families f ON f.id = a.family_id
             WHERE a.token_hash = $1 AND a.expires_at > $2 AND f.revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .bind(now_unix())
        .fetch_optional(&state.db.pool)
        .await?;
        row.map(|(user_id,)| AuthUser { user_id }).ok_or_else(unauthorized)
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
