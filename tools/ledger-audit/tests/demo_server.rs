//! End to end: the demo cycle in a real sled ledger, served over HTTP by the real API,
//! audited by the `ledger-audit` binary with nothing but the verifier key; then a vote's
//! receipt is proven and checked offline, and a tampered receipt is refused.

use std::process::Command;
use std::sync::{Arc, Mutex};

use actix_web::web;
use ledger_api::{AppState, ServerConfig};
use ledger_core::Command as LedgerCommand;
use ledger_demo::Scenario;
use ledger_store::{Durability, Ledger, LedgerOptions};

fn demo_ledger(dir: &std::path::Path) -> Ledger {
    let scenario = Scenario::may_2023();
    let setup = scenario.setup();
    let now = Arc::new(Mutex::new(setup[0].at));
    let clock = Arc::clone(&now);
    let ledger = Ledger::init(
        dir,
        ledger_demo::scenario::ORIGIN,
        ledger_core::ActorId::new(ledger_demo::scenario::SECRETARIAT),
        LedgerOptions {
            clock: Arc::new(move || *clock.lock().unwrap()),
            durability: Durability::None,
        },
    )
    .unwrap();
    let mut steps: Vec<_> = setup
        .into_iter()
        .filter(|s| !matches!(s.envelope.command, LedgerCommand::InitializeLedger { .. }))
        .collect();
    steps.extend(scenario.votes());
    steps.push(scenario.close());
    for step in steps {
        *now.lock().unwrap() = step.at;
        ledger.append(step.envelope).unwrap();
    }
    for step in scenario.after_close(&ledger.state()).unwrap() {
        *now.lock().unwrap() = step.at;
        ledger.append(step.envelope).unwrap();
    }
    ledger
}

/// Serves `ledger` on a free port in a background thread; returns its URL.
fn serve(ledger: Ledger) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let state = web::Data::new(AppState::new(ledger).unwrap());
        let config = ServerConfig {
            addr: "127.0.0.1:0".into(),
            workers: Some(2),
            ..ServerConfig::default()
        };
        actix_web::rt::System::new()
            .block_on(ledger_api::run(state, config, |addrs| {
                tx.send(format!("http://{}", addrs[0])).unwrap();
            }))
            .unwrap();
    });
    rx.recv().unwrap()
}

fn audit(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ledger-audit"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_demo_ledger_verifies_end_to_end_against_the_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = demo_ledger(dir.path());
    let key = format!("@{}", dir.path().join("log-verifier.key").display());
    let length = ledger.head().length;
    let url = serve(ledger);
    let remember = dir.path().join("remembered-checkpoint");

    let (ok, stdout, stderr) = audit(&[
        "verify",
        "--server",
        &url,
        "--key",
        &key,
        "--remember",
        remember.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains(&format!("size {length}")), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "round r-2023-05 ({}): closed, adopted",
            ledger_demo::scenario::ROUND_TITLE
        )),
        "{stdout}"
    );
    assert!(stdout.contains("cast 190 /"), "{stdout}");
    // Every vote that counts and both certifications carry their authors' signatures,
    // each checked again against the key in force at its position.
    assert!(
        stdout.contains(
            "author signatures: 190 of 190 votes and 2 of 2 certifications signed by their \
             authors' registered keys"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("unsigned"), "{stdout}");
    assert!(remember.exists());
    // The served result states it too: the round required signatures and all 190
    // counting votes carry one.
    let result: serde_json::Value = ureq::get(&format!("{url}/v1/rounds/r-2023-05/result"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(result["signed_votes"], "required", "{result}");
    assert_eq!(result["votes_signed"], 190, "{result}");

    // A second run demands consistency with the remembered checkpoint.
    let (ok, _, stderr) = audit(&[
        "verify",
        "--server",
        &url,
        "--key",
        &key,
        "--remember",
        remember.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");

    // A library keeps a receipt of its vote and checks it offline.
    // Every demo actor's key registration comes before the votes.
    let vote = 620 + ledger_demo::Scenario::may_2023().key_owners().len() as u64;
    let proof = dir.path().join("vote-proof.json");
    let (ok, _, stderr) = audit(&[
        "prove",
        "--server",
        &url,
        "--index",
        &vote.to_string(),
        "--key",
        &key,
        "--out",
        proof.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = audit(&["check-proof", proof.to_str().unwrap(), "--key", &key]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("type: vote_cast"), "{stdout}");
    // The receipt holds the library's own signed ballot, checked with its key.
    let actor = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("actor: "))
        .unwrap()
        .to_owned();
    let author_key = ledger_demo::keys::demo_signer(&actor)
        .unwrap()
        .verifier()
        .verifier_key();
    let (ok, stdout, stderr) = audit(&[
        "check-proof",
        proof.to_str().unwrap(),
        "--key",
        &key,
        "--author-key",
        &author_key,
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!("signed statement (verified with {author_key}):")),
        "{stdout}"
    );
    assert!(stdout.contains("    vote v1\n"), "{stdout}");
    // Another author's key does not verify it.
    let other = ledger_demo::keys::demo_signer("secretariaat")
        .unwrap()
        .verifier()
        .verifier_key();
    let (ok, _, stderr) = audit(&[
        "check-proof",
        proof.to_str().unwrap(),
        "--key",
        &key,
        "--author-key",
        &other,
    ]);
    assert!(!ok && stderr.contains("the author's signature"), "{stderr}");

    // The same receipt with its record swapped for another is refused.
    let mut receipt: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&proof).unwrap()).unwrap();
    let other = ureq_get_entry(&url, vote + 1);
    receipt["record"] = serde_json::Value::String(other);
    std::fs::write(&proof, receipt.to_string()).unwrap();
    let (ok, _, stderr) = audit(&["check-proof", proof.to_str().unwrap(), "--key", &key]);
    assert!(!ok);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

fn ureq_get_entry(url: &str, index: u64) -> String {
    use base64::Engine;
    use std::io::Read;
    let mut bytes = Vec::new();
    ureq::get(&format!("{url}/v1/log/entries/{index}"))
        .call()
        .unwrap()
        .into_reader()
        .read_to_end(&mut bytes)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
