//! [`Engine`], the engine's one door: the type, how it opens, and the session — who is signed in, to which server, with which tokens; sign-in, restore, refresh, sign-out.
//!
//! Reading the session state is local only (keychain + local store), so the app opens signed in and draws
//! its home screen with no network. Network calls refresh the access token once on `unauthorized`; a
//! refresh the server refuses (`session_expired`) signs the device out.

use crate::clock::{Clock, SystemClock};
use crate::store::LocalStore;
use crate::sync_state::SyncControl;
use crate::token_store::{KnownDevices, StoredTokens, TokenStore};
use crate::{CoreError, Sensitive};
use penggerak_client::{ApiClient, ClientError, Meter};
use penggerak_types::api::{LoginResponse, Profile};
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::zone::Zone;
use penggerak_types::ErrorCode;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

pub struct Engine {
    store: LocalStore,
    tokens: Arc<dyn TokenStore>,
    default_server: String,
    keyring_timeout: Duration,
    /// Serialises sign-in, sign-out and token refresh, so two of them never race on the keychain entry.
    gate: tokio::sync::Mutex<()>,
    sync: SyncControl,
    request_timeout: Option<Duration>,
    /// Every byte the engine's requests move, until it is added to the data use in the store.
    meter: Arc<Meter>,
    /// Where saved materials' files are kept (`<data dir>/materials`).
    pub(crate) materials_dir: std::path::PathBuf,
    /// One material download at a time: two would append to the same part file.
    pub(crate) downloads: tokio::sync::Mutex<()>,
    /// Goes up at every sign-in and sign-out: a material download started under another session stops
    /// before its next request instead of carrying on with the new one's tokens.
    pub(crate) account_epoch: std::sync::atomic::AtomicU64,
    /// Where "now" comes from ([`crate::clock`]).
    clock: Arc<dyn Clock>,
    /// One writer at a time on the local copy where a decision is read from it: a user's change is
    /// built from the record as it stands and queued before a server answer (a finished push, a pulled
    /// page) can move that record under it. Without it a change built on the version the push just
    /// replaced was queued on a stale base and came back as a conflict with the user's own edit.
    pub(crate) edits: tokio::sync::Mutex<()>,
    /// Drafts are saved under its read side (many at once, never behind a page being applied); a sign-out
    /// holds its write side from counting what waits to forgetting it.
    pub(crate) drafts: tokio::sync::RwLock<()>,
    /// Tests only: `act` meets this barrier twice between building its change and queueing it, so a
    /// test can try to slip a server answer in between.
    #[cfg(feature = "testing")]
    pub(crate) act_pause: std::sync::Mutex<Option<Arc<tokio::sync::Barrier>>>,
    /// Where the kind of connection comes from ([`crate::network`]).
    pub(crate) network: Arc<dyn crate::network::NetworkProbe>,
    /// One "fetch later" pass at a time (the sync loop starts one after each good sync).
    pub(crate) later_running: tokio::sync::Mutex<()>,
    /// Tests only: the free space the device reports, in place of the file system's.
    #[cfg(feature = "testing")]
    pub(crate) free_space: std::sync::Mutex<Option<u64>>,
    /// Colleagues' devices (Berbagi di sekolah, [`crate::door`]).
    pub(crate) peers: Arc<crate::door::Peers>,
    /// This device's door for colleagues, open while sharing is on and a user signed in.
    pub(crate) door: std::sync::Mutex<Option<crate::door::Door>>,
    /// Whether the door is announced and colleagues looked for with mDNS (tests that are not about
    /// discovery turn it off, so they multicast nothing onto the machine's network).
    pub(crate) discovery: bool,
    /// The port the door asks for first ([`penggerak_types::peer::PORT`]; tests ask for any free one, so
    /// that engines side by side on one machine never take each other's door).
    pub(crate) door_port: u16,
}

/// A signed-in connection to the server for one sync pass: the client and the current tokens (loaded from
/// the keychain once per pass, replaced when refreshed).
pub(crate) struct Link {
    client: ApiClient,
    tokens: StoredTokens,
    /// The account epoch it was made under ([`Engine::still_signed_in`]).
    epoch: u64,
}

