//! The server baseline a user would pick instead: PostgreSQL, storing the same record
//! bytes in the same BLAKE3 chain as the ledger, at 1, 8 and 64 writers, each insert its
//! own transaction with `synchronous_commit = on` (and the server's `fsync = on`).
//!
//! A transaction takes a transaction-scoped advisory lock (the chain has one head, so
//! appends are serial, as in SQLite's `BEGIN IMMEDIATE`), reads the head (position and
//! hash), seals the vote after it with `ledger_core::chain::seal` and inserts it.
//! PostgreSQL's commits from many connections still share WAL flushes. The server is the
//! one `--postgres URL` names, or a throwaway local one started with `initdb` and
//! `pg_ctl` in the run's directory (as the `postgres` system user when the bench runs as
//! root), stopped at the end. Without either, the lines are skipped with the reason.
//! This module must never batch inserts, relax `synchronous_commit` or run against a
//! server with `fsync` off.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use postgres::{Client, NoTls, Statement};
use serde::Serialize;

use crate::baseline;
use crate::votes::{Electorate, VoteStream};
use crate::writers::WriteFigure;

/// The table the baseline writes (dropped before and after a run on a given server).
const TABLE: &str = "ledger_bench_events";
/// The advisory lock that serialises appends to the one chain.
const CHAIN_LOCK: i64 = 0x4c45_4447;

/// What the PostgreSQL lines measured, or why they were skipped.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PostgresFigure {
    /// The server's version (`SHOW server_version`), when one was reached.
    pub server: Option<String>,
    /// Whether the server was a local one this run started.
    pub local: bool,
    /// Why the lines were not measured.
    pub skipped: Option<String>,
    /// 1, 8 and 64 writers.
    pub lines: Vec<WriteFigure>,
}

/// A server to measure: its connection string, and the local server to stop afterwards.
pub struct Server {
    /// `host=... port=... user=... dbname=...` or a URL.
    pub url: String,
    /// The server's version.
    pub version: String,
    local: Option<LocalServer>,
}

impl Server {
    /// Whether this run started the server.
    pub fn is_local(&self) -> bool {
        self.local.is_some()
    }
}

