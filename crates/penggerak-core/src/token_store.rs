//! Where tokens live: the OS keychain ([`KeyringStore`]: Secret Service on Linux, Keychain on macOS/iOS,
//! Credential Manager on Windows) or, for unit tests only, memory ([`MemoryStore`]).
//!
//! This is one of the two real seams of the engine (the other is the clock), hence a trait. Calls are
//! blocking: the [`crate::Engine`] runs them off the async runtime with a timeout, because a locked
//! keyring with a display may wait forever on an unlock prompt.

use crate::secret::Sensitive;
use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use zeroize::{Zeroize, Zeroizing};

/// What a signed-in device keeps in its keychain: which server, and the token pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTokens {
    pub server_url: String,
    pub access_token: Sensitive<String>,
    pub refresh_token: Sensitive<String>,
    /// The user signed out while the server could not be told: nobody is signed in, and this entry is
    /// kept only to revoke the session on the server at the next chance (then it goes).
    pub revoke_only: bool,
}

pub trait TokenStore: Send + Sync + 'static {
    fn load(&self) -> Result<Option<StoredTokens>, CoreError>;
    fn save(&self, tokens: &StoredTokens) -> Result<(), CoreError>;
    /// Removes the entry; removing a missing entry is not an error.
    fn clear(&self) -> Result<(), CoreError>;
    /// The device values servers gave this device's sign-ins ([`KnownDevices`]), in an entry of their own
    /// that outlives sign-out (that is their point). Both stores of the engine keep them; a store made
    /// for one test may keep none (then every sign-in counts as from a new device).
    fn load_devices(&self) -> Result<KnownDevices, CoreError> {
        Ok(KnownDevices::default())
    }
    fn save_devices(&self, _devices: &KnownDevices) -> Result<(), CoreError> {
        Ok(())
    }
}

/// What a server said of this device at its accounts' sign-ins: the value of
/// [`DEVICE_COOKIE`](penggerak_types::api::DEVICE_COOKIE) it set, to be sent back with the next sign-in of
/// the same account, so that someone guessing that account's password elsewhere cannot keep this device
/// out. Kept per server and account, newest first, at most [`KnownDevices::MAX`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownDevices(Vec<KnownDevice>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KnownDevice {
    server_url: String,
    /// The account's identifiers (NUPTK, NIP, e-mail), trimmed and lower-cased, as a sign-in may name it.
    names: Vec<String>,
    value: String,
}

impl Drop for KnownDevice {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

impl KnownDevices {
    /// Accounts remembered on one device.
    pub const MAX: usize = 10;

    /// The value for a sign-in at `server_url` naming `identifier`, if this device has one.
    pub fn find(&self, server_url: &str, identifier: &str) -> Option<Sensitive<String>> {
        let name = identifier.trim().to_lowercase();
        self.0
            .iter()
            .find(|d| d.server_url == server_url && d.names.contains(&name))
            .map(|d| Sensitive::new(d.value.clone()))
    }

    /// Keeps `value` for the account known by `names` at `server_url`, replacing its older one.
    pub fn remember<'a>(
        &mut self,
        server_url: &str,
        names: impl IntoIterator<Item = &'a str>,
        value: String,
    ) {
        let names: Vec<String> =
            names.into_iter().map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty()).collect();
        self.0.retain(|d| !(d.server_url == server_url && d.names.iter().any(|n| names.contains(n))));
        self.0.insert(0, KnownDevice { server_url: server_url.to_owned(), names, value });
        self.0.truncate(Self::MAX);
    }
}

/// The on-keychain form. Private: the only place tokens are serialised, and only into the keychain.
#[derive(Serialize, Deserialize)]
struct KeychainSecret {
    v: u32,
    server_url: String,
    access_token: String,
    refresh_token: String,
    #[serde(default)]
    revoke_only: bool,
}

impl Drop for KeychainSecret {
    fn drop(&mut self) {
        self.access_token.zeroize();
        self.refresh_token.zeroize();
    }
}