impl Engine {
    /// Opens the engine over the store in `data_dir` and the given token store. `default_server` is where
    /// a device that has never signed in points (see [`crate::DEFAULT_SERVER`]).
    pub async fn open(
        data_dir: &Path,
        tokens: Arc<dyn TokenStore>,
        default_server: impl Into<String>,
    ) -> Result<Self, CoreError> {
        Ok(Self {
            store: LocalStore::open(data_dir).await?,
            tokens,
            default_server: default_server.into(),
            keyring_timeout: Duration::from_secs(10),
            gate: tokio::sync::Mutex::new(()),
            sync: SyncControl::new(),
            request_timeout: None,
            meter: Arc::default(),
            materials_dir: data_dir.join("materials"),
            downloads: tokio::sync::Mutex::new(()),
            account_epoch: std::sync::atomic::AtomicU64::new(0),
            clock: Arc::new(SystemClock),
            edits: tokio::sync::Mutex::new(()),
            drafts: tokio::sync::RwLock::new(()),
            network: Arc::new(crate::network::SystemNetwork::default()),
            later_running: tokio::sync::Mutex::new(()),
            #[cfg(feature = "testing")]
            act_pause: std::sync::Mutex::new(None),
            #[cfg(feature = "testing")]
            free_space: std::sync::Mutex::new(None),
            peers: Arc::new(crate::door::Peers::new()?),
            door: std::sync::Mutex::new(None),
            discovery: true,
            door_port: penggerak_types::peer::PORT,
        })
    }

    /// Replaces where the engine learns the kind of connection (tests; a platform with its own answer).
    pub fn set_network(&mut self, probe: Arc<dyn crate::network::NetworkProbe>) {
        self.network = probe;
    }

    /// The connection the device is on now, as the platform tells it.
    pub async fn connection(&self) -> penggerak_types::ipc::Connection {
        self.network.connection().await
    }

