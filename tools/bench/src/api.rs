//! The read-API line: `GET /v1/rounds/{id}/result` at many keep-alive connections, with
//! the server and the load generator in two child processes of this binary pinned to
//! separate cores (`taskset -c 0` and `taskset -c 1`), and `GET /healthz` on the same
//! server as the framework's own ceiling.
//!
//! The load generator is one thread driving every connection through epoll (tokio's
//! current-thread runtime), writing a request and reading the whole response before the
//! next one (closed loop). This module must never count a response that is not a
//! complete `200 OK`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::sample::{Latencies, Percentiles};

/// How long the server may take to open the ledger and build its projections.
const SERVER_START: Duration = Duration::from_secs(300);

/// What the load generator measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadFigure {
    /// The path requested.
    pub path: String,
    /// Connections.
    pub connections: usize,
    /// Complete `200 OK` responses in the measured window.
    pub ok: u64,
    /// Other responses or failed connections (must be 0).
    pub errors: u64,
    /// The measured window, seconds.
    pub seconds: f64,
    /// `ok / seconds`.
    pub per_second: f64,
    /// Latency of one request.
    pub latency: Percentiles,
    /// Body bytes of the last response.
    pub body_bytes: usize,
    /// Whether server and client ran on separate cores.
    pub pinned: bool,
}

/// The server child: serves the ledger in `dir` with one worker until killed.
pub fn serve_child(dir: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let ledger = ledger_store::Ledger::open(dir, ledger_store::LedgerOptions::default())?;
    let state = measured_state(&ledger)?;
    let config = ledger_api::ServerConfig {
        addr: "127.0.0.1:0".to_owned(),
        workers: Some(1),
        ..ledger_api::ServerConfig::default()
    };
    actix_web::rt::System::new().block_on(ledger_api::run(
        actix_web::web::Data::new(state),
        config,
        |addrs| {
            if let Some(addr) = addrs.first() {
                println!("listening on {addr}");
                let _ = std::io::stdout().flush();
            }
        },
    ))?;
    Ok(())
}

/// The API's state for `ledger` as the bench serves it: past reads unlimited (the load
/// comes from one address, or stands for many) and their checkpoints folded before the
/// server listens, so that no measured read pays for them.
pub fn measured_state(ledger: &ledger_store::Ledger) -> anyhow::Result<ledger_api::AppState> {
    let state = ledger_api::AppState::new(ledger.clone())
        .map_err(|e| anyhow!("{e}"))?
        .with_past_limit(ledger_api::ratelimit::RateLimit::per_second(0, 0));
    state
        .past
        .history
        .warm(ledger)
        .map_err(|e| anyhow!("{e}"))?;
    Ok(state)
}

/// This binary in the hidden role `role` (on `core` when given) with `--name value`
/// arguments.
fn child_command(
    core: Option<u32>,
    role: &str,
    args: &[(&str, String)],
) -> anyhow::Result<Command> {
    let mut command = pinned_self(core)?;
    command.arg(role);
    for (name, value) in args {
        command.arg(format!("--{name}")).arg(value);
    }
    Ok(command)
}

/// Whether `taskset` can pin processes here.
fn taskset_works() -> bool {
    Command::new("taskset")
        .args(["-c", "0", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// This binary, under `taskset -c core` when pinning works.
pub fn pinned_self(core: Option<u32>) -> anyhow::Result<Command> {
    let exe = std::env::current_exe()?;
    Ok(match core {
        Some(core) => {
            let mut command = Command::new("taskset");
            command.arg("-c").arg(core.to_string()).arg(exe);
            command
        }
        None => Command::new(exe),
    })
}

/// A server child that is killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(dir: &Path, pin: bool) -> anyhow::Result<Server> {
    let mut child = pinned_self(pin.then_some(0))?
        .arg("serve-child")
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the server child")?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("the server child has no stdout"))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(addr) = line.strip_prefix("listening on ") {
                let _ = tx.send(addr.trim().to_owned());
            }
        }
    });
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let line = rx
        .recv_timeout(SERVER_START)
        .map_err(|_| anyhow!("the server child did not start listening"))?;
    server.addr = line
        .parse()
        .context("the server child printed a bad address")?;
    Ok(server)
}

