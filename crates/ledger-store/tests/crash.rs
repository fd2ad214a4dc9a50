//! Crash safety: a process appending under load is killed with SIGKILL at a random
//! moment, ten times over the same directory. Every append it acknowledged before dying
//! must be in the log afterwards, at its position with its hash, and the chain must
//! verify.
//!
//! The child is the `ledger-store-load` binary; it prints a line per record only after
//! `append` returned (so after the fsync), which makes its output the list of promises.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use ledger_core::RecordHash;
use ledger_store::{verify, Ledger};
use rand::Rng;

/// One acknowledged record: command id, position, hash.
type Ack = (String, u64, RecordHash);

fn parse_ack(line: &str) -> Ack {
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(parts.len(), 4, "bad line {line:?}");
    assert_eq!(parts[0], "ack");
    (
        parts[1].to_owned(),
        parts[2].parse().unwrap(),
        RecordHash::from_hex(parts[3]).unwrap(),
    )
}

/// Runs the child until a random moment after its first acknowledgement, kills it, and
/// returns every complete line it printed.
fn run_and_kill(dir: &Path, run: usize) -> Vec<Ack> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledger-store-load"))
        .arg(dir)
        .arg(SECRETARIAT)
        .arg(format!("crash{run}"))
        .arg("8")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        loop {
            let mut line = Vec::new();
            match stdout.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                // A line cut off by the kill was never a promise.
                Ok(_) if line.last() != Some(&b'\n') => break,
                Ok(_) => {
                    let text = String::from_utf8(line).unwrap();
                    if lines.send(text.trim_end().to_owned()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let first = received
        .recv_timeout(Duration::from_secs(60))
        .expect("the child acknowledges an append");
    let wait = rand::thread_rng().gen_range(10..400);
    std::thread::sleep(Duration::from_millis(wait));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    reader.join().unwrap();
    std::iter::once(first)
        .chain(received.try_iter())
        .map(|line| parse_ack(&line))
        .collect()
}

#[test]
fn acknowledged_appends_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    drop(init(dir.path()));
    let mut promised: Vec<Ack> = Vec::new();
    for run in 0..10 {
        let acks = run_and_kill(dir.path(), run);
        assert!(!acks.is_empty());
        promised.extend(acks);

        let ledger = Ledger::open(dir.path(), options()).unwrap();
        let head = ledger.head();
        for (command_id, position, hash) in &promised {
            let stored = ledger
                .record(*position)
                .unwrap()
                .unwrap_or_else(|| panic!("run {run}: acknowledged position {position} is gone"));
            assert_eq!(stored.hash, *hash, "run {run}: position {position}");
            assert_eq!(stored.record.command_id.as_str(), command_id);
        }
        drop(ledger);
        let report = verify(dir.path()).unwrap();
        assert!(report.is_intact(), "run {run}: {:?}", report.problems);
        assert_eq!(report.head, head);
        eprintln!(
            "run {run}: {} acknowledged so far, log holds {} records",
            promised.len(),
            head.length
        );
    }
}
