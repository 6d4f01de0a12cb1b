//! `penggerak-server publish-update --version V --bundle FILE --signature FILE.sig [--notes TEXT]
//! [--platform linux-x86_64] [--database URL]`: publishes a release of the app (see `domain::releases`).
//!
//! `penggerak-server [--listen ADDR] [--database URL] [--database-require-tls] [--database-connections N] [--demo]
//! [--trusted-proxy CIDR]... [--forwarded-header H] [--log-format text|json] [--metrics-listen ADDR]
//! [--tls-cert PEM --tls-key PEM] [--public-url URL]`:
//! the reference API server. Every flag can also come from the environment (`PENGGERAK_LISTEN`,
//! `PENGGERAK_DATABASE`, `PENGGERAK_DATABASE_REQUIRE_TLS=true`, `PENGGERAK_DATABASE_CONNECTIONS`,
//! `PENGGERAK_DEMO=true`,
//! `PENGGERAK_TRUSTED_PROXIES` comma-separated, `PENGGERAK_FORWARDED_HEADER`, `PENGGERAK_LOG_FORMAT`,
//! `PENGGERAK_METRICS_LISTEN`, `PENGGERAK_TLS_CERT`, `PENGGERAK_TLS_KEY`, `PENGGERAK_PUBLIC_URL`), as a container or a systemd unit
//! sets it; a flag wins over its variable. Without `--metrics-listen` no metrics are served. With a
//! certificate and key it serves https itself; without, plain http (for loopback, or behind a reverse
//! proxy that terminates TLS).
//!
//! A PostgreSQL URL connects with TLS as its `sslmode` says
//! (`?sslmode=verify-full&sslrootcert=/path/ca.pem`); `--database-require-tls` refuses to start unless it
//! says `verify-full` ([`Db::check_tls`]).

use anyhow::Context;
use clap::Parser;
use penggerak_server::{db, demo, idempotency, serve, serve_tls, AppState, Config, Db};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(version, about = "Penggerak reference API server", args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, env = "PENGGERAK_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Database URL (`sqlite:///path/to/file.sqlite`). Default: a SQLite file in the user's data directory.
    #[arg(long, env = "PENGGERAK_DATABASE", hide_env_values = true)]
    database: Option<String>,
    /// Refuse to start unless the database is PostgreSQL reached with `sslmode=verify-full` (TLS that
    /// checks the server's certificate and host name).
    #[arg(long, env = "PENGGERAK_DATABASE_REQUIRE_TLS")]
    database_require_tls: bool,
    /// The most connections this instance opens to the database (its pool). Every instance holds up to
    /// this many: keep their sum under the database's own limit.
    #[arg(long, env = "PENGGERAK_DATABASE_CONNECTIONS", default_value_t = db::MAX_CONNECTIONS,
          value_parser = clap::value_parser!(u32)
              .range(i64::from(*db::CONNECTIONS_RANGE.start())..=i64::from(*db::CONNECTIONS_RANGE.end())))]
    database_connections: u32,
    /// Seed deterministic demo data if the database is empty.
    #[arg(long, env = "PENGGERAK_DEMO")]
    demo: bool,
    /// A reverse proxy (address or CIDR network, repeatable) whose forwarding header names the client.
    #[arg(
        long = "trusted-proxy",
        env = "PENGGERAK_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = penggerak_server::limits::parse_trusted_proxy
    )]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// The most requests one client address may have in flight at once (of 256). Raise it where many of the
    /// app's users reach this server from one address (a large carrier NAT) and no proxy in front names them.
    #[arg(long, env = "PENGGERAK_MAX_IN_FLIGHT_PER_CLIENT", default_value_t = 64,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    max_in_flight_per_client: u16,
    /// The most requests one user may have in flight at once, from any address and session (of 256).
    #[arg(long, env = "PENGGERAK_MAX_IN_FLIGHT_PER_USER", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    max_in_flight_per_user: u16,
    /// The header the trusted proxies set: x-forwarded-for or forwarded (RFC 7239).
    #[arg(long, env = "PENGGERAK_FORWARDED_HEADER", default_value = "x-forwarded-for")]
    forwarded_header: penggerak_server::ForwardedHeader,
    /// How the log is written: text, or json (one object per line, each request's with its id).
    #[arg(long, env = "PENGGERAK_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Serve Prometheus metrics (`GET /metrics`) on this address, apart from the API. Keep it internal:
    /// the metrics are operational data. Unset: no metrics listener.
    #[arg(long, env = "PENGGERAK_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// Serve https with this certificate chain (PEM: the server's certificate, then intermediates).
    #[arg(long, env = "PENGGERAK_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "PENGGERAK_TLS_KEY", requires = "tls_cert", hide_env_values = true)]
    tls_key: Option<std::path::PathBuf>,
    /// The address apps reach this server at (`https://api.example.id`), for the update links it gives
    /// them. Unset: made of each request's Host header (and https when --tls-cert is given).
    #[arg(long, env = "PENGGERAK_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Publish a release of the app for one platform (replacing the one published there): its bundle and
    /// the bundle's signature, both as `cargo xtask package` writes them. Apps of an older version signed
    /// in to this server are offered it; each checks the signature before installing.
    PublishUpdate {
        /// Database URL, as for serving.
        #[arg(long, env = "PENGGERAK_DATABASE", hide_env_values = true)]
        database: Option<String>,
        /// `<os>-<arch>` as the updater names it.
        #[arg(long, default_value = "linux-x86_64")]
        platform: String,
        /// The release's semantic version (higher than the apps' to be offered).
        #[arg(long)]
        version: String,
        /// What is new, shown to the user before she installs it.
        #[arg(long, default_value = "")]
        notes: String,
        /// The bundle (`.deb`, AppImage, installer).
        #[arg(long)]
        bundle: std::path::PathBuf,
        /// Its signature (`<bundle>.sig`).
        #[arg(long)]
        signature: std::path::PathBuf,
    },
}

