//! Berbagi di sekolah, the engine's side: colleagues on the same network get saved materials from each
//! other instead of over paid data.
//!
//! Owns: the setting's effect ([`Engine::follow_sharing`]: the door is open exactly while the setting is
//! on and a user is signed in; closed at sign-out, when the setting goes off, and when the engine is
//! dropped), what the user sees of it ([`Engine::sharing`]), the peers added by address (kept on the
//! device), and asking peers first while sharing is on (`materials.rs` calls [`Engine::part_from_peer`]
//! and [`Engine::text_from_peer`]). The door and the peers themselves are `door.rs`.
//!
//! What a lying peer can do: send wrong bytes, which the whole file's SHA-256 (from this device's own,
//! authenticated catalogue) or the text's tag catches; the file or text is then fetched from the server
//! and that peer is dropped until the app restarts. A peer that stalls or goes away costs at most one
//! part's timeout: the download carries on from the server where it stopped.

use crate::door::{added_from, own_addresses, Door, PEERS_ADDED};
use crate::{CoreError, Engine};
use penggerak_types::ipc::{Discovery, Sharing};
use penggerak_types::{limits, peer, Field, Reason};
use std::net::SocketAddr;

impl Engine {
    fn door(&self) -> std::sync::MutexGuard<'_, Option<Door>> {
        self.door.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens the door when "Bagikan materi di jaringan sekolah" is on and a user is signed in, closes it
    /// otherwise. Called where either can change (the setting, sign-in, sign-out, each sync pass).
    pub async fn follow_sharing(&self) -> Result<(), CoreError> {
        let want =
            self.store().preferences().await?.share_on_network && self.store().account().await?.is_some();
        let added = added_from(self.store().setting(PEERS_ADDED).await?);
        let closing = {
            let mut door = self.door();
            match (want, door.is_some()) {
                (true, false) => {
                    self.peers.set_added(added);
                    *door = Some(Door::open(
                        self.store().clone(),
                        self.materials_dir.clone(),
                        &self.peers,
                        self.discovery,
                        self.door_port,
                    )?);
                    None
                }
                (false, true) => door.take(),
                _ => None,
            }
        };
        if let Some(door) = closing {
            door.close().await;
            self.peers.forget_found();
        }
        Ok(())
    }

    /// [`Engine::follow_sharing`] where its failure must not fail the caller's work (sign-in, sign-out, a
    /// sync pass): logged, and tried again at the next of them.
    pub(crate) async fn follow_sharing_or_warn(&self) {
        if let Err(e) = self.follow_sharing().await {
            tracing::warn!(error = %e, "could not open or close the sharing door");
        }
    }

    /// Berbagi di sekolah as it stands now.
    pub async fn sharing(&self) -> Result<Sharing, CoreError> {
        let on = self.store().preferences().await?.share_on_network;
        let (port, addresses, discovery) = match &*self.door() {
            Some(d) => (
                Some(d.port()),
                own_addresses(d.port(), d.ipv6()),
                if d.discovering() { Discovery::Working } else { Discovery::Unavailable },
            ),
            None => (None, Vec::new(), Discovery::Off),
        };
        let serving = port.is_some();
        let peers = if serving { self.peers.listed() } else { Vec::new() };
        Ok(Sharing { on, serving, port, addresses, peers, discovery })
    }

    /// Adds a colleague's device by the address it shows (where the network blocks discovery).
    pub async fn add_peer(&self, address: &str) -> Result<Sharing, CoreError> {
        let addr = peer::parse_address(address).map_err(CoreError::Refused)?;
        let mut added = added_from(self.store().setting(PEERS_ADDED).await?);
        if !added.contains(&addr) {
            if added.len() >= limits::PEERS {
                return Err(CoreError::Refused(Reason::TooMany {
                    field: Field::PeerAddress,
                    max: limits::PEERS as u32,
                }));
            }
            added.push(addr);
        }
        self.keep_added(added).await?;
        self.sharing().await
    }

    /// Forgets a colleague's device added by address.
    pub async fn remove_peer(&self, address: &str) -> Result<Sharing, CoreError> {
        let mut added = added_from(self.store().setting(PEERS_ADDED).await?);
        added.retain(|a| a.to_string() != address.trim());
        self.keep_added(added).await?;
        self.sharing().await
    }

    async fn keep_added(&self, added: Vec<SocketAddr>) -> Result<(), CoreError> {
        let text: Vec<String> = added.iter().map(ToString::to_string).collect();
        let mut tx = self.store().write().await?;
        crate::store::set_setting(&mut tx, PEERS_ADDED, &text.join(" ")).await?;
        tx.commit().await?;
        self.peers.set_added(added);
        Ok(())
    }

    /// The text of the material whose catalogue entry has `content_etag` from a colleague's device,
    /// while sharing is on ([`Peers::text`](crate::door::Peers::text)).
    pub(crate) async fn text_from_peer(
        &self,
        content_etag: &str,
    ) -> Option<penggerak_types::material::MaterialContent> {
        if self.door().is_none() {
            return None;
        }
        self.peers.text(content_etag).await
    }

    /// A part of the file with `sha256` from byte `from` (up to `len` bytes, no further than the file's
    /// end) from a colleague's device, while sharing is on
    /// ([`Peers::file_part`](crate::door::Peers::file_part)); peers that lack the file, fail, or send less
    /// than asked are put in `skip`, so that this file's download asks them no more.
    pub(crate) async fn part_from_peer(
        &self,
        sha256: &str,
        from: u64,
        len: u64,
        skip: &mut Vec<SocketAddr>,
    ) -> Option<(SocketAddr, Vec<u8>)> {
        if self.door().is_none() {
            return None;
        }
        self.peers.file_part(sha256, from, len, skip).await
    }

    /// Tests only: whether the door is announced and colleagues looked for on the network (on unless
    /// turned off here, before the door opens).
    #[cfg(feature = "testing")]
    pub fn set_discovery(&mut self, on: bool) {
        self.discovery = on;
    }

    /// Tests only: the port the door asks for first (0: any free port), before the door opens. Tests
    /// that run side by side on one machine ask for any: a door closed in one test must not find the
    /// next test's door listening on the same shared port.
    #[cfg(feature = "testing")]
    pub fn set_door_port(&mut self, port: u16) {
        self.door_port = port;
    }
}
