//! The crash loop in CI: 25 times, `ledger serve` is killed with SIGKILL while four
//! writers send votes and proposals over HTTP, and restarted; after every restart the
//! harness (`tools/crashloop`) checks that every acknowledged receipt is in the log at its
//! position with its hash, positions are gap-free, the checkpoint, Merkle tree, chain
//! and tallies verify, the projections equal a rebuild, and retried commands were
//! applied at most once. Longer runs: `LEDGER_CRASHLOOP_CYCLES=200 cargo test --release
//! -p ledger-cli --test crash_loop`, or `ledger-crashloop --cycles 1000` (RELIABILITY.md).

use std::time::Duration;

use ledger_crashloop::{run, Config};

#[test]
fn twenty_five_kills_lose_nothing_acknowledged() {
    // CI runs 25 cycles; a long run sets the variable.
    let cycles = std::env::var("LEDGER_CRASHLOOP_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(25);
    let mut config = Config::new(cycles, env!("CARGO_BIN_EXE_ledger").into());
    config.seed = 2025;
    // A debug server appends more slowly; kills up to a second after the start still
    // land mid-traffic, and keep the test within its time.
    config.kill_after_max = Duration::from_millis(1000);
    let mut lines = Vec::new();
    let summary = run(&config, |report| {
        eprintln!("{report}");
        lines.push(report.clone());
    })
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("summary: {summary}");

    assert_eq!(summary.cycles, cycles);
    assert_eq!(lines.len() as u64, cycles);
    // Each cycle really wrote and really killed mid-traffic: receipts before every kill,
    // and across the run some writes caught in flight, so the retry path was exercised.
    assert!(
        lines.iter().all(|cycle| cycle.acknowledged > 0),
        "{lines:?}"
    );
    assert!(summary.in_flight > 0, "{summary:?}");
    assert!(summary.log_length > summary.acknowledged as u64);
}
