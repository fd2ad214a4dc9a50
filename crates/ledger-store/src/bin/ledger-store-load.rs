//! A load generator over one ledger directory: several threads register libraries as
//! fast as the ledger acknowledges them, printing one line per acknowledged record.
//!
//! The crash test kills it with SIGKILL and then checks that every printed record is in
//! the log; so a line is printed (and flushed) only after `append` returned, and never
//! before. This program must never print a record it did not get a receipt for.
//!
//! Usage: `ledger-store-load DIR ACTOR PREFIX THREADS [COUNT]`: ACTOR must hold the
//! secretariat role; thread `t` registers libraries `PREFIX-t-0`, `PREFIX-t-1`, ...
//! (COUNT per thread, without end when absent), each serving a NIS code of its own, counted
//! up from the highest code already in the log (a municipality has one library; so at most
//! 100,000 registrations per ledger). Output lines:
//! `ack COMMAND_ID POSITION HASH`. Exit status 2 for bad arguments, 3 for a failed
//! append or open.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use ledger_core::{ActorId, Command, CommandId, Envelope, LibraryId, NisCode};
use ledger_store::{Ledger, LedgerOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, actor, prefix, threads, count) = match parse(&args) {
        Some(parsed) => parsed,
        None => {
            eprintln!("usage: ledger-store-load DIR ACTOR PREFIX THREADS [COUNT]");
            return ExitCode::from(2);
        }
    };
    let ledger = match Ledger::open(&dir, LedgerOptions::default()) {
        Ok(ledger) => ledger,
        Err(e) => {
            eprintln!("ledger-store-load: {e}");
            return ExitCode::from(3);
        }
    };
    let highest = ledger
        .state()
        .libraries
        .values()
        .flat_map(|library| &library.municipalities)
        .filter_map(|code| code.0.parse::<u32>().ok())
        .max();
    let codes = Arc::new(AtomicU32::new(highest.map_or(0, |h| h + 1)));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let ledger = ledger.clone();
            let actor = actor.clone();
            let prefix = prefix.clone();
            let codes = Arc::clone(&codes);
            std::thread::spawn(move || work(&ledger, &actor, &prefix, t, count, &codes))
        })
        .collect();
    let mut ok = true;
    for worker in workers {
        ok &= worker.join().unwrap_or(false);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}

type Args = (PathBuf, String, String, usize, Option<u64>);

fn parse(args: &[String]) -> Option<Args> {
    match args {
        [dir, actor, prefix, threads] => Some((
            PathBuf::from(dir),
            actor.clone(),
            prefix.clone(),
            threads.parse().ok()?,
            None,
        )),
        [dir, actor, prefix, threads, count] => Some((
            PathBuf::from(dir),
            actor.clone(),
            prefix.clone(),
            threads.parse().ok()?,
            Some(count.parse().ok()?),
        )),
        _ => None,
    }
}

/// One thread's appends; false when an append failed.
fn work(
    ledger: &Ledger,
    actor: &str,
    prefix: &str,
    thread: usize,
    count: Option<u64>,
    codes: &AtomicU32,
) -> bool {
    let mut i: u64 = 0;
    while count.is_none_or(|c| i < c) {
        let id = format!("{prefix}-{thread}-{i}");
        let envelope = Envelope {
            command_id: CommandId::new(&id),
            actor: ActorId::new(actor),
            expected_version: None,
            command: Command::RegisterLibrary {
                library: LibraryId::new(&id),
                name: format!("Bibliotheek {id}"),
                municipalities: vec![NisCode(format!(
                    "{:05}",
                    codes.fetch_add(1, Ordering::SeqCst)
                ))],
                inhabitants: 1_000,
            },
        };
        match ledger.append(envelope) {
            Ok(receipt) => {
                let mut out = std::io::stdout().lock();
                for (position, hash) in receipt.positions.iter().zip(&receipt.hashes) {
                    if writeln!(out, "ack {id} {position} {hash}").is_err() {
                        return false;
                    }
                }
                if out.flush().is_err() {
                    return false;
                }
            }
            Err(e) => {
                eprintln!("ledger-store-load: append {id}: {e}");
                return false;
            }
        }
        i += 1;
    }
    true
}
