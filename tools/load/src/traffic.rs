//! The traffic: one client thread per connection, each sending a mix of public reads and
//! votes until the time is up, and what came back.
//!
//! Each thread has its own keep-alive connection, so `--connections` is the number of
//! connections the server holds. A vote uses the library tokens in turn (the server limits
//! each token's rate, so many tokens are needed to write fast) and a fresh
//! Idempotency-Key, and its receipt is kept so the log can be checked afterwards. This
//! module must never retry a request: every answer is counted as it came.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use ledger_harness::CommandReceipt;

use crate::tokens::Voter;

/// What to send, learnt from the server before the load starts.
#[derive(Debug)]
pub struct Plan {
    /// The base URL.
    pub base: String,
    /// The round to vote in.
    pub round: String,
    /// Every round id (their results and votes are read).
    pub rounds: Vec<String>,
    /// The log's length when the load started.
    pub start_length: u64,
    /// The share of votes among the requests.
    pub write_share: f64,
    /// The voting tokens.
    pub voters: Vec<Voter>,
    /// A tag that makes this run's Idempotency-Keys unique.
    pub run_tag: String,
}

impl Plan {
    /// Reads the head and the rounds from the server.
    pub fn discover(
        base: &str,
        round: &str,
        write_share: f64,
        voters: Vec<Voter>,
    ) -> anyhow::Result<Plan> {
        let agent = agent();
        let health: Value = agent
            .get(&format!("{base}/healthz"))
            .call()
            .context("GET /healthz")?
            .into_json()?;
        let start_length = health["length"].as_u64().context("healthz length")?;
        let rounds: Value = agent
            .get(&format!("{base}/v1/rounds?limit=500"))
            .call()
            .context("GET /v1/rounds")?
            .into_json()?;
        let mut rounds: Vec<String> = rounds["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|r| r["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if !rounds.iter().any(|r| r == round) {
            rounds.push(round.to_owned());
        }
        let run_tag = format!("{:016x}", rand::thread_rng().gen::<u64>());
        Ok(Plan {
            base: base.to_owned(),
            round: round.to_owned(),
            rounds,
            start_length,
            write_share,
            voters,
            run_tag,
        })
    }
}

/// Counts per status class.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Counts {
    /// 2xx answers.
    pub ok: u64,
    /// 304 and other 3xx answers.
    pub redirect: u64,
    /// 429 answers (a token over its rate).
    pub too_many: u64,
    /// Other 4xx answers.
    pub client_error: u64,
    /// 5xx answers.
    pub server_error: u64,
    /// Requests that got no HTTP answer (refused, reset or timed out connections).
    pub transport_error: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.ok += other.ok;
        self.redirect += other.redirect;
        self.too_many += other.too_many;
        self.client_error += other.client_error;
        self.server_error += other.server_error;
        self.transport_error += other.transport_error;
    }

    fn count(&mut self, status: Option<u16>) {
        match status {
            None => self.transport_error += 1,
            Some(200..=299) => self.ok += 1,
            Some(300..=399) => self.redirect += 1,
            Some(429) => self.too_many += 1,
            Some(400..=499) => self.client_error += 1,
            Some(_) => self.server_error += 1,
        }
    }

    /// Every request counted.
    pub fn total(&self) -> u64 {
        self.ok
            + self.redirect
            + self.too_many
            + self.client_error
            + self.server_error
            + self.transport_error
    }
}

/// What the whole run saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Counts of the reads.
    pub reads: Counts,
    /// Counts of the votes.
    pub writes: Counts,
    /// Latencies of the reads, in microseconds, sorted.
    pub read_micros: Vec<u64>,
    /// Latencies of the votes, in microseconds, sorted.
    pub write_micros: Vec<u64>,
    /// The receipts of the votes the server acknowledged (201, or 200 for a replay).
    pub acknowledged: Vec<CommandReceipt>,
    /// How long the traffic ran.
    pub elapsed: Duration,
    /// Success answers to a vote whose receipt did not parse or named another command.
    pub bad_receipts: u64,
    /// The first few unexpected answers (5xx, failed connections), for the report.
    pub samples: Vec<String>,
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .max_idle_connections_per_host(1)
        .build()
}

