//! Criterion micro-benchmarks of the core's hot paths: encoding and decoding a vote
//! record, hashing it, sealing and checking a chain link, deciding a vote, and counting
//! a tally over the demo electorate.
//!
//! Run: `cargo bench -p ledger-core`. These time single operations on one core; the
//! end-to-end figures are `ledger-bench`'s. This file must never assert on timings.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ledger_core::record::record_hash;
use ledger_core::{
    chain, check_link, decide, ActorId, Choice, Command, CommandId, Envelope, Head, Record, State,
    Tally, Timestamp,
};
use ledger_demo::Scenario;

/// The demo state right after the setup (electorate registered, round open), and the
/// instant inside the window that votes are decided at.
fn demo_state() -> (State, Scenario, Timestamp) {
    let scenario = Scenario::may_2023();
    let mut state = State::new();
    for step in scenario.setup() {
        let events = decide(&state, &step.envelope, step.at).expect("setup is accepted");
        for event in &events {
            state.evolve(event);
        }
    }
    let at = scenario.opens_at().plus_seconds(60);
    (state, scenario, at)
}

fn vote(scenario: &Scenario, state: &State, n: usize) -> Envelope {
    let round = &state.rounds[&scenario.round()];
    let library = round
        .electorate
        .keys()
        .nth(n % round.electorate.len())
        .unwrap()
        .clone();
    Envelope {
        command_id: CommandId::new(format!("bench-{n}")),
        actor: ActorId::new(library.as_str()),
        expected_version: None,
        command: Command::CastVote {
            round: scenario.round(),
            library,
            choice: Choice::Yes,
            remark: Some(
                "Akkoord. Transparante rapportering over de besteding is wel een must.".into(),
            ),
            signature: None,
        },
    }
}

fn benches(c: &mut Criterion) {
    let (state, scenario, at) = demo_state();
    let envelope = vote(&scenario, &state, 7);
    let events = decide(&state, &envelope, at).unwrap();
    let head = Head {
        length: 1_000,
        hash: ledger_core::RecordHash([7; 32]),
    };
    let sealed = chain::seal(&state, head, &envelope, &events, at).unwrap();
    let bytes = sealed[0].bytes.clone();
    let record = sealed[0].record.clone();

    c.bench_function("record/encode (vote, ~300 B)", |b| {
        b.iter(|| black_box(&record).encode().unwrap())
    });
    c.bench_function("record/decode (vote)", |b| {
        b.iter(|| Record::decode(black_box(&bytes)).unwrap())
    });
    c.bench_function("record/decode event body (vote)", |b| {
        b.iter(|| black_box(&record).event().unwrap())
    });
    c.bench_function("hash/record_hash (BLAKE3 derive-key, ~300 B)", |b| {
        b.iter(|| record_hash(black_box(&bytes)))
    });
    c.bench_function("chain/check_link (decode + hash + link + body)", |b| {
        b.iter(|| check_link(1_000, head.hash, black_box(bytes.clone())).unwrap())
    });
    c.bench_function("chain/seal (one vote)", |b| {
        b.iter(|| chain::seal(&state, head, black_box(&envelope), &events, at).unwrap())
    });
    c.bench_function("decide/cast_vote", |b| {
        b.iter(|| decide(&state, black_box(&envelope), at).unwrap())
    });
    c.bench_function("state/evolve (vote)", |b| {
        let mut working = state.clone();
        b.iter(|| working.evolve(black_box(&events[0])))
    });
    c.bench_function("state/clone (demo electorate, open round)", |b| {
        b.iter(|| black_box(&state).clone())
    });

    // A round where every one of the ~300 libraries voted.
    let mut voted = state.clone();
    for n in 0..voted.rounds[&scenario.round()].electorate.len() {
        let envelope = vote(&scenario, &voted, n);
        for event in decide(&voted, &envelope, at).unwrap() {
            voted.evolve(&event);
        }
    }
    let round = &voted.rounds[&scenario.round()];
    c.bench_function("tally/count (300 electors, all voted)", |b| {
        b.iter(|| Tally::count(black_box(&round.electorate), black_box(&round.votes)))
    });
    let tally = round.tally();
    c.bench_function("tally/digest", |b| {
        b.iter(|| black_box(&tally).digest(&scenario.round()))
    });
    c.bench_function("tally/outcome", |b| {
        b.iter(|| black_box(&tally).outcome(&round.rule))
    });
}

criterion_group!(core, benches);
criterion_main!(core);