    /// Replaces the engine's clock (tests set the time with a [`crate::clock::FixedClock`]).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.store.set_clock(Arc::clone(&clock));
        self.clock = clock;
    }

    /// The time zone the user's dates are in: their school's province's ([`Zone::Wib`] before sign-in,
    /// or for someone with no school).
    pub async fn zone(&self) -> Result<Zone, CoreError> {
        Ok(self.store.account().await?.map(|(_, p)| p.zone()).unwrap_or_default())
    }

    /// Today in the user's time zone, `YYYY-MM-DD`: what "due today" and "this month" mean for them.
    pub async fn today(&self) -> Result<String, CoreError> {
        Ok(crate::clock::today(self.zone().await?, self.clock.as_ref()))
    }

    /// A client for `server_url` counting into the engine's meter (see [`crate::data_use`]).
    fn client(&self, server_url: &str) -> Result<ApiClient, ClientError> {
        Ok(ApiClient::new(server_url)?.with_meter(Arc::clone(&self.meter)))
    }

    pub(crate) fn meter(&self) -> &Meter {
        &self.meter
    }

    /// Limits each sync request's whole duration (default: the client's 30 s).
    pub fn set_request_timeout(&mut self, timeout: Duration) {
        self.request_timeout = Some(timeout);
    }

    /// Records per `/sync` page (default: the server's), at most: a slow link makes pages smaller (see
    /// `sync_state::PageSize`). Tests set it small to exercise paging.
    pub fn set_sync_page_size(&mut self, records: u32) {
        self.sync.start_pages_at(records);
    }

    pub(crate) fn sync_control(&self) -> &SyncControl {
        &self.sync
    }

    /// The keychain's tokens, unless they are only kept to revoke a signed-out session.
    async fn live_tokens(&self) -> Result<Option<StoredTokens>, CoreError> {
        Ok(self.keychain(|t| t.load()).await?.filter(|t| !t.revoke_only))
    }

    /// Revokes on the server a session signed out while offline, if there is one, and forgets it. Returns
    /// whether one was settled (revoked, or refused for good by the server). The sync loop calls this
    /// while nobody is signed in; a sign-in tries it first too.
    pub async fn finish_revocation(&self) -> Result<bool, CoreError> {
        let _gate = self.gate.lock().await;
        // A sign-in waits on the gate: the same short try.
        self.finish_revocation_locked(penggerak_client::LOGOUT_WAIT).await
    }

    /// [`Engine::finish_revocation`] under the gate, waiting at most `wait` for the server.
    async fn finish_revocation_locked(&self, wait: Duration) -> Result<bool, CoreError> {
        let Some(t) = self.keychain(|t| t.load()).await?.filter(|t| t.revoke_only) else { return Ok(false) };
        match self.client(&t.server_url)?.logout(t.refresh_token.expose(), wait).await {
            Ok(()) => tracing::info!("a session signed out offline is now revoked on the server"),
            // Not reached, busy or failing (a refused certificate included: the token was not sent): try
            // again later.
            Err(e) if penggerak_client::revoke_later(&e) => return Ok(false),
            Err(e) => {
                tracing::warn!(error = %e, "the server refused to revoke an old session; forgetting it")
            }
        }
        self.keychain(|t| t.clear()).await?;
        Ok(true)
    }

    /// `NotSignedIn` if the account `link` was made for is gone (signed out, or another signed in) since:
    /// what its answers say belongs to nobody on this device now. Asked under `edits` before a server's
    /// answer is written, it cannot race a sign-out, which moves the epoch and forgets the records under
    /// that lock.
    pub(crate) fn still_signed_in(&self, link: &Link) -> Result<(), CoreError> {
        if self.account_epoch.load(std::sync::atomic::Ordering::SeqCst) == link.epoch {
            Ok(())
        } else {
            Err(CoreError::NotSignedIn)
        }
    }

    /// The signed-in server connection, or `NotSignedIn`.
    pub(crate) async fn link(&self) -> Result<Link, CoreError> {
        let epoch = self.account_epoch.load(std::sync::atomic::Ordering::SeqCst);
        let tokens = self.live_tokens().await?.ok_or(CoreError::NotSignedIn)?;
        let mut client = self.client(&tokens.server_url)?;
        if let Some(t) = self.request_timeout {
            client = client.with_timeout(t)?;
        }
        // Read before the tokens: a sign-in or sign-out moves it again once the tokens have changed, so
        // a link whose tokens were read while one ran is stale when it ends.
        Ok(Link { client, tokens, epoch })
    }

    /// Runs a signed-in request; on `unauthorized` refreshes the access token once and runs it again.
    pub(crate) async fn call<T, F, Fut>(&self, link: &mut Link, request: F) -> Result<T, CoreError>
    where
        F: Fn(ApiClient, Zeroizing<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let token = |link: &Link| Zeroizing::new(link.tokens.access_token.expose().to_owned());
        match request(link.client.clone(), token(link)).await {
            Err(e) if e.code() == ErrorCode::Unauthorized => {
                link.tokens = self.refresh_tokens(&link.client, &link.tokens).await?;
                Ok(request(link.client.clone(), token(link)).await?)
            }
            other => Ok(other?),
        }
    }

    /// The local store (read by the other parts of the engine; the engine's tests reach it through the
    /// `testing` feature).
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &LocalStore {
        &self.store
    }

    /// Makes the next `act` calls meet `barrier` twice between building the change and queueing it
    /// (`None`: no more).
    #[cfg(feature = "testing")]
    pub fn pause_acts(&self, barrier: Option<Arc<tokio::sync::Barrier>>) {
        *self.act_pause.lock().unwrap() = barrier;
    }

    /// Tests only: the device reports `bytes` free from now on (`None`: what the file system says).
    #[cfg(feature = "testing")]
    pub fn set_free_space(&self, bytes: Option<u64>) {
        *self.free_space.lock().unwrap() = bytes;
    }

    #[cfg(not(feature = "testing"))]
    pub(crate) fn store(&self) -> &LocalStore {
        &self.store
    }

    /// Runs a token-store call off the async runtime, bounded by a timeout: a locked keyring with a display
    /// can block forever on an unlock prompt nobody sees.
    async fn keychain<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn TokenStore) -> Result<T, CoreError> + Send + 'static,
    ) -> Result<T, CoreError> {
        let store = Arc::clone(&self.tokens);
        let task = tokio::task::spawn_blocking(move || f(&*store));
        match tokio::time::timeout(self.keyring_timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(CoreError::Keyring(format!("keyring call failed: {join}"))),
            Err(_) => Err(CoreError::Keyring(format!(
                "no answer after {} s; is the keyring locked?",
                self.keyring_timeout.as_secs()
            ))),
        }
    }

    async fn signed_out(&self) -> Result<SessionState, CoreError> {
        let server_url = self.store.last_server().await?.unwrap_or_else(|| self.default_server.clone());
        Ok(SessionState::SignedOut { server_url })
    }

    /// The current state, from the keychain and the local store. Only when the keychain has tokens but the
    /// store has no profile for them (e.g. the store was deleted) does it ask the server.
    pub async fn state(&self) -> Result<SessionState, CoreError> {
        let tokens = self.live_tokens().await?;
        match (tokens, self.store.account().await?) {
            (Some(t), Some((server_url, profile))) if t.server_url == server_url => {
                let welcome = self.store.welcome_due(&server_url, &profile.id).await?;
                Ok(SessionState::SignedIn { server_url, profile: Box::new(profile), welcome })
            }
            (Some(t), _) => {
                // Tokens without a cached profile (e.g. the store was deleted): fetch it if we can.
                match self.fetch_profile().await {
                    Ok(profile) => {
                        let welcome = self.first_run_cards(&t.server_url, &profile.id).await?;
                        let profile = Box::new(profile);
                        Ok(SessionState::SignedIn { server_url: t.server_url, profile, welcome })
                    }
                    // Unreachable, or the session ended meanwhile: the sign-in screen is the honest answer.
                    Err(CoreError::Client(ClientError::Offline { .. } | ClientError::Unavailable { .. })) => {
                        self.signed_out().await
                    }
                    Err(e) if e.to_api_error().code == ErrorCode::SessionExpired => self.signed_out().await,
                    Err(e) => Err(e),
                }
            }
            (None, Some(_)) => {
                // A cached profile without tokens is a leftover of an interrupted sign-out.
                self.store.clear_account().await?;
                self.signed_out().await
            }
            (None, None) => self.signed_out().await,
        }
    }

    /// Whether the first-run cards are due for `user` of `server_url` on this device, marking them seen in
    /// the same breath: the answer that says "due" is the only one that does. Marked here rather than
    /// when the cards' page says so, because that write can wait behind the first sync's and be lost when
    /// the app closes soon after (seen in the end-to-end run: the cards again after a restart), and any
    /// later read of the session (a reload) would send the user back to the cards.
    async fn first_run_cards(&self, server_url: &str, user: &str) -> Result<bool, CoreError> {
        let due = self.store.welcome_due(server_url, user).await?;
        if due {
            self.store.mark_welcome_seen(server_url, user).await?;
        }
        Ok(due)
    }

    /// Signs in at `request.server_url` (or the last/default server), keeping the tokens in the keychain
    /// and the profile in the local store.
    pub async fn sign_in(&self, request: SignInRequest) -> Result<SessionState, CoreError> {
        let SignInRequest { identifier, password, server_url } = request;
        let password = Zeroizing::new(password);
        let _gate = self.gate.lock().await;
        self.account_epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // The new pair overwrites the keychain entry: settle an old session waiting for revocation first
        // (best effort; signing in needs the network anyway).
        if let Err(e) = self.finish_revocation_locked(penggerak_client::LOGOUT_WAIT).await {
            tracing::warn!(error = %e, "could not revoke the previous session");
        }
        let server = match server_url.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => s.to_owned(),
            None => match self.signed_out().await? {
                SessionState::SignedOut { server_url } => server_url,
                SessionState::SignedIn { server_url, .. } => server_url,
            },
        };
        let client = self.client(&server)?;
        let server_url = client.base_url();
        // This device's value from the account's last sign-in here, if any: with it, someone guessing the
        // password elsewhere cannot keep this device out. Unreadable known devices only cost that.
        let mut devices = self.keychain(|t| t.load_devices()).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "known devices unreadable");
            KnownDevices::default()
        });
        let device = devices.find(&server_url, &identifier);
        let signed =
            client.login_from(&identifier, &password, device.as_ref().map(|d| d.expose().as_str())).await?;
        let LoginResponse { tokens, profile } = signed.response;
        if let Some(value) = signed.device {
            let names = [
                Some(identifier.as_str()),
                profile.nuptk.as_deref(),
                profile.nip.as_deref(),
                Some(profile.email.as_str()),
            ];
            devices.remember(&server_url, names.into_iter().flatten(), value);
            if let Err(e) = self.keychain(move |t| t.save_devices(&devices)).await {
                tracing::warn!(error = %e, "could not keep this device's value for the next sign-in");
            }
        }
        let stored = StoredTokens {
            server_url: server_url.clone(),
            access_token: Sensitive::new(tokens.access_token),
            refresh_token: Sensitive::new(tokens.refresh_token),
            revoke_only: false,
        };
        // Another account's (or another server's) records must not show under this one, and its waiting
        // changes must never be sent with this account's tokens. The owner is kept beside the records, so
        // this holds even when the cached account went away (e.g. the session expired).
        let owner = format!("{server_url} {}", profile.id);
        match self.store.records_owner().await? {
            Some(previous) if previous != owner => {
                let (waiting, ..) = self.store.outbox_counts().await?;
                tracing::warn!(
                    waiting,
                    "another account signed in: the previous account's local data is removed"
                );
                self.store.clear_records().await?;
            }
            _ => {}
        }
        self.store.set_records_owner(&owner).await?;
        self.keychain(move |t| t.save(&stored)).await?;
        // Again once the new tokens are in: a connection made while this sign-in ran read the old ones.
        self.account_epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.store.save_account(&server_url, &profile).await?;
        tracing::info!(server = %server_url, user = %profile.id, "signed in");
        self.keep_data_use_or_warn().await;
        self.follow_sharing_or_warn().await;
        let welcome = self.first_run_cards(&server_url, &profile.id).await?;
        Ok(SessionState::SignedIn { server_url, profile: Box::new(profile), welcome })
    }

    /// Fetches the profile from the server (refreshing the access token once if needed) and caches it.
    pub async fn fetch_profile(&self) -> Result<Profile, CoreError> {
        let tokens = self.live_tokens().await?.ok_or(CoreError::NotSignedIn)?;
        let client = self.client(&tokens.server_url)?;
        let profile = match client.me(tokens.access_token.expose()).await {
            Err(e) if e.code() == ErrorCode::Unauthorized => {
                let fresh = self.refresh_tokens(&client, &tokens).await?;
                client.me(fresh.access_token.expose()).await?
            }
            other => other?,
        };
        self.store.save_account(&tokens.server_url, &profile).await?;
        Ok(profile)
    }

    /// Spends the refresh token for a new pair and stores it. If the server refuses, the device is signed
    /// out locally (the tokens are dead anyway) and `session_expired` is returned.
    async fn refresh_tokens(
        &self,
        client: &ApiClient,
        old: &StoredTokens,
    ) -> Result<StoredTokens, CoreError> {
        let _gate = self.gate.lock().await;
        // Another task may have refreshed while we waited for the gate: use its pair. Signed out meanwhile
        // (nothing kept, or only a revocation waits), or signed in to another server: this session is
        // over, and refreshing it would bring it back.
        let Some(current) = self.keychain(|t| t.load()).await? else { return Err(CoreError::NotSignedIn) };
        if current.revoke_only || current.server_url != old.server_url {
            return Err(CoreError::NotSignedIn);
        }
        if current.refresh_token != old.refresh_token {
            return Ok(current);
        }
        match client.refresh(old.refresh_token.expose()).await {
            Ok(resp) => {
                let fresh = StoredTokens {
                    server_url: old.server_url.clone(),
                    access_token: Sensitive::new(resp.tokens.access_token),
                    refresh_token: Sensitive::new(resp.tokens.refresh_token),
                    revoke_only: false,
                };
                let saved = fresh.clone();
                self.keychain(move |t| t.save(&saved)).await?;
                Ok(fresh)
            }
            Err(e) if e.code() == ErrorCode::SessionExpired => {
                self.keychain(|t| t.clear()).await?;
                self.store.clear_account().await?;
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Signs out: revokes the session on the server, removes the keychain entry, the cached account and
    /// every local record. Changes still waiting (and unsaved drafts) would be lost, so unless
    /// `discard_waiting` (the user confirmed) it refuses with [`CoreError::ChangesWaiting`]. If the server
    /// cannot be reached, is busy or fails (within [`penggerak_client::LOGOUT_WAIT`]), the device still
    /// signs out and keeps only what revoking takes: the session is revoked at the next chance
    /// ([`Engine::finish_revocation`]). No change, draft or server answer is written between counting what
    /// waits and forgetting it (all take `edits`, and answers check the account epoch).
    pub async fn sign_out(&self, discard_waiting: bool) -> Result<SessionState, CoreError> {
        let _gate = self.gate.lock().await;
        // No change of the user's lands between counting what waits and forgetting it: one made while the
        // server is asked to revoke (a page left open on a slow link) waits, then finds nobody signed in
        // and is refused, in sight, instead of being queued and forgotten.
        let _no_changes = self.edits.lock().await;
        // Typed text waits too (drafts do not take `edits`, which a page being applied holds).
        let _no_drafts = self.drafts.write().await;
        // Unsaved drafts are typed text too, and so are refused changes kept for the user to redo: signing
        // out would lose them just the same.
        let (waiting, _, refused) = self.store.outbox_counts().await?;
        let waiting = waiting + refused + self.store.draft_count().await?;
        if waiting > 0 && !discard_waiting {
            return Err(CoreError::ChangesWaiting(waiting));
        }
        // From here the account is going: a download under way stops at its next request. (Not before the
        // refusal above: a sign-out she cancels leaves the sync and downloads under way alone.)
        self.account_epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let live = self.live_tokens().await?;
        let signed_in = live.is_some();
        let mut pending = None;
        if let Some(tokens) = live {
            let revoked = match self.client(&tokens.server_url) {
                Ok(client) => {
                    client.logout(tokens.refresh_token.expose(), penggerak_client::LOGOUT_WAIT).await
                }
                Err(e) => Err(e),
            };
            match revoked {
                Ok(()) => {}
                Err(e) if penggerak_client::revoke_later(&e) => {
                    tracing::info!(error = %e, "not revoked now: the session is revoked at the next chance");
                    pending = Some(StoredTokens {
                        access_token: Sensitive::new(String::new()),
                        revoke_only: true,
                        ..tokens
                    });
                }
                Err(e) => tracing::warn!(error = %e, "server-side revocation refused; signing out locally"),
            }
        }
        match pending {
            // Only what revoking takes stays, marked so that nothing treats it as a session.
            Some(p) => self.keychain(move |t| t.save(&p)).await?,
            None if signed_in => self.keychain(|t| t.clear()).await?,
            // Signed out already (a second press of "Keluar" from a page drawn while the first was under
            // way): an entry kept to revoke that session stays until it is revoked.
            None => {}
        }
        self.store.clear_account().await?;
        self.store.clear_records().await?;
        // Again once the tokens are gone: a connection made while the server was asked read them still
        // live, and its answers must not be written either.
        self.account_epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.keep_data_use_or_warn().await;
        self.follow_sharing_or_warn().await;
        self.signed_out().await
    }
}
