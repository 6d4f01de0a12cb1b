//! A throwaway PostgreSQL cluster on loopback for the test pass that runs the server's integration tests
//! against PostgreSQL: `initdb` into a temporary directory, `pg_ctl start` on a free port, stopped and
//! deleted on drop. As root it runs the server as the `postgres` user (PostgreSQL refuses to run as root).

use crate::env::{cmd, exec};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_root: bool,
}

/// `/usr/lib/postgresql/<newest>/bin` (Debian's layout).
fn bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (run `cargo xtask setup`)")?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p).context("no PostgreSQL version under /usr/lib/postgresql")
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_root {
            let mut c = cmd("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            cmd(path.to_str().unwrap())
        }
    }

    /// A cluster for tests: durability off (`fsync`, full page writes), which tests do not need.
    pub fn start() -> Result<Cluster> {
        Self::start_with("-c fsync=off -c full_page_writes=off")
    }

    /// A cluster for benchmarks: PostgreSQL's durable defaults, as a deployment runs it, so a commit
    /// waits for its WAL flush as it would there.
    pub fn start_durable() -> Result<Cluster> {
        Self::start_with("")
    }

    fn start_with(settings: &str) -> Result<Cluster> {
        let bin = bin_dir()?;
        let as_root = crate::env::is_root();
        let dir = tempfile::Builder::new().prefix("penggerak-pg-").tempdir()?;
        let root = dir.path().to_path_buf();
        if as_root {
            exec(cmd("chown").args(["-R", "postgres:postgres"]).arg(&root))?;
        }
        let cluster = Cluster { dir, bin, port: free_port()?, as_root };
        let data = root.join("data");
        exec(
            cluster
                .command("initdb")
                .args(["--auth=trust", "--username=penggerak", "--no-sync", "--encoding=UTF8", "-D"])
                .arg(&data)
                .stdout(std::process::Stdio::null()),
        )?;
        let opts =
            format!("-c listen_addresses=127.0.0.1 -p {} -k {} {settings}", cluster.port, root.display());
        exec(
            cluster
                .command("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(&data)
                .args(["-l"])
                .arg(root.join("server.log"))
                .args(["-o", &opts, "start"]),
        )?;
        Ok(cluster)
    }

    /// The admin URL the testkit creates its per-test databases through.
    pub fn admin_url(&self) -> String {
        format!("postgres://penggerak@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ =
            self.command("pg_ctl").args(["-w", "-D"]).arg(&data).args(["-m", "immediate", "stop"]).status();
    }
}