/// The past-read line: `GET /v1/rounds/{round}/result?at=N` at random record counts `N`
/// in `[first, length)` of the ledger in `dir`, from one keep-alive connection (each
/// read alone, so its latency is the fold's, not a queue's), against a server child
/// that folded its checkpoints before listening.
pub fn past_reads(
    dir: &Path,
    round: &str,
    first: u64,
    length: u64,
    warmup: Duration,
    window: Duration,
) -> anyhow::Result<LoadFigure> {
    let server = start_server(dir, false)?;
    let mut command = flood_command(server.addr, round, first, length, 1, warmup, window)?;
    command.arg("--at-only");
    let figure = figures_of(command, "past-read");
    drop(server);
    figure
}

/// The flood child's command line (`core`-less: it shares the cores with the server).
pub fn flood_command(
    addr: SocketAddr,
    round: &str,
    first: u64,
    length: u64,
    connections: usize,
    warmup: Duration,
    window: Duration,
) -> anyhow::Result<Command> {
    child_command(
        None,
        "flood-child",
        &[
            ("addr", addr.to_string()),
            ("round", round.to_owned()),
            ("first", first.to_string()),
            ("length", length.to_string()),
            ("connections", connections.to_string()),
            ("warmup-ms", warmup.as_millis().to_string()),
            ("window-ms", window.as_millis().to_string()),
        ],
    )
}

/// Measures `paths` one after the other against one server on `dir`.
pub fn measure(
    dir: &Path,
    paths: &[(&str, Duration)],
    connections: usize,
    warmup: Duration,
) -> anyhow::Result<Vec<LoadFigure>> {
    let pin = taskset_works();
    let server = start_server(dir, pin)?;
    let mut figures = Vec::new();
    for (path, window) in paths {
        let mut figure = load_in_child(
            server.addr,
            path,
            connections,
            warmup,
            *window,
            pin.then_some(1),
        )?;
        figure.pinned = pin;
        figures.push(figure);
    }
    drop(server);
    Ok(figures)
}

/// Runs a load child (on `core` when given) against `addr` and returns its figures.
pub fn load_in_child(
    addr: SocketAddr,
    path: &str,
    connections: usize,
    warmup: Duration,
    window: Duration,
    core: Option<u32>,
) -> anyhow::Result<LoadFigure> {
    let command = child_command(
        core,
        "load-child",
        &[
            ("addr", addr.to_string()),
            ("path", path.to_owned()),
            ("connections", connections.to_string()),
            ("warmup-ms", warmup.as_millis().to_string()),
            ("window-ms", window.as_millis().to_string()),
        ],
    )?;
    figures_of(command, "load")
}

/// Runs a child that prints one [`LoadFigure`] as JSON (`what` names it in errors).
pub fn figures_of(mut command: Command, what: &str) -> anyhow::Result<LoadFigure> {
    let output = command
        .output()
        .with_context(|| format!("cannot start the {what} child"))?;
    if !output.status.success() {
        bail!(
            "the {what} child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout)
        .with_context(|| format!("the {what} child printed no figures"))
}

/// The load child: drives `connections` keep-alive connections on one thread and prints
/// one JSON object.
pub fn load_child(
    addr: SocketAddr,
    path: &str,
    connections: usize,
    warmup: Duration,
    window: Duration,
) -> anyhow::Result<()> {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n");
    let requests = |_| -> Requests {
        let request = request.clone().into_bytes();
        Box::new(move || request.clone())
    };
    let figure = drive(addr, path, connections, warmup, window, requests)?;
    println!("{}", serde_json::to_string(&figure)?);
    Ok(())
}

/// The next request of one connection, complete (head and empty body).
pub type Requests = Box<dyn FnMut() -> Vec<u8>>;

/// The flood child: `connections` keep-alive connections each asking, in a closed loop,
/// for a round's result at a random record count in `[first, length)` (three requests in
/// four, or all of them with `at_only`) or for the digest of a random range of up to
/// 2,000 records of the log's first `length`; prints one JSON object. Any answer but
/// `200` counts as an error; answers in the first `warmup` are not counted.
pub struct Flood<'a> {
    /// The server.
    pub addr: SocketAddr,
    /// The round whose result is read.
    pub round: &'a str,
    /// The first record count at which the round exists.
    pub first: u64,
    /// The log's length.
    pub length: u64,
    /// Keep-alive connections.
    pub connections: usize,
    /// Only `?at=` reads, no digests.
    pub at_only: bool,
    /// Not counted.
    pub warmup: Duration,
    /// Counted.
    pub window: Duration,
}

/// Runs the flood child's side of [`Flood`].
pub fn flood_child(flood: &Flood<'_>) -> anyhow::Result<()> {
    let Flood {
        addr,
        round,
        first,
        length,
        connections,
        at_only,
        warmup,
        window,
    } = *flood;
    let span = length.saturating_sub(first).max(1);
    let requests = |connection: usize| -> Requests {
        let mut seed = connection as u64 + 1;
        let round = round.to_owned();
        Box::new(move || {
            let pick = splitmix(&mut seed);
            let path = if !at_only && pick.is_multiple_of(4) {
                let from = first + splitmix(&mut seed) % span;
                let to = (from + 1 + splitmix(&mut seed) % 2_000).min(length);
                format!("/v1/digest?from={from}&to={to}")
            } else {
                let at = first + splitmix(&mut seed) % span;
                format!("/v1/rounds/{round}/result?at={at}")
            };
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n")
                .into_bytes()
        })
    };
    let figure = drive(
        addr,
        if at_only {
            "?at= at random past counts"
        } else {
            "?at= and /v1/digest at random past counts"
        },
        connections,
        warmup,
        window,
        requests,
    )?;
    println!("{}", serde_json::to_string(&figure)?);
    Ok(())
}

/// splitmix64: the flood's choices, the same on every run.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Connection {
    ok: u64,
    errors: u64,
    micros: Vec<u32>,
    body_bytes: usize,
}

