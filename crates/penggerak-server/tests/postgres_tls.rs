//! TLS to PostgreSQL, against a real server: a throwaway cluster of its own with `ssl = on`, a server
//! certificate for `127.0.0.1`/`localhost` signed by a CA made here, and `hostssl` as the only TCP line
//! of `pg_hba.conf` (so PostgreSQL itself refuses a plain connection). Checked: `verify-full` with that CA
//! connects and the connection is encrypted; plain text is refused; a CA that did not sign the server's
//! certificate is refused; and the real binary with `--database-require-tls` refuses a URL that does not
//! verify the server, in one line and with a failing exit, and serves with one that does.
//!
//! It needs PostgreSQL's binaries (`/usr/lib/postgresql/<version>/bin`, installed by `cargo xtask setup`)
//! and root (PostgreSQL runs as the `postgres` user, as in `xtask/src/postgres.rs`); without either it
//! says why and passes, as CI runs it as root with PostgreSQL installed.

use penggerak_server::Db;
use penggerak_types::route;
use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The newest `/usr/lib/postgresql/<version>/bin` (Debian's layout), if any.
fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn run(command: &mut Command) {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?} could not start: {e}"));
    assert!(
        out.status.success(),
        "{command:?} must succeed to set the cluster up: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA (its certificate in PEM, and what signs with it).
fn new_ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

/// A PostgreSQL cluster on 127.0.0.1 that speaks only TLS over TCP; stopped (and its directory deleted) on
/// drop, also when an assertion fails half-way.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// The CA that signed the server's certificate.
    ca: PathBuf,
    /// Another CA, which signed nothing the server has.
    other_ca: PathBuf,
}

impl Cluster {
    fn as_postgres(&self, program: &str) -> Command {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(self.bin.join(program));
        c
    }

    fn start(bin: PathBuf) -> Cluster {
        let dir = tempfile::Builder::new().prefix("penggerak-pgtls-").tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let root = root.as_path();
        let (ca_pem, ca) = new_ca("penggerak test CA");
        let (other_pem, _) = new_ca("a CA the server never heard of");
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
        params.extended_key_usages.push(ExtendedKeyUsagePurpose::ServerAuth);
        let server_key = KeyPair::generate().unwrap();
        let server_cert = params.signed_by(&server_key, &ca).unwrap();
        std::fs::write(root.join("ca.pem"), ca_pem).unwrap();
        std::fs::write(root.join("other-ca.pem"), other_pem).unwrap();
        std::fs::write(root.join("server.crt"), server_cert.pem()).unwrap();
        std::fs::write(root.join("server.key"), server_key.serialize_pem()).unwrap();
        // PostgreSQL refuses a key others can read.
        run(Command::new("chmod").arg("600").arg(root.join("server.key")));
        run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(root));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster =
            Cluster { bin, port, ca: root.join("ca.pem"), other_ca: root.join("other-ca.pem"), dir };
        let data = cluster.data();
        run(cluster
            .as_postgres("initdb")
            .args(["--auth=trust", "--username=penggerak", "--no-sync", "--encoding=UTF8", "-D"])
            .arg(&data));
        // TCP only with TLS (`hostssl`): a plain connection from 127.0.0.1 matches no line and is refused
        // by the server, whatever the client asks. The Unix socket (trust) is for pg_ctl alone.
        std::fs::write(data.join("pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 trust\n")
            .unwrap();
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c ssl=on \
             -c ssl_cert_file={root}/server.crt -c ssl_key_file={root}/server.key",
            root = root.display()
        );
        run(cluster
            .as_postgres("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(root.join("server.log"))
            .args(["-o", &opts, "start"]));
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self, query: &str) -> String {
        format!("postgres://penggerak@127.0.0.1:{}/postgres?{query}", self.port)
    }

    fn verify_full(&self, ca: &Path) -> String {
        self.url(&format!("sslmode=verify-full&sslrootcert={}", ca.display()))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .as_postgres("pg_ctl")
            .args(["-w", "-D"])
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .status();
    }
}

/// Kills the server binary if the test ends (or fails) while it still runs.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    /// Its exit status within `limit`, or `None` if it still runs then.
    fn wait_at_most(&mut self, limit: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + limit;
        while Instant::now() < until {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

fn server(database: &str) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_penggerak-server"))
            .env("PENGGERAK_LISTEN", "127.0.0.1:0")
            .env("PENGGERAK_DATABASE", database)
            .env("PENGGERAK_DATABASE_REQUIRE_TLS", "true")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

#[test]
fn postgres_over_tls_verifies_the_server_and_require_tls_refuses_what_does_not() {
    let Some(bin) = pg_bin() else {
        eprintln!("skipped: no PostgreSQL under /usr/lib/postgresql (cargo xtask setup installs it)");
        return;
    };
    if !is_root() {
        eprintln!(
            "skipped: not root (PostgreSQL must run as the postgres user, which needs root to switch to)"
        );
        return;
    }
    let cluster = Cluster::start(bin);
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Every connection attempt is bounded: a hang is a failure, not a stuck test.
    let open = |url: String| {
        rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(60), Db::open(&url))
                .await
                .expect("connecting answers within a minute")
        })
    };

    // (a) verify-full with the CA that signed the server's certificate: connects, migrates, queries, and
    // the server sees this very connection as TLS.
    let db = open(cluster.verify_full(&cluster.ca))
        .unwrap_or_else(|e| panic!("verify-full with the signing CA must connect: {e:#}"));
    let (encrypted,): (i64,) = rt
        .block_on(
            sqlx::query_as("SELECT COUNT(*) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl")
                .fetch_one(&db.pool),
        )
        .unwrap();
    assert_eq!(encrypted, 1, "PostgreSQL reports the server's own connection as TLS");
    assert_eq!(
        rt.block_on(db.migrations_missing()).unwrap(),
        Vec::<i64>::new(),
        "the migrations ran over the encrypted connection"
    );
    rt.block_on(db.pool.close());

    // (b) Plain text: PostgreSQL itself refuses it, as pg_hba.conf has only a hostssl line for TCP.
    let e = format!("{:#}", open(cluster.url("sslmode=disable")).expect_err("a plain connection is refused"));
    assert!(
        e.contains("pg_hba.conf") && e.contains("no encryption"),
        "the refusal is the server's, for the missing encryption (not some other failure): {e}"
    );

    // (c) verify-full against a CA that did not sign the server's certificate: the client refuses the server.
    let e = format!(
        "{:#}",
        open(cluster.verify_full(&cluster.other_ca))
            .expect_err("a server the trusted CAs did not vouch for is refused")
    );
    assert!(e.contains("UnknownIssuer"), "refused for the certificate's issuer, not for anything else: {e}");

    // (d) The real binary with --database-require-tls (from the environment, as a unit file sets it).
    // `require` encrypts without checking the server: refused before any connection, in one line.
    let mut refused = server(&cluster.url("sslmode=require"));
    let status =
        refused.wait_at_most(Duration::from_secs(60)).expect("a refused URL stops the server at once");
    assert!(!status.success(), "refusing to start is a failure a supervisor sees: {status}");
    let mut stderr = String::new();
    refused.0.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let line = stderr
        .lines()
        .find(|l| l.contains("refusing to start"))
        .unwrap_or_else(|| panic!("the refusal is said on stderr: {stderr}"));
    assert!(
        line.contains("sslmode=require") && line.contains("sslmode=verify-full"),
        "the one line names the mode refused and the one to use: {line}"
    );

    // With verify-full it starts, and is ready (database answering, migrations applied).
    let mut serving = server(&cluster.verify_full(&cluster.ca));
    let addr = penggerak_testkit::listening_address(&mut serving.0, "http")
        .expect("the server starts with a verify-full URL and says where it listens");
    let status = rt.block_on(async {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
            .get(format!("http://{addr}{}", route::HEALTH_READY))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, reqwest::StatusCode::OK, "ready: its database answers over TLS");
    let pid = serving.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status =
        serving.wait_at_most(Duration::from_secs(30)).expect("SIGTERM stops an idle server promptly");
    assert!(status.success(), "an idle server stops cleanly on SIGTERM: {status}");
}