/// The OS keychain via keyring 4 (platform store chosen by keyring's default `v1` feature).
pub struct KeyringStore {
    service: String,
    account: String,
}

impl KeyringStore {
    /// The app's entry: service `id.penggerak.desktop`, account `session`.
    pub fn app() -> Self {
        Self::new("id.penggerak.desktop", "session")
    }

    /// Another entry (tests use their own service name so they never touch the app's).
    pub fn new(service: &str, account: &str) -> Self {
        Self { service: service.to_owned(), account: account.to_owned() }
    }

    fn entry(&self) -> Result<keyring::Entry, CoreError> {
        keyring::Entry::new(&self.service, &self.account).map_err(keyring_err)
    }
}

fn keyring_err(e: keyring::Error) -> CoreError {
    CoreError::Keyring(e.to_string())
}

impl TokenStore for KeyringStore {
    fn load(&self) -> Result<Option<StoredTokens>, CoreError> {
        match self.entry()?.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                let mut s: KeychainSecret = serde_json::from_str(&text)
                    .map_err(|e| CoreError::Keyring(format!("unreadable keychain entry: {e}")))?;
                Ok(Some(StoredTokens {
                    server_url: std::mem::take(&mut s.server_url),
                    access_token: Sensitive::new(std::mem::take(&mut s.access_token)),
                    refresh_token: Sensitive::new(std::mem::take(&mut s.refresh_token)),
                    revoke_only: s.revoke_only,
                }))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_err(e)),
        }
    }

    fn save(&self, tokens: &StoredTokens) -> Result<(), CoreError> {
        let secret = KeychainSecret {
            v: 1,
            server_url: tokens.server_url.clone(),
            access_token: tokens.access_token.expose().clone(),
            refresh_token: tokens.refresh_token.expose().clone(),
            revoke_only: tokens.revoke_only,
        };
        let text =
            Zeroizing::new(serde_json::to_string(&secret).map_err(|e| CoreError::Keyring(e.to_string()))?);
        self.entry()?.set_password(&text).map_err(keyring_err)
    }

    fn clear(&self) -> Result<(), CoreError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_err(e)),
        }
    }

    fn load_devices(&self) -> Result<KnownDevices, CoreError> {
        match self.devices_entry()?.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                serde_json::from_str(&text)
                    .map_err(|e| CoreError::Keyring(format!("unreadable keychain entry: {e}")))
            }
            Err(keyring::Error::NoEntry) => Ok(KnownDevices::default()),
            Err(e) => Err(keyring_err(e)),
        }
    }

    fn save_devices(&self, devices: &KnownDevices) -> Result<(), CoreError> {
        let text =
            Zeroizing::new(serde_json::to_string(devices).map_err(|e| CoreError::Keyring(e.to_string()))?);
        self.devices_entry()?.set_password(&text).map_err(keyring_err)
    }
}

impl KeyringStore {
    /// The known devices' entry: beside the session's, account `<account>-devices`.
    fn devices_entry(&self) -> Result<keyring::Entry, CoreError> {
        keyring::Entry::new(&self.service, &format!("{}-devices", self.account)).map_err(keyring_err)
    }
}

/// In-memory tokens, lost when the process ends. For unit tests of the engine only: the app never uses it.
#[derive(Default)]
pub struct MemoryStore(Mutex<Option<StoredTokens>>, Mutex<KnownDevices>);

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<StoredTokens>, CoreError> {
        Ok(self.0.lock().expect("memory store lock").clone())
    }

    fn save(&self, tokens: &StoredTokens) -> Result<(), CoreError> {
        *self.0.lock().expect("memory store lock") = Some(tokens.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), CoreError> {
        *self.0.lock().expect("memory store lock") = None;
        Ok(())
    }

    fn load_devices(&self) -> Result<KnownDevices, CoreError> {
        Ok(self.1.lock().expect("memory store lock").clone())
    }

    fn save_devices(&self, devices: &KnownDevices) -> Result<(), CoreError> {
        *self.1.lock().expect("memory store lock") = devices.clone();
        Ok(())
    }
}
