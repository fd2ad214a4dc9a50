//! One `ledger serve` process: started on port 0, ready once it prints `listening on
//! URL`, ended with SIGKILL.
//!
//! The server's stderr goes to a log file in the work directory, so a failed start can
//! be explained. This module must never stop the server gently: the point is a kill at
//! an arbitrary moment.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::error::CrashLoopError;

/// A running `ledger serve`; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// From the spawn to `listening on`: opening (and verifying) the ledger, catching the
    /// projections up, binding the port.
    pub start_time: Duration,
}

/// Why a start did not give a listening server.
#[derive(Debug)]
pub enum StartFailure {
    /// The process ended before it listened (with its exit status).
    Exited(Option<ExitStatus>),
    /// It did not listen within the timeout.
    TimedOut,
    /// It could not be spawned at all.
    Spawn(std::io::Error),
}

impl std::fmt::Display for StartFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartFailure::Exited(Some(status)) => write!(f, "it exited with {status}"),
            StartFailure::Exited(None) => write!(f, "it closed its output"),
            StartFailure::TimedOut => write!(f, "it did not listen in time"),
            StartFailure::Spawn(e) => write!(f, "it could not be spawned: {e}"),
        }
    }
}

impl ServerProcess {
    /// Starts `ledger serve --data DATA --addr 127.0.0.1:0`, its stderr appended to
    /// `log`, and waits up to `timeout` for it to listen.
    pub fn start(
        ledger_bin: &Path,
        data: &Path,
        log: &Path,
        timeout: Duration,
    ) -> Result<Result<ServerProcess, StartFailure>, CrashLoopError> {
        let stderr = File::options()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|source| CrashLoopError::Io {
                path: log.to_owned(),
                source,
            })?;
        let started = Instant::now();
        let spawned = Command::new(ledger_bin)
            .args(["serve", "--data"])
            .arg(data)
            .args(["--addr", "127.0.0.1:0"])
            .env_remove("LEDGER_SERVER")
            .env_remove("LEDGER_TOKEN")
            .env_remove("LEDGER_DATA")
            .env_remove("LEDGER_ADDR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => return Ok(Err(StartFailure::Spawn(e))),
        };
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Err(StartFailure::Exited(None)));
        };
        let (tx, rx) = mpsc::channel();
        // Reads stdout for the URL, then keeps draining it so the server never blocks on
        // a full pipe; the thread ends when the process dies.
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                    break;
                }
            }
            for _ in lines {}
        });
        match rx.recv_timeout(timeout) {
            Ok(url) => Ok(Ok(ServerProcess {
                child,
                url,
                start_time: started.elapsed(),
            })),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.wait().ok();
                Ok(Err(StartFailure::Exited(status)))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                Ok(Err(StartFailure::TimedOut))
            }
        }
    }

    /// SIGKILL, then waits for the process to be gone (so its directory lock is free).
    pub fn kill(mut self) -> Result<(), CrashLoopError> {
        self.child
            .kill()
            .and_then(|()| self.child.wait().map(|_| ()))
            .map_err(|e| CrashLoopError::Server(format!("killing the server: {e}")))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `lines` lines of the server log, to explain a failed start.
pub fn log_tail(log: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The server log's path in the work directory.
pub fn log_path(work: &Path) -> PathBuf {
    work.join("serve.log")
}