/// Runs `connections` client threads for `duration`.
pub fn run(plan: &Plan, connections: usize, duration: Duration) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..connections)
            .map(|n| {
                let stop = Arc::clone(&stop);
                std::thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn_scoped(scope, move || client(plan, n, connections, &stop))
            })
            .collect();
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
        handles
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|h| h.join().ok())
            .collect()
    });
    let mut total = Outcome {
        elapsed: started.elapsed(),
        ..Outcome::default()
    };
    for outcome in outcomes {
        total.reads.add(&outcome.reads);
        total.writes.add(&outcome.writes);
        total.read_micros.extend(outcome.read_micros);
        total.write_micros.extend(outcome.write_micros);
        total.acknowledged.extend(outcome.acknowledged);
        total.bad_receipts += outcome.bad_receipts;
        for sample in outcome.samples {
            if total.samples.len() < 10 {
                total.samples.push(sample);
            }
        }
    }
    total.read_micros.sort_unstable();
    total.write_micros.sort_unstable();
    total
}

/// One connection's loop.
fn client(plan: &Plan, n: usize, connections: usize, stop: &AtomicBool) -> Outcome {
    let agent = agent();
    let mut rng = rand::rngs::StdRng::seed_from_u64(n as u64);
    let mut outcome = Outcome::default();
    let mut sent = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let write = !plan.voters.is_empty() && rng.gen_bool(plan.write_share);
        let t = Instant::now();
        if write {
            // Thread n uses tokens n, n + connections, ...: spread over all tokens.
            let voter = &plan.voters[(n + sent * connections) % plan.voters.len()];
            let key = format!("load-{}-{n}-{sent}", plan.run_tag);
            let (status, body) = vote(&agent, plan, voter, &key, &mut rng);
            outcome.write_micros.push(micros(t));
            outcome.writes.count(status);
            note(&mut outcome.samples, "POST /v1/commands", status, &body);
            if matches!(status, Some(200 | 201)) {
                match ledger_harness::receipt::read(&key, &body) {
                    Some(ack) => outcome.acknowledged.push(ack),
                    None => {
                        outcome.bad_receipts += 1;
                        outcome
                            .samples
                            .push(format!("a bad receipt for {key}: {body}"));
                    }
                }
            }
        } else {
            let target = read_target(plan, &mut rng);
            let (status, body) = call(agent.get(&format!("{}{target}", plan.base)), None);
            outcome.read_micros.push(micros(t));
            outcome.reads.count(status);
            note(&mut outcome.samples, &target, status, &body);
        }
        sent += 1;
    }
    outcome
}

fn micros(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Keeps a few unexpected answers for the report.
fn note(samples: &mut Vec<String>, what: &str, status: Option<u16>, body: &str) {
    let unexpected = status.is_none_or(|s| s >= 500);
    if unexpected && samples.len() < 10 {
        let status = status.map_or("no answer".to_owned(), |s| s.to_string());
        samples.push(format!(
            "{what}: {status}: {}",
            body.chars().take(300).collect::<String>()
        ));
    }
}

/// A read, chosen by weight: results and votes pages most, digests least (a digest folds
/// the log up to its start).
fn read_target(plan: &Plan, rng: &mut impl Rng) -> String {
    let round = &plan.rounds[rng.gen_range(0..plan.rounds.len())];
    let length = plan.start_length.max(1);
    match rng.gen_range(0..100) {
        0..=29 => format!("/v1/rounds/{round}/result"),
        30..=54 => format!("/v1/rounds/{round}/votes?limit=50"),
        55..=79 => {
            let after = rng.gen_range(0..length);
            format!("/v1/events?after={after}&limit=50")
        }
        80..=94 => "/v1/proposals".to_owned(),
        _ => {
            let from = rng.gen_range(0..length);
            let to = (from + 50).min(length);
            format!("/v1/digest?from={from}&to={to}")
        }
    }
}

fn vote(
    agent: &ureq::Agent,
    plan: &Plan,
    voter: &Voter,
    key: &str,
    rng: &mut impl Rng,
) -> (Option<u16>, String) {
    let choice = ["yes", "no", "abstain"][rng.gen_range(0..3)];
    let body = json!({"type": "cast_vote", "round": plan.round, "library": voter.library, "choice": choice});
    let request = agent
        .post(&format!("{}/v1/commands", plan.base))
        .set("Authorization", &format!("Bearer {}", voter.token))
        .set("Idempotency-Key", key);
    call(request, Some(body))
}

/// Sends a request and reads the whole answer (so the connection can be reused).
fn call(request: ureq::Request, body: Option<Value>) -> (Option<u16>, String) {
    let answer = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    match answer {
        Ok(response) | Err(ureq::Error::Status(_, response)) => {
            let status = response.status();
            (Some(status), response.into_string().unwrap_or_default())
        }
        Err(ureq::Error::Transport(e)) => (None, e.to_string()),
    }
}
