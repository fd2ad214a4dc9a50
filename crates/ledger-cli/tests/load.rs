//! Load against the real `ledger serve`: `ledger-load` (tools/load) holds 256 connections
//! of mixed reads and authenticated votes for 10 s (`LEDGER_LOAD_SECONDS=60` for the full
//! run), then checks that every acknowledged vote is in the log.
//!
//! The promise: zero 5xx, every request answered, every acknowledged write present at
//! its position with its hash, nothing appended that was not acknowledged, and the
//! server's peak memory under [`PEAK_RSS_BOUND_MIB`]. This test must never write to the
//! ledger other than through the server.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The bound on the server's peak resident memory, in MiB. What the server holds: sled's
/// page cache (capped at 64 MiB by the store), the read model of the demo ledger plus
/// the votes of the run (a few hundred bytes each; a 60 s run appends well under 100,000),
/// per connection a read buffer and at most one 64 KiB body (256 connections: under
/// 32 MiB), and the code, worker stacks and allocator slack. 256 MiB is twice that sum,
/// so a leak per request or an unbounded buffer breaks it within the run, while normal
/// growth does not.
const PEAK_RSS_BOUND_MIB: u64 = 256;

/// The `ledger-load` binary beside `ledger` (a workspace build makes it); built with
/// cargo when this package's tests were built alone.
fn load_binary() -> PathBuf {
    let ledger = Path::new(env!("CARGO_BIN_EXE_ledger"));
    let binary = ledger.with_file_name(format!("ledger-load{}", std::env::consts::EXE_SUFFIX));
    if binary.exists() {
        return binary;
    }
    let profile_dir = ledger.parent().expect("the profile directory");
    let target_dir = profile_dir.parent().expect("the target directory");
    let mut build = Command::new(option_env!("CARGO").unwrap_or("cargo"));
    build
        .args(["build", "--quiet", "-p", "ledger-load", "--target-dir"])
        .arg(target_dir);
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo build -p ledger-load");
    assert!(status.success(), "cargo build -p ledger-load failed");
    assert!(binary.exists(), "{} was not built", binary.display());
    binary
}

#[test]
fn two_hundred_fifty_six_connections_of_reads_and_votes_get_no_5xx_and_lose_no_write() {
    let seconds: u64 = std::env::var("LEDGER_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let load = load_binary();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("demo");
    let built = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["demo", "--no-serve", "--window", "1", "--data"])
        .arg(&dir)
        .output()
        .expect("run ledger demo");
    assert!(
        built.status.success(),
        "ledger demo --no-serve: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let server = support::Server::start(&dir, &[]);
    let report = parent.path().join("load.json");
    let output = Command::new(&load)
        .args(["--server", &server.url, "--tokens"])
        .arg(dir.join("demo-tokens.txt"))
        .args(["--connections", "256", "--seconds", &seconds.to_string()])
        .args([
            "--write-share",
            "0.2",
            "--pid",
            &server.child.id().to_string(),
        ])
        .arg("--json")
        .arg(&report)
        .output()
        .expect("run ledger-load");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    eprintln!("{text}{}", String::from_utf8_lossy(&output.stderr));
    let summary: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("the JSON report")).unwrap();

    assert_eq!(summary["reads"]["server_error"], 0, "5xx on reads:\n{text}");
    assert_eq!(
        summary["writes"]["server_error"], 0,
        "5xx on votes:\n{text}"
    );
    assert_eq!(
        summary["reads"]["transport_error"], 0,
        "reads without an answer:\n{text}"
    );
    assert_eq!(
        summary["writes"]["transport_error"], 0,
        "votes without an answer:\n{text}"
    );
    assert_eq!(summary["bad_receipts"], 0, "{text}");
    let acknowledged = summary["acknowledged_writes"].as_u64().unwrap();
    assert!(acknowledged > 0, "no vote was acknowledged:\n{text}");
    assert!(
        summary["reads"]["ok"].as_u64().unwrap() > 0,
        "no read succeeded:\n{text}"
    );
    assert_eq!(
        summary["check"]["present"].as_u64(),
        Some(acknowledged),
        "acknowledged votes missing from the log:\n{text}"
    );
    // Every vote got an answer, so the log holds exactly the acknowledged records more.
    assert_eq!(
        summary["check"]["final_length"].as_u64().unwrap(),
        summary["start_length"].as_u64().unwrap()
            + summary["acknowledged_records"].as_u64().unwrap(),
        "the log grew by something that was not acknowledged:\n{text}"
    );
    let peak_kib = summary["server_peak_rss_kib"]
        .as_u64()
        .expect("the server's peak RSS");
    assert!(
        peak_kib < PEAK_RSS_BOUND_MIB * 1024,
        "the server peaked at {} MiB, over the bound of {PEAK_RSS_BOUND_MIB} MiB:\n{text}",
        peak_kib / 1024
    );
    assert!(
        output.status.success(),
        "ledger-load exited with {}",
        output.status
    );

    // The server still answers after the load.
    let health: Value = ureq::get(&format!("{}/healthz", server.url))
        .call()
        .expect("healthz after the load")
        .into_json()
        .unwrap();
    assert_eq!(health["length"], summary["check"]["final_length"]);
}