/// Drives `connections` connections, each sending what `requests` makes for it, on one
/// thread (a current-thread runtime).
fn drive(
    addr: SocketAddr,
    path: &str,
    connections: usize,
    warmup: Duration,
    window: Duration,
    requests: impl Fn(usize) -> Requests,
) -> anyhow::Result<LoadFigure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let measured_from = Instant::now() + warmup;
    let until = measured_from + window;
    let local = tokio::task::LocalSet::new();
    let results = runtime.block_on(local.run_until(async {
        let tasks: Vec<_> = (0..connections)
            .map(|n| tokio::task::spawn_local(connection(addr, requests(n), measured_from, until)))
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await);
        }
        results
    }));
    let mut ok = 0;
    let mut errors = 0;
    let mut body_bytes = 0;
    let mut latencies = Latencies::default();
    for result in results {
        match result {
            Ok(Ok(c)) => {
                ok += c.ok;
                errors += c.errors;
                body_bytes = body_bytes.max(c.body_bytes);
                latencies.extend_micros(&c.micros);
            }
            Ok(Err(_)) | Err(_) => errors += 1,
        }
    }
    let seconds = window.as_secs_f64();
    Ok(LoadFigure {
        path: path.to_owned(),
        connections,
        ok,
        errors,
        seconds,
        per_second: ok as f64 / seconds,
        latency: latencies.summary(),
        body_bytes,
        pinned: false,
    })
}

async fn connection(
    addr: SocketAddr,
    mut requests: Requests,
    measured_from: Instant,
    until: Instant,
) -> anyhow::Result<Connection> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut c = Connection {
        ok: 0,
        errors: 0,
        micros: Vec::new(),
        body_bytes: 0,
    };
    loop {
        let sent = Instant::now();
        if sent >= until {
            break;
        }
        stream.write_all(&requests()).await?;
        let (status, body) = read_response(&mut stream, &mut buffer).await?;
        if sent >= measured_from {
            if status == 200 {
                c.ok += 1;
                c.micros
                    .push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
            } else {
                c.errors += 1;
            }
        }
        c.body_bytes = body;
    }
    Ok(c)
}

/// Reads one complete response with a `Content-Length`; returns its status and body
/// size and leaves any bytes after it in `buffer`.
async fn read_response(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> anyhow::Result<(u16, usize)> {
    loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end])?;
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| anyhow!("bad status line"))?;
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .ok_or_else(|| anyhow!("a response without Content-Length"))?;
            let total = end + 4 + length;
            while buffer.len() < total {
                read_more(stream, buffer).await?;
            }
            buffer.drain(..total);
            return Ok((status, length));
        }
        read_more(stream, buffer).await?;
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> anyhow::Result<()> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        bail!("the server closed the connection");
    }
    buffer.extend_from_slice(&chunk[..n]);
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
