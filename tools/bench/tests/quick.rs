//! Runs `ledger-bench --quick` end to end, so that the benchmark cannot rot: every line
//! of the table must be produced, and the JSON must hold a figure for each.
//!
//! It asserts nothing about speed (a debug build on a shared machine says nothing
//! about it); only that each line measured something and the baselines were met with
//! real work (records appended, requests answered, proofs verified).

use std::process::Command;

const LINES: [&str; 24] = [
    "limit",
    "ledger_1",
    "ledger_8",
    "ledger_64",
    "sqlite_1",
    "sqlite_8",
    "sqlite_64",
    "replay_read_verify_decode",
    "serve_ready",
    "replay_peak_memory",
    "past_read_p99",
    "proof_generate",
    "proof_verify",
    "read_api",
    "read_api_healthz",
    "result_p99_alone",
    "result_p99_flood",
    "result_p99_writers",
    "fill_unsynced",
    "limit_spread",
    "sled_insert_floor",
    "sled_write_path_floor",
    "sled_read_floor",
    "floor_preallocated",
];

#[test]
fn quick_run_prints_every_line_and_writes_the_json() {
    let work = tempfile::tempdir().unwrap();
    let json = work.path().join("bench.json");
    let output = Command::new(env!("CARGO_BIN_EXE_ledger-bench"))
        .arg("--quick")
        .arg("--json")
        .arg(&json)
        .arg("--dir")
        .arg(work.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "ledger-bench failed:\n{stderr}");

    // The table: a header and one row per line, targets not judged.
    assert!(
        stdout.starts_with("| line | figure | ratio | target | met |"),
        "{stdout}"
    );
    let table_rows = stdout.lines().filter(|l| l.starts_with("| ")).count();
    assert_eq!(table_rows, 2 + LINES.len(), "{stdout}");
    for needle in [
        "limit: 300-byte append + fdatasync",
        "ledger, durable, 1 writer",
        "ledger, durable, 8 writers",
        "ledger, durable, 64 writers",
        "SQLite WAL synchronous=FULL, 64 writers",
        "replay: Ledger::open of",
        "replay: ledger serve ready",
        "peak resident memory",
        "inclusion proof generation",
        "inclusion proof verification",
        "read API: GET /v1/rounds/r-2023-05/result",
        "read load: result p99 with ?at+digest flood (8 clients",
        "read load: result p99 during 64 writers",
        "past read: GET /v1/rounds/{id}/result?at=N",
        // The PostgreSQL lines need a server; --quick starts none and says so.
        "PostgreSQL: skipped: ",
        "not judged (--quick)",
    ] {
        assert!(stdout.contains(needle), "no {needle:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains("| yes") && !stdout.contains("| NO"),
        "{stdout}"
    );

    // The JSON: `{"machine": ..., "results": [{"name", "value", "unit", "baseline",
    // "ratio", "target", "met"}]}`, one entry per line of the table, each with a
    // positive figure, `met` a boolean exactly for the lines with a target; and the raw
    // figures beside them.
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(report["machine"]["cores"].as_u64().unwrap() >= 1);
    let results = report["results"].as_array().unwrap();
    let keys: Vec<&str> = results.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, LINES);
    let mut with_target = 0;
    for entry in results {
        assert!(!entry["name"].as_str().unwrap().is_empty(), "{entry}");
        assert!(!entry["unit"].as_str().unwrap().is_empty(), "{entry}");
        let value = entry["value"].as_f64().unwrap();
        assert!(value > 0.0, "{} measured nothing: {entry}", entry["key"]);
        for field in ["baseline", "ratio", "target", "met"] {
            assert!(entry.get(field).is_some(), "no {field} in {entry}");
        }
        if let (Some(baseline), Some(ratio)) = (entry["baseline"].as_f64(), entry["ratio"].as_f64())
        {
            assert!((baseline * ratio - value).abs() <= 1e-6 * value, "{entry}");
        }
        match entry["target"].as_str() {
            Some(_) => {
                assert!(entry["met"].is_boolean(), "{entry}");
                with_target += 1;
            }
            None => assert!(entry["met"].is_null(), "{entry}"),
        }
        assert_eq!(
            entry["judged"], false,
            "a --quick run judges nothing: {entry}"
        );
    }
    // The targets sit on eleven lines (64 writers carries two without
    // PostgreSQL and the read API two; the read-load lines under the flood and the
    // writers, and the past read, one each).
    assert_eq!(with_target, 11);
    let figures = &report["figures"];
    for writers in figures["ledger"].as_array().unwrap() {
        assert!(writers["throughput"]["count"].as_u64().unwrap() > 0);
        // A vote is one record of about 300 bytes, like the limit's records.
        let bytes = writers["record_bytes"].as_f64().unwrap();
        assert!((200.0..400.0).contains(&bytes), "record size {bytes}");
    }
    for api in figures["api"].as_array().unwrap() {
        assert_eq!(api["errors"].as_u64().unwrap(), 0, "{api}");
        assert!(api["ok"].as_u64().unwrap() > 0, "{api}");
    }
    // The read-load lines: every reader and the flood answered, all with 200.
    let flood = &figures["flood"];
    assert!(flood["records"].as_u64().unwrap() >= 3_000, "{flood}");
    for part in ["quiet", "flooded", "flood", "during_writes"] {
        assert_eq!(
            flood[part]["errors"].as_u64().unwrap(),
            0,
            "{part}: {flood}"
        );
        assert!(flood[part]["ok"].as_u64().unwrap() > 0, "{part}: {flood}");
    }
    assert!(flood["writes"]["throughput"]["count"].as_u64().unwrap() > 0);
    assert!(figures["replay"]["records"].as_u64().unwrap() >= 3_000);
    // The past reads were answered, every one with 200.
    assert_eq!(figures["past_read"]["errors"].as_u64().unwrap(), 0);
    assert!(figures["past_read"]["ok"].as_u64().unwrap() > 0);
    assert!(figures["postgres"]["skipped"].is_string());
    // The sled floor read the same log the replay opened.
    assert_eq!(
        figures["sled_read"]["records"],
        figures["replay"]["records"]
    );
    assert!(figures["sled_inserts"][0]["count"].as_u64().unwrap() > 0);
    assert!(figures["proofs"]["proof_hashes"].as_f64().unwrap() >= 11.0);
}
