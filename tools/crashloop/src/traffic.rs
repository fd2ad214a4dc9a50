//! The writers: threads that send votes, revotes with remarks and new proposals over
//! HTTP as fast as the server answers, each remembering what it sent and which receipts
//! it got.
//!
//! A write counts as acknowledged only with a 201/200 receipt in hand; anything else
//! that might have reached the server (no answer, a cut-off body) is kept as
//! unacknowledged, to be retried with the same Idempotency-Key after the restart. This
//! module must never drop a sent command from both lists.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::error::CrashLoopError;
use crate::fixture::{Fixture, ROUND};
use ledger_harness::{Answer, Receipt};

use crate::http;

/// One command as a writer sent it.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The Idempotency-Key, which becomes the command id.
    pub key: String,
    /// The actor of the token used.
    pub actor: String,
    /// The token used.
    pub token: String,
    /// The command as sent.
    pub body: Value,
}

/// A command with its receipt.
#[derive(Clone, Debug)]
pub struct Acked {
    /// What was sent.
    pub sent: Sent,
    /// What the server answered.
    pub receipt: Receipt,
    /// The cycle in which the receipt was received.
    pub cycle: u64,
}

/// What the writers of one cycle did.
#[derive(Debug, Default)]
pub struct Traffic {
    /// Commands with a receipt.
    pub acked: Vec<Acked>,
    /// Commands sent without a complete answer (in flight when the server died).
    pub unacked: Vec<Sent>,
}

/// Runs `writers` writer threads against `url` until `stop` is set or their server
/// dies; returns what they did, or the first unexpected refusal.
pub fn write(
    url: &str,
    fixture: &Fixture,
    cycle: u64,
    seed: u64,
    writers: usize,
    stop: &AtomicBool,
) -> Result<Traffic, CrashLoopError> {
    let results: Vec<Result<Traffic, CrashLoopError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| scope.spawn(move || writer(url, fixture, cycle, seed, w, stop)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(CrashLoopError::Http("a writer thread panicked".to_owned()))
                })
            })
            .collect()
    });
    let mut traffic = Traffic::default();
    for result in results {
        let part = result?;
        traffic.acked.extend(part.acked);
        traffic.unacked.extend(part.unacked);
    }
    Ok(traffic)
}

fn writer(
    url: &str,
    fixture: &Fixture,
    cycle: u64,
    seed: u64,
    w: usize,
    stop: &AtomicBool,
) -> Result<Traffic, CrashLoopError> {
    let agent = http::agent();
    let mut rng = StdRng::seed_from_u64(seed ^ (cycle << 20) ^ ((w as u64) << 8) ^ 0x5eed);
    let mut traffic = Traffic::default();
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let sent = next_command(&mut rng, fixture, cycle, w, n);
        n += 1;
        match send(&agent, url, &sent, cycle, stop)? {
            Ok(receipt) => traffic.acked.push(Acked {
                sent,
                receipt,
                cycle,
            }),
            Err(_) => {
                traffic.unacked.push(sent);
                break;
            }
        }
    }
    Ok(traffic)
}

/// Sends `sent` until it has a receipt (`Ok`) or no answer (`Err` with the reason): a
/// rate limit or a 503 is waited out and retried with the same key, any other refusal
/// is a fault.
pub fn send(
    agent: &ureq::Agent,
    url: &str,
    sent: &Sent,
    cycle: u64,
    stop: &AtomicBool,
) -> Result<Result<Receipt, String>, CrashLoopError> {
    loop {
        match ledger_harness::submit(agent, url, &sent.token, &sent.key, &sent.body) {
            Answer::Receipt(receipt) => return Ok(Ok(receipt)),
            Answer::Unanswered(reason) => return Ok(Err(reason)),
            Answer::Refused {
                status: 429 | 503,
                retry_after,
                ..
            } => {
                if stop.load(Ordering::SeqCst) {
                    return Ok(Err("stopped while waiting out a refusal".to_owned()));
                }
                let wait = retry_after.map_or(200, |s| s.clamp(1, 5) * 1000);
                std::thread::sleep(Duration::from_millis(wait));
            }
            Answer::Refused { status, body, .. } => {
                return Err(CrashLoopError::Http(format!(
                    "cycle {cycle}: command {} was refused with {status}: {body}",
                    sent.key
                )))
            }
        }
    }
}

/// The writer's next command: mostly votes (a library votes again and again, so most
/// are revotes, many with a remark), one in eight a new proposal by the secretariat.
fn next_command(rng: &mut StdRng, fixture: &Fixture, cycle: u64, w: usize, n: u64) -> Sent {
    let key = format!("cl-{cycle}-{w}-{n}");
    if rng.gen_range(0..8) == 0 || fixture.libraries.is_empty() {
        let account = &fixture.secretariat;
        let body = json!({
            "type": "file_proposal", "proposal": format!("p-{cycle}-{w}-{n}"),
            "title": format!("Proposal {key}"),
            "text": format!("Filed by writer {w} in cycle {cycle} of the crash loop."),
            "budget_cents_per_year": rng.gen_range(1..50_000_000u64)
        });
        return Sent {
            key,
            actor: account.actor.clone(),
            token: account.token.clone(),
            body,
        };
    }
    let account = &fixture.libraries[rng.gen_range(0..fixture.libraries.len())];
    let choice = ["yes", "no", "abstain"][rng.gen_range(0..3)];
    let mut body = json!({
        "type": "cast_vote", "round": ROUND,
        "library": account.library.clone().unwrap_or_default(), "choice": choice
    });
    if rng.gen_bool(0.7) {
        body["remark"] = json!(format!("Ballot {n} of writer {w} in cycle {cycle}."));
    }
    Sent {
        key,
        actor: account.actor.clone(),
        token: account.token.clone(),
        body,
    }
}