/// `publish-update`: reads the bundle and its signature and publishes them in one transaction.
async fn publish_update(command: Command) -> anyhow::Result<()> {
    let Command::PublishUpdate { database, platform, version, notes, bundle, signature } = command;
    let url = match database {
        Some(url) => url,
        None => default_database()?,
    };
    let db = Db::open(&url).await.with_context(|| format!("opening database {}", db::redact(&url)))?;
    // Bounded before it is read: a bundle over the bound is refused without loading it.
    let size = std::fs::metadata(&bundle).with_context(|| format!("reading {}", bundle.display()))?.len();
    if size > penggerak_types::limits::APP_BUNDLE as u64 {
        anyhow::bail!(
            "{} is {size} bytes; a bundle is at most {}",
            bundle.display(),
            penggerak_types::limits::APP_BUNDLE
        );
    }
    let bytes = std::fs::read(&bundle).with_context(|| format!("reading {}", bundle.display()))?;
    let sig =
        std::fs::read_to_string(&signature).with_context(|| format!("reading {}", signature.display()))?;
    let file_name = bundle.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut tx = db.begin().await?;
    let new = penggerak_server::domain::releases::NewRelease {
        platform: &platform,
        version: &version,
        notes: &notes,
        file_name: &file_name,
        bundle: &bytes,
        signature: &sig,
        at: penggerak_server::auth::now_unix(),
    };
    penggerak_server::domain::releases::publish(&mut tx, new).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    println!("published {version} for {platform}: {file_name} ({} bytes)", bytes.len());
    Ok(())
}

fn default_database() -> anyhow::Result<String> {
    let dir = dirs::data_dir().context("no user data directory: pass --database")?.join("penggerak-server");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(format!("sqlite://{}", dir.join("penggerak.sqlite").display()))
}

/// How the log is written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LogFormat {
    /// Lines for a person at a terminal.
    Text,
    /// One JSON object per line, for a log collector (each request's lines carry its `request_id`).
    Json,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(command) = args.command {
        return publish_update(command).await;
    }
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    match args.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt().json().with_env_filter(filter).init(),
    }
    let url = match args.database {
        Some(url) => url,
        None => default_database()?,
    };
    if args.database_require_tls {
        // Before any connection: a refused URL must not be tried even once (it would send the password).
        if let Err(refusal) = Db::check_tls(&url) {
            anyhow::bail!("refusing to start: {refusal}");
        }
    }
    // The URL may carry a password: only its redacted form is ever printed.
    let db = Db::open_with(&url, args.database_connections)
        .await
        .with_context(|| format!("opening database {}", db::redact(&url)))?;
    if args.demo && demo::seed_if_empty(&db).await? {
        tracing::info!("demo data seeded (password of every demo account: {})", demo::DEMO_PASSWORD);
    }
    // Read before binding: a bad certificate stops the server before it takes the address.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(penggerak_server::tls_config(cert, key)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    // Bound before the API's line is logged, so its line comes first (or not at all: no metrics listener).
    let metrics_listener = match args.metrics_listen {
        Some(addr) => {
            let l = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the metrics address {addr}"))?;
            tracing::info!("metrics on http://{}/metrics", l.local_addr()?);
            Some(l)
        }
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!("listening on {scheme}://{}", listener.local_addr()?);
    let config = Config {
        trusted_proxies: args.trusted_proxies,
        forwarded_header: args.forwarded_header,
        public_url: args.public_url,
        tls: tls.is_some(),
        transport: penggerak_server::Transport {
            max_in_flight_per_client: usize::from(args.max_in_flight_per_client),
            max_in_flight_per_user: usize::from(args.max_in_flight_per_user),
            ..penggerak_server::Transport::default()
        },
        ..Config::default()
    };
    let state = AppState::new(db, config);
    // Forget idempotency keys past their retention, sign-in counts past their window, and expired sessions,
    // tokens and devices, hourly.
    let housekeeping = state.clone();
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            hourly.tick().await;
            match idempotency::expire(&housekeeping).await {
                Ok(n) if n > 0 => tracing::info!(expired = n, "idempotency keys expired"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "expiring idempotency keys failed"),
            }
            match housekeeping.limits.expire(&housekeeping.db, penggerak_server::limits::now_millis()).await {
                Ok(n) if n > 0 => {
                    tracing::info!(expired = n, "sign-in limit counts past their window deleted")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deleting old sign-in limit counts failed"),
            }
            let now = penggerak_server::auth::now_unix();
            match penggerak_server::auth::expire(&housekeeping.db, &housekeeping.config, now).await {
                Ok(n) if n.total() > 0 => tracing::info!(?n, "expired sessions, tokens and devices deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deleting expired sessions failed"),
            }
        }
    });
    // One signal stops both listeners.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(());
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<()>| async move {
        let _ = rx.changed().await;
    };
    let metrics = metrics_listener
        .map(|l| tokio::spawn(penggerak_server::metrics::serve(l, state.clone(), stopped(stop_rx.clone()))));
    match tls {
        Some(tls) => serve_tls(listener, state, tls, stopped(stop_rx)).await?,
        None => serve(listener, state, stopped(stop_rx)).await?,
    }
    if let Some(m) = metrics {
        m.await.context("the metrics listener")?.context("the metrics listener")?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish and SQLite closes cleanly.
async fn shutdown_signal() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate => {},
    }
}
