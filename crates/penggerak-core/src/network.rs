//! What kind of connection the device is on, for "Unduh nanti" and "Hanya unduh lewat Wi-Fi": on Linux,
//! NetworkManager's `Metered` property over D-Bus (the system bus); where the platform cannot tell, or
//! does not answer in time, [`Connection::Unknown`], which the engine treats as metered.

use penggerak_types::ipc::Connection;
use std::time::Duration;

/// How long the platform may take to answer before the connection counts as unknown.
pub const ASK_TIMEOUT: Duration = Duration::from_secs(2);

/// The boxed future [`NetworkProbe::connection`] returns.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Where the engine learns the kind of connection (a test gives its own).
pub trait NetworkProbe: Send + Sync {
    fn connection(&self) -> BoxFuture<'_, Connection>;
}

/// The platform's own answer: NetworkManager on Linux (on the system bus, or the bus at `address`);
/// unknown elsewhere (Android and iOS will answer through a plugin of their own).
#[derive(Debug, Clone, Default)]
pub struct SystemNetwork {
    /// A D-Bus address to ask instead of the system bus (tests start a private bus).
    pub address: Option<String>,
}

/// NetworkManager's `NMMetered`: 1 yes, 2 no, 3 guessed yes, 4 guessed no, 0 unknown.
pub fn from_nm_metered(value: u32) -> Connection {
    match value {
        1 | 3 => Connection::Metered,
        2 | 4 => Connection::Unmetered,
        _ => Connection::Unknown,
    }
}

impl NetworkProbe for SystemNetwork {
    fn connection(&self) -> BoxFuture<'_, Connection> {
        Box::pin(async move {
            #[cfg(target_os = "linux")]
            {
                match tokio::time::timeout(ASK_TIMEOUT, ask_network_manager(self.address.as_deref())).await {
                    Ok(Ok(value)) => from_nm_metered(value),
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "NetworkManager did not say whether the connection is metered");
                        Connection::Unknown
                    }
                    Err(_) => Connection::Unknown,
                }
            }
            #[cfg(not(target_os = "linux"))]
            {
                Connection::Unknown
            }
        })
    }
}

#[cfg(target_os = "linux")]
async fn ask_network_manager(address: Option<&str>) -> zbus::Result<u32> {
    let bus = match address {
        Some(a) => zbus::connection::Builder::address(a)?.build().await?,
        None => zbus::Connection::system().await?,
    };
    let nm = zbus::Proxy::new(
        &bus,
        "org.freedesktop.NetworkManager",
        "/org/freedesktop/NetworkManager",
        "org.freedesktop.NetworkManager",
    )
    .await?;
    nm.get_property::<u32>("Metered").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_managers_answers_map_to_what_the_app_does() {
        assert_eq!(from_nm_metered(1), Connection::Metered);
        assert_eq!(from_nm_metered(3), Connection::Metered, "guessed metered (a phone's hotspot) is metered");
        assert_eq!(from_nm_metered(2), Connection::Unmetered);
        assert_eq!(from_nm_metered(4), Connection::Unmetered);
        assert_eq!(from_nm_metered(0), Connection::Unknown);
        assert_eq!(from_nm_metered(77), Connection::Unknown, "a value this build does not know");
    }
}
