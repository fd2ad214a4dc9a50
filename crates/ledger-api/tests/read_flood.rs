//! Reads under a flood: a ledger of 100,000 records served over TCP, eight clients
//! looping on `?at=` at random past record counts and on `/v1/digest` of random past
//! ranges, while another client reads a round's result; then the same reader while 64
//! writers append. Every answer must equal a fold of the log to the record count it
//! names, and nothing may answer `5xx`. The latencies are printed, not asserted (the
//! benchmark reports them: `ledger-bench`, lines "result p99 ...").
//!
//! `LEDGER_FLOOD_RECORDS` (default 100,000) and `LEDGER_FLOOD_SECONDS` (default 10 per
//! phase) shorten or lengthen it. The past-read limit is off here, so every flood request
//! really folds; the limit has its own test (`past_reads.rs`). This file must never
//! compare against the server's own folds: references are folded here.

mod vote_fill;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ledger_api::ratelimit::RateLimit;
use ledger_api::{AppState, ServerConfig};
use ledger_core::{Event, RoundId, Sealed};
use ledger_projections::{Digest, ReadModel};
use serde_json::Value;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One answer: status, ETag and body.
fn get(agent: &ureq::Agent, url: &str) -> (u16, String, Value) {
    match agent.get(url).call() {
        Ok(response) => {
            let etag = response.header("ETag").unwrap_or_default().to_owned();
            let status = response.status();
            (status, etag, response.into_json().unwrap_or(Value::Null))
        }
        Err(ureq::Error::Status(status, response)) => (
            status,
            String::new(),
            response.into_json().unwrap_or(Value::Null),
        ),
        Err(e) => panic!("{url}: no answer: {e}"),
    }
}

/// The record count an ETag (`"<length>-<hash>"`) names.
fn etag_length(etag: &str) -> u64 {
    etag.trim_matches('"')
        .split('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("an ETag with a length: {etag}"))
}

/// A small deterministic generator (splitmix64) for the clients' choices.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One fold of `records`: the round's result (as JSON) after each count in `counts`,
/// and the digest of each range in `ranges`.
fn expected(
    records: &[(Sealed, Event)],
    round: &RoundId,
    counts: &BTreeSet<u64>,
    ranges: &BTreeSet<(u64, u64)>,
) -> (BTreeMap<u64, Value>, BTreeMap<(u64, u64), Value>) {
    let mut results = BTreeMap::new();
    let mut digests = BTreeMap::new();
    let mut model = ReadModel::new();
    let mut note = |model: &ReadModel| {
        let at = model.position();
        if counts.contains(&at) {
            let result = serde_json::to_value(model.round_result(round)).expect("json");
            results.insert(at, result);
        }
        for &(from, to) in ranges.range((at, 0)..(at + 1, 0)) {
            let slice = &records[from as usize..to as usize];
            let digest = Digest::between(model, slice, from, to).expect("digest");
            digests.insert((from, to), serde_json::to_value(&digest).expect("json"));
        }
    };
    note(&model);
    for (sealed, event) in records {
        model.apply(sealed, event);
        note(&model);
    }
    (results, digests)
}

/// What the result reader saw: latencies and every answer with the count it names.
struct Seen {
    millis: Vec<f64>,
    answers: Vec<(u64, Value)>,
}

/// Reads `url` until `stop`, keeping every answer; any non-200 fails.
fn read_results(url: &str, stop: &AtomicBool) -> Seen {
    let agent = ureq::AgentBuilder::new().build();
    let mut seen = Seen {
        millis: Vec::new(),
        answers: Vec::new(),
    };
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let (status, etag, body) = get(&agent, url);
        seen.millis.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(status, 200, "{url}: {body}");
        seen.answers.push((etag_length(&etag), body));
    }
    seen
}

fn percentile(millis: &[f64], p: f64) -> f64 {
    let mut sorted = millis.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied().unwrap_or(0.0)
}

