//! A ledger grown quickly to many records for the read-load tests: the demo electorate,
//! one round open for years, and `cast_vote` commands appended straight to the store by
//! several threads without durability (filling is not what these tests check).
//!
//! Also the reference reading of a log that these tests fold their expected answers from
//! (per-position reads, each record hashed again, not the reader the server folds with).
//! It must never be used where durability matters, and never goes over HTTP.

// Each test binary uses its own part of the fixture.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use ledger_core::{
    ActorId, Choice, Command, CommandId, Envelope, Event, LibraryId, RoundId, Sealed,
};
use ledger_demo::Scenario;
use ledger_store::{Durability, Ledger, LedgerOptions};

/// A grown ledger and the directory that keeps it alive.
pub struct Filled {
    pub ledger: Ledger,
    /// The round the votes go to.
    pub round: RoundId,
    /// Its electorate.
    pub libraries: Vec<LibraryId>,
    /// Deleted when the test drops it.
    _dir: tempfile::TempDir,
}

/// A ledger of at least `records` records (the demo setup, then votes).
pub fn filled(records: u64) -> Filled {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = ledger_store::system_clock();
    let scenario = Scenario::new(now.plus_seconds(-3_600), now.plus_seconds(300 * 86_400));
    let options = LedgerOptions {
        durability: Durability::None,
        ..LedgerOptions::default()
    };
    let setup = scenario.setup();
    let (init, rest) = setup.split_first().expect("a setup");
    let Command::InitializeLedger {
        origin,
        secretariat,
    } = &init.envelope.command
    else {
        panic!("the demo setup starts by initialising the ledger");
    };
    let ledger = Ledger::init(dir.path(), origin, secretariat.clone(), options).expect("init");
    for step in rest {
        let mut envelope = step.envelope.clone();
        // The filler's votes are unsigned: its round takes them.
        if let Command::OpenRound { signed_votes, .. } = &mut envelope.command {
            *signed_votes = Some(ledger_core::SignedVotes::Optional);
        }
        ledger.append(envelope).expect("setup");
    }
    let round = scenario.round();
    let state = ledger.state();
    let libraries: Vec<LibraryId> = state.rounds[&round].electorate.keys().cloned().collect();
    let filled = Filled {
        ledger,
        round,
        libraries,
        _dir: dir,
    };
    let missing = records.saturating_sub(filled.ledger.head().length);
    let issued = AtomicU64::new(0);
    let shared = &filled;
    std::thread::scope(|scope| {
        for _ in 0..8 {
            let issued = &issued;
            scope.spawn(move || loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= missing {
                    return;
                }
                shared
                    .ledger
                    .append(shared.vote(&format!("fill-{n}"), n))
                    .expect("vote");
            });
        }
    });
    filled
}

impl Filled {
    /// The `n`th vote of a stream (library, choice and remark vary with `n`) under
    /// command id `id`.
    pub fn vote(&self, id: &str, n: u64) -> Envelope {
        let index =
            usize::try_from(n.wrapping_mul(101) % self.libraries.len() as u64).expect("an index");
        let library = self.libraries[index].clone();
        let choice = [Choice::Yes, Choice::No, Choice::Abstain][(n % 3) as usize];
        Envelope {
            command_id: CommandId::new(id),
            actor: ActorId::new(library.as_str()),
            expected_version: None,
            command: Command::CastVote {
                round: self.round.clone(),
                library,
                choice,
                remark: n.is_multiple_of(7).then(|| format!("remark {n}")),
                signature: None,
            },
        }
    }
}

/// The records of the log with their events, read one position at a time (each record
/// hashed again), not with the reader the server folds with.
pub fn reference_records(ledger: &Ledger) -> Vec<(Sealed, Event)> {
    let length = usize::try_from(ledger.head().length).expect("length");
    ledger
        .records(0, length)
        .expect("read")
        .into_iter()
        .map(|sealed| {
            let event = sealed.record.event().expect("decode");
            (sealed, event)
        })
        .collect()
}
