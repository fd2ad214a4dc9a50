//! `ledger-audit` against a server: a tiny HTTP server in the test serves a tiles
//! directory under `/v1/log/`, the proof endpoints and round results in the shapes the
//! tool expects, so the server paths (URLs, 404s, JSON) are exercised; a server that
//! lies in its results or proofs is caught.
//!
//! The lead tests against the real server too; this only pins the contract.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use common::*;
use ledger_core::state::RoundStatus;
use ledger_core::{Record, State};
use ledger_tlog::{consistency_proof, inclusion_proof, leaf_hash, MemoryHashStore};
use serde_json::{json, Value};
use tempfile::TempDir;

type Handler = dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync;

/// Serves `handler` on a local port until the test process ends; returns the base URL.
fn serve(handler: Arc<Handler>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                    break;
                }
            }
            let target = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body) = match handler(&target) {
                Some(body) => ("200 OK", body),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    url
}

/// Query parameter `name` of `target`.
fn param(target: &str, name: &str) -> Option<u64> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))?
        .parse()
        .ok()
}

/// The read API's result of every round after folding the first `at` entries.
fn results(entries: &[Vec<u8>], at: usize) -> BTreeMap<String, Value> {
    let mut state = State::new();
    for bytes in &entries[..at] {
        state.evolve(&Record::decode(bytes).unwrap().event().unwrap());
    }
    let count =
        |c: ledger_core::Count| json!({"libraries": c.libraries, "inhabitants": c.inhabitants});
    state
        .rounds
        .values()
        .map(|round| {
            let tally = round.closed_with.map_or_else(|| round.tally(), |(t, _)| t);
            let share = tally.yes_share_of_inhabitants(&round.rule).map(|r| {
                json!({"numerator": r.numerator, "denominator": r.denominator,
                       "percent": r.percent(2), "percent_rounded": r.percent(0)})
            });
            let status = match round.status {
                RoundStatus::Open => "open",
                RoundStatus::Closed => "closed",
                RoundStatus::Annulled => "annulled",
            };
            let outcome = serde_json::to_value(round.outcome()).unwrap();
            let value = json!({
                "round": round.id.as_str(),
                "status": status,
                "outcome": outcome,
                "certified": round.certified,
                "eligible": count(tally.eligible),
                "cast": count(tally.cast),
                "yes": count(tally.yes),
                "no": count(tally.no),
                "abstain": count(tally.abstain),
                "yes_share_of_represented_inhabitants": share,
                "tally_digest": tally.digest(&round.id),
            });
            (round.id.0.clone(), value)
        })
        .collect()
}

/// How the test server misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Lie {
    None,
    ResultYesPlusOne,
    ResultNotCertified,
    ConsistencyProofOfAnotherTree,
    InclusionLeafHash,
}

/// An honest (or lying) server over a tiles directory of `entries`.
fn server(dir: PathBuf, entries: Vec<Vec<u8>>, lie: Lie) -> String {
    let handler = move |target: &str| -> Option<Vec<u8>> {
        let path = target.split('?').next().unwrap_or_default();
        if let Some(rest) = path.strip_prefix("/v1/log/") {
            if rest == "checkpoint" || rest.starts_with("tile/") {
                return fs::read(dir.join(rest)).ok();
            }
            let store = MemoryHashStore::from_entries(&entries).unwrap();
            if rest == "proof/inclusion" {
                let (index, size) = (param(target, "index")?, param(target, "size")?);
                let proof = inclusion_proof(index, size, &store).ok()?;
                let mut leaf = leaf_hash(&entries[index as usize]);
                if lie == Lie::InclusionLeafHash {
                    leaf.0[0] ^= 1;
                }
                let body = json!({"index": index, "size": size, "leaf_hash": leaf.to_base64(),
                                  "proof": proof.iter().map(|h| h.to_base64()).collect::<Vec<_>>()});
                return Some(body.to_string().into_bytes());
            }
            if rest == "proof/consistency" {
                let (from, to) = (param(target, "from")?, param(target, "to")?);
                let mut proof = consistency_proof(from, to, &store).ok()?;
                if lie == Lie::ConsistencyProofOfAnotherTree {
                    if let Some(first) = proof.first_mut() {
                        first.0[0] ^= 1;
                    }
                }
                let body = json!({"from": from, "to": to,
                                  "proof": proof.iter().map(|h| h.to_base64()).collect::<Vec<_>>()});
                return Some(body.to_string().into_bytes());
            }
            return None;
        }
        let round = path.strip_prefix("/v1/rounds/")?.strip_suffix("/result")?;
        let at = param(target, "at")? as usize;
        let mut result = results(&entries, at.min(entries.len())).remove(round)?;
        match lie {
            Lie::ResultYesPlusOne => {
                result["yes"]["inhabitants"] = json!(result["yes"]["inhabitants"].as_u64()? + 1)
            }
            Lie::ResultNotCertified => result["certified"] = json!(false),
            _ => {}
        }
        Some(result.to_string().into_bytes())
    };
    serve(Arc::new(handler))
}

