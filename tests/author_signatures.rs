//! The demo's signed statements checked by a second Ed25519 implementation (Python's
//! `cryptography`, in `tests/second_verifier.py`), rebuilt from the records and the
//! format ARCHITECTURE.md documents ("Author signatures"), without the project's code.
//!
//! This test must never hand the verifier a statement the project built: it gets the
//! records' JSON as the read API shows them, plus the plain BLAKE3 of free texts.

use std::io::Write;
use std::process::{Command, Stdio};

use ledger_demo::{PureReplay, Scenario};

fn demo_records() -> Vec<serde_json::Value> {
    let scenario = Scenario::may_2023();
    let mut replay = PureReplay::new();
    let mut steps = scenario.setup();
    steps.extend(scenario.votes());
    steps.push(scenario.close());
    for step in &steps {
        replay.record(step).unwrap();
    }
    for step in scenario.after_close(&replay.state).unwrap() {
        replay.record(&step).unwrap();
    }
    let hash = |text: &serde_json::Value| -> serde_json::Value {
        match text.as_str() {
            Some(text) => blake3::hash(text.as_bytes()).to_hex().to_string().into(),
            None => serde_json::Value::Null,
        }
    };
    replay
        .log
        .iter()
        .map(|(sealed, event)| {
            let event = serde_json::to_value(event).unwrap();
            let body = &event["body"];
            serde_json::json!({
                "position": sealed.record.position.0,
                "actor": sealed.record.actor.as_str(),
                "command_id": sealed.record.command_id.as_str(),
                "type": event["type"],
                "body": body,
                "remark_blake3": hash(&body["remark"]),
                "recipient_blake3": hash(&body["recipient"]),
                "text_blake3": hash(&body["text"]),
                "document_reference_blake3": hash(&body["document_reference"]),
            })
        })
        .collect()
}

/// Runs the second verifier on `records` (one JSON line each).
fn second_verifier(records: &[serde_json::Value]) -> std::process::Output {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("second_verifier.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with the `cryptography` package runs this test");
    {
        let mut stdin = child.stdin.take().unwrap();
        for record in records {
            // The verifier stops reading at the first bad signature.
            if writeln!(stdin, "{record}").is_err() {
                break;
            }
        }
    }
    child.wait_with_output().unwrap()
}

#[test]
fn the_demos_statements_verify_with_a_second_ed25519_implementation() {
    let records = demo_records();
    let ballots = records.iter().filter(|r| r["type"] == "vote_cast").count();
    assert!(ballots >= 190, "{ballots}");
    let out = second_verifier(&records);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let owners = Scenario::may_2023().key_owners().len();
    assert_eq!(
        stdout,
        format!(
            "advice_sent 1 of 1\ncertification_signed 2 of 2\n\
             government_decision_recorded 1 of 1\nkey {owners} of {owners}\n\
             vote_cast {ballots} of {ballots}\n"
        )
    );
}

#[test]
fn the_second_verifier_refuses_a_statement_altered_in_one_byte() {
    // The verifier can fail: a vote whose choice was changed after signing.
    let mut records = demo_records();
    let vote = records
        .iter_mut()
        .find(|r| r["type"] == "vote_cast" && r["body"]["choice"] == "yes")
        .unwrap();
    vote["body"]["choice"] = "no".into();
    let out = second_verifier(&records);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("vote_cast by"));
}