#[test]
fn past_reads_and_writers_neither_fail_nor_give_a_wrong_answer() {
    let record_count = env_or("LEDGER_FLOOD_RECORDS", 100_000);
    let phase = Duration::from_secs(env_or("LEDGER_FLOOD_SECONDS", 10));
    let started = Instant::now();
    let filled = vote_fill::filled(record_count);
    eprintln!("filled in {:.1} s", started.elapsed().as_secs_f64());
    let ledger = filled.ledger.clone();
    let length = ledger.head().length;
    assert!(length >= record_count);

    // The questions the flood asks, and their answers from one fold here.
    let mut seed = 7;
    let counts: BTreeSet<u64> = (0..200).map(|_| next(&mut seed) % length).collect();
    let ranges: BTreeSet<(u64, u64)> = (0..24)
        .map(|_| {
            let from = next(&mut seed) % length;
            (from, (from + 1 + next(&mut seed) % 2_000).min(length))
        })
        .collect();
    let log = vote_fill::reference_records(&ledger);
    let (want_results, want_digests) = expected(&log, &filled.round, &counts, &ranges);
    let counts: Vec<u64> = counts.into_iter().collect();
    let ranges: Vec<(u64, u64)> = ranges.into_iter().collect();

    let state = AppState::new(ledger.clone())
        .expect("state")
        .with_past_limit(RateLimit::per_second(0, 0));
    let config = ServerConfig {
        addr: "127.0.0.1:0".to_owned(),
        workers: Some(2),
        ..ServerConfig::default()
    };
    let server = ledger_api::server::spawn(state, config).expect("the server listens");
    let base = format!("http://{}", server.addr);
    eprintln!("serving after {:.1} s", started.elapsed().as_secs_f64());
    let result_url = format!("{base}/v1/rounds/{}/result", filled.round);
    let head = ledger.head();

    // Without the flood, then with it.
    let stop = AtomicBool::new(false);
    let quiet = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read_results(&result_url, &stop));
        std::thread::sleep(phase / 2);
        stop.store(true, Ordering::Relaxed);
        reader.join().expect("reader")
    });
    let stop = AtomicBool::new(false);
    let (flooded, flood_answers) = std::thread::scope(|scope| {
        let flood: Vec<_> = (0..8u64)
            .map(|client| {
                let (stop, counts, ranges) = (&stop, &counts, &ranges);
                let (base, round) = (&base, &filled.round);
                let (want_results, want_digests) = (&want_results, &want_digests);
                scope.spawn(move || {
                    let agent = ureq::AgentBuilder::new().build();
                    let mut seed = client + 100;
                    let mut answered = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let pick = next(&mut seed);
                        if pick.is_multiple_of(4) {
                            let (from, to) = ranges[(pick / 4) as usize % ranges.len()];
                            let url = format!("{base}/v1/digest?from={from}&to={to}");
                            let (status, _, body) = get(&agent, &url);
                            assert_eq!(status, 200, "{url}: {body}");
                            assert_eq!(body, want_digests[&(from, to)], "{url}");
                        } else {
                            let at = counts[(pick / 4) as usize % counts.len()];
                            let url = format!("{base}/v1/rounds/{round}/result?at={at}");
                            let (status, etag, body) = get(&agent, &url);
                            assert_eq!(status, 200, "{url}: {body}");
                            assert_eq!(etag_length(&etag), at, "{url}");
                            assert_eq!(body, want_results[&at], "{url}");
                        }
                        answered += 1;
                    }
                    answered
                })
            })
            .collect();
        let reader = scope.spawn(|| read_results(&result_url, &stop));
        std::thread::sleep(phase);
        stop.store(true, Ordering::Relaxed);
        let answered: u64 = flood.into_iter().map(|c| c.join().expect("flood")).sum();
        (reader.join().expect("reader"), answered)
    });
    assert_eq!(ledger.head(), head, "reads changed the ledger");
    let at_head = serde_json::to_value(ReadModel::as_of(&log, length).round_result(&filled.round))
        .expect("json");
    for (at, body) in quiet.answers.iter().chain(&flooded.answers) {
        assert_eq!(*at, length);
        assert_eq!(body, &at_head);
    }
    assert!(flood_answers > 0, "the flood got no answer");

    // The same reader while 64 writers append.
    let stop = AtomicBool::new(false);
    let during_writes = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..64u64)
            .map(|w| {
                let (stop, filled) = (&stop, &filled);
                scope.spawn(move || {
                    let mut n = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let vote = filled.vote(&format!("w{w}-{n}"), w * 1_000_000 + n);
                        filled.ledger.append(vote).expect("a vote");
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        let reader = scope.spawn(|| read_results(&result_url, &stop));
        std::thread::sleep(phase);
        stop.store(true, Ordering::Relaxed);
        let written: u64 = writers.into_iter().map(|w| w.join().expect("writer")).sum();
        assert!(written > 0, "no write went through");
        reader.join().expect("reader")
    });
    // Every answer equals a fold of the log to the count its ETag names.
    let log = vote_fill::reference_records(&ledger);
    let seen: BTreeSet<u64> = during_writes.answers.iter().map(|(at, _)| *at).collect();
    let (want, _) = expected(&log, &filled.round, &seen, &BTreeSet::new());
    for (at, body) in &during_writes.answers {
        assert_eq!(body, &want[at], "the result at {at} records");
    }
    for (name, seen) in [
        ("without flood", &quiet),
        ("with ?at+digest flood (8 clients)", &flooded),
        ("during 64 writers", &during_writes),
    ] {
        eprintln!(
            "result {name}: {} reads, p50 {:.1} ms, p99 {:.1} ms",
            seen.millis.len(),
            percentile(&seen.millis, 0.50),
            percentile(&seen.millis, 0.99)
        );
    }
    eprintln!("flood answers: {flood_answers}");
    drop(server);
}