fn verify(url: &str, extra: &[&str]) -> std::process::Output {
    let key = vkey();
    let mut args = vec!["verify", "--server", url, "--key", &key];
    args.extend_from_slice(extra);
    audit(&args)
}

fn published(size: usize) -> (TempDir, Ledger) {
    let ledger = sample();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    (dir, ledger)
}

#[test]
fn an_honest_server_verifies_and_its_results_match() {
    let (dir, ledger) = published(sample().entries.len());
    let url = server(dir.path().to_owned(), ledger.entries.clone(), Lie::None);
    let out = assert_ok(&verify(&format!("{url}/"), &[]));
    assert!(out.contains(&format!("from server {url}")), "{out}");
    assert!(
        out.contains("server results: 1 rounds equal to the recount"),
        "{out}"
    );
}

#[test]
fn a_server_result_that_differs_from_the_recount_fails() {
    let (dir, ledger) = published(sample().entries.len());
    let url = server(
        dir.path().to_owned(),
        ledger.entries.clone(),
        Lie::ResultYesPlusOne,
    );
    assert_fails(
        &verify(&url, &[]),
        &[
            "server's result for round r-2023-05 says yes = 3 libraries / 911684",
            "recount 3 / 911683",
        ],
    );
    let url = server(
        dir.path().to_owned(),
        ledger.entries.clone(),
        Lie::ResultNotCertified,
    );
    assert_fails(
        &verify(&url, &[]),
        &["says certified = false, the log true"],
    );
}

#[test]
fn results_are_read_as_of_the_checkpoint() {
    // The server's log is ahead of its checkpoint: the round is certified only later,
    // and the audit asks for the result `at` the checkpoint's size.
    let ledger = sample();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, 22);
    let url = server(dir.path().to_owned(), ledger.entries.clone(), Lie::None);
    let out = assert_ok(&verify(&url, &[]));
    assert!(out.contains("not certified (0 signatures)"), "{out}");
}

#[test]
fn remember_uses_the_servers_consistency_proof() {
    let ledger = sample();
    let n2 = ledger.entries.len();
    let state = TempDir::new().unwrap();
    let file = state.path().join("last");
    let file_arg = file.to_str().unwrap();

    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, 13);
    let url = server(
        dir.path().to_owned(),
        ledger.entries[..13].to_vec(),
        Lie::None,
    );
    assert_ok(&verify(&url, &["--remember", file_arg]));

    let grown = TempDir::new().unwrap();
    publish(grown.path(), &ledger.entries, n2);
    let url = server(grown.path().to_owned(), ledger.entries.clone(), Lie::None);
    let out = assert_ok(&verify(&url, &["--remember", file_arg]));
    assert!(out.contains("extends the remembered size 13"), "{out}");

    // Back to 13, then a server whose consistency proof is wrong.
    publish(dir.path(), &ledger.entries, 13);
    fs::write(&file, fs::read(dir.path().join("checkpoint")).unwrap()).unwrap();
    let url = server(
        grown.path().to_owned(),
        ledger.entries.clone(),
        Lie::ConsistencyProofOfAnotherTree,
    );
    assert_fails(
        &verify(&url, &["--remember", file_arg]),
        &[
            "the log forked",
            &format!("consistency proof from 13 to {n2} does not verify"),
        ],
    );
}

#[test]
fn prove_against_a_server_checks_its_answer() {
    let (dir, ledger) = published(sample().entries.len());
    let url = server(dir.path().to_owned(), ledger.entries.clone(), Lie::None);
    let receipt = dir.path().join("receipt.json");
    let key = vkey();
    let out = assert_ok(&audit(&[
        "prove",
        "--server",
        &url,
        "--index",
        "20",
        "--key",
        &key,
        "--out",
        receipt.to_str().unwrap(),
    ]));
    assert!(
        out.contains("checkpoint signature and inclusion path verified"),
        "{out}"
    );
    let out = assert_ok(&audit(&[
        "check-proof",
        receipt.to_str().unwrap(),
        "--key",
        &key,
    ]));
    assert!(out.contains("actor: acc-lib-hasselt"), "{out}");

    let url = server(
        dir.path().to_owned(),
        ledger.entries.clone(),
        Lie::InclusionLeafHash,
    );
    let out = audit(&["prove", "--server", &url, "--index", "18"]);
    assert_fails(&out, &["leaf hash", "is not the hash of its bytes"]);
}

#[test]
fn an_unreachable_or_empty_server_fails_with_one_line() {
    let url = serve(Arc::new(|_: &str| None));
    assert_fails(
        &verify(&url, &[]),
        &["/v1/log/checkpoint answered HTTP 404"],
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    assert_fails(&verify(&closed, &[]), &["failed"]);
}