/// A server started with `initdb` and `pg_ctl` in a directory of the run; stopped when
/// dropped.
struct LocalServer {
    pg_ctl: PathBuf,
    data: PathBuf,
    as_postgres: bool,
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let mut stop = self.command(&self.pg_ctl);
        stop.arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w", "stop"]);
        let _ = stop.stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

impl LocalServer {
    /// `program`, run as the `postgres` user when this process is root (the server
    /// refuses to run as root).
    fn command(&self, program: &Path) -> Command {
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

/// `--postgres local`: start a local server even in `--quick`.
pub const LOCAL: &str = "local";

/// The server named by `url`, or a local one started under `run_dir` when `start_local`
/// (or `url` is [`LOCAL`]) and `initdb`/`pg_ctl` are installed; `Err` holds the reason
/// the lines are skipped.
pub fn server(url: Option<&str>, run_dir: &Path, start_local: bool) -> Result<Server, String> {
    let start_local = start_local || url == Some(LOCAL);
    if let Some(url) = url.filter(|u| *u != LOCAL) {
        let version = check(url).map_err(|e| format!("cannot use --postgres {url}: {e:#}"))?;
        return Ok(Server {
            url: url.to_owned(),
            version,
            local: None,
        });
    }
    if !start_local {
        return Err("no server given (--postgres URL) and --quick starts none".to_owned());
    }
    let (Some(initdb), Some(pg_ctl)) = (installed("initdb"), installed("pg_ctl")) else {
        return Err(
            "no server given (--postgres URL) and no initdb/pg_ctl installed \
             (Debian: apt-get install postgresql)"
                .to_owned(),
        );
    };
    start_local_server(&initdb, &pg_ctl, run_dir)
        .map_err(|e| format!("cannot start a local server: {e:#}"))
}

fn start_local_server(initdb: &Path, pg_ctl: &Path, run_dir: &Path) -> anyhow::Result<Server> {
    let data = run_dir.join("postgres");
    std::fs::create_dir_all(&data)?;
    let as_postgres = running_as_root();
    if as_postgres {
        // The server's own user must reach and own its directory.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(run_dir, std::fs::Permissions::from_mode(0o711))?;
        let status = Command::new("chown")
            .arg("postgres:")
            .arg(&data)
            .status()
            .context("chown")?;
        if !status.success() {
            bail!("cannot give {} to the postgres user", data.display());
        }
    }
    let mut server = LocalServer {
        pg_ctl: pg_ctl.to_path_buf(),
        data: data.clone(),
        as_postgres,
    };
    let mut init = server.command(initdb);
    init.arg("-D").arg(&data).args([
        "-A",
        "trust",
        "-U",
        "bench",
        "-E",
        "UTF8",
        "--no-instructions",
    ]);
    run_quietly(init, "initdb")?;
    let port = free_port()?;
    let mut start = server.command(pg_ctl);
    start
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(data.join("server.log"))
        .args(["-w", "-t", "60", "-o"])
        .arg(format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=on \
             -c synchronous_commit=on -c max_connections=100",
            data.display()
        ))
        .arg("start");
    run_quietly(start, "pg_ctl start")?;
    let url = format!("host=127.0.0.1 port={port} user=bench dbname=postgres");
    let version = check(&url)?;
    server.data = data;
    Ok(Server {
        url,
        version,
        local: Some(server),
    })
}

fn run_quietly(mut command: Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// `name` on the PATH, or in Debian's `/usr/lib/postgresql/*/bin`.
fn installed(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"));
    std::env::split_paths(&path)
        .chain(debian)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Connects, refuses a server whose `fsync` is off, and returns its version.
fn check(url: &str) -> anyhow::Result<String> {
    let mut client = Client::connect(url, NoTls)?;
    let fsync: String = client.query_one("SHOW fsync", &[])?.get(0);
    if fsync != "on" {
        bail!("the server runs with fsync={fsync}: not a durable baseline");
    }
    Ok(client.query_one("SHOW server_version", &[])?.get(0))
}

/// Creates the baseline's table anew.
pub fn create(server: &Server) -> anyhow::Result<()> {
    let mut client = Client::connect(&server.url, NoTls)?;
    client.batch_execute(&format!(
        "DROP TABLE IF EXISTS {TABLE};
         CREATE TABLE {TABLE} (position BIGINT PRIMARY KEY, hash BYTEA NOT NULL, bytes BYTEA NOT NULL);"
    ))?;
    Ok(())
}

/// Drops the baseline's table (on a server the run did not start).
pub fn drop_table(server: &Server) -> anyhow::Result<()> {
    let mut client = Client::connect(&server.url, NoTls)?;
    client.batch_execute(&format!("DROP TABLE IF EXISTS {TABLE};"))?;
    Ok(())
}

/// One writer's connection with its prepared statements.
struct Writer {
    client: Client,
    lock: Statement,
    head: Statement,
    insert: Statement,
}

fn connect(url: &str) -> anyhow::Result<Writer> {
    let mut client = Client::connect(url, NoTls)?;
    client.batch_execute("SET synchronous_commit = on;")?;
    Ok(Writer {
        lock: client.prepare("SELECT pg_advisory_xact_lock($1)")?,
        head: client.prepare(&format!(
            "SELECT position, hash FROM {TABLE} ORDER BY position DESC LIMIT 1"
        ))?,
        insert: client.prepare(&format!(
            "INSERT INTO {TABLE} (position, hash, bytes) VALUES ($1, $2, $3)"
        ))?,
        client,
    })
}

/// Appends one vote as its own transaction; returns the stored size.
fn append(writer: &mut Writer, votes: &mut VoteStream) -> anyhow::Result<usize> {
    let (envelope, event) = votes.next_vote();
    let mut tx = writer.client.transaction()?;
    tx.execute(&writer.lock, &[&CHAIN_LOCK])?;
    let last = tx
        .query_opt(&writer.head, &[])?
        .map(|row| (row.get::<_, i64>(0), row.get::<_, Vec<u8>>(1)));
    let mut size = 0;
    for record in &baseline::seal_after(last, &envelope, event)? {
        let position = i64::try_from(record.record.position.0)?;
        tx.execute(
            &writer.insert,
            &[&position, &&record.hash.0[..], &record.bytes],
        )?;
        size += record.bytes.len();
    }
    tx.commit()?;
    Ok(size)
}

/// Runs `writers` threads, one connection each, inserting votes for `window`, then
/// checks the chain.
pub fn postgres_writers(
    server: &Server,
    electorate: &Electorate,
    run: &str,
    writers: usize,
    window: Duration,
) -> anyhow::Result<WriteFigure> {
    let figure = baseline::writers(
        "PostgreSQL",
        electorate,
        run,
        writers,
        window,
        || connect(&server.url),
        append,
    )?;
    let mut client = Client::connect(&server.url, NoTls)?;
    let rows = client.query(
        &format!("SELECT position, bytes FROM {TABLE} ORDER BY position"),
        &[],
    )?;
    baseline::check_chain(
        "PostgreSQL",
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?))),
    )?;
    if figure.throughput.count == 0 {
        return Err(anyhow!(
            "PostgreSQL appended nothing with {writers} writers"
        ));
    }
    Ok(figure)
}
