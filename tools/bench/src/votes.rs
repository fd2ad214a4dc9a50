//! The workload: a ledger holding the demo electorate (about three hundred libraries,
//! each with its own account) and a vote round with a window of a year, and a stream of
//! `cast_vote` commands from those libraries, each with a remark, so that one command
//! is one record of about 300 bytes.
//!
//! Libraries may change their vote until the close and every ballot stays in the log,
//! so the stream can be as long as a benchmark needs. This module must never measure:
//! it prepares ledgers and builds envelopes.

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use ledger_core::event::VoteCast;
use ledger_core::{ActorId, Choice, Command, CommandId, Envelope, Event, LibraryId, RoundId};
use ledger_demo::texts::{REMARKS_ABSTAIN, REMARKS_NO, REMARKS_YES};
use ledger_demo::Scenario;
use ledger_store::{system_clock, Durability, Ledger, LedgerOptions};

const DAY_SECONDS: i64 = 86_400;

/// Who can vote, and in which round.
#[derive(Clone, Debug)]
pub struct Electorate {
    /// Every library of the round's frozen electorate, with its weight.
    pub libraries: Arc<[(LibraryId, u64)]>,
    /// The open round.
    pub round: RoundId,
    /// Whether each vote carries a remark (the reported lines: yes; `fill
    /// --without-remarks` measures what the remark texts cost the read model).
    pub remarks: bool,
}

/// Creates a ledger in `dir` with the demo electorate and an open round whose window
/// runs from an hour ago to a year from now (`ledger_core::MAX_WINDOW_DAYS` bounds a
/// window). The setup is written without durability (it is not what is measured); the
/// caller reopens the ledger as it needs.
pub fn prepare(dir: &Path) -> anyhow::Result<Electorate> {
    let now = system_clock();
    let scenario = Scenario::new(
        now.plus_seconds(-3_600),
        now.plus_seconds(365 * DAY_SECONDS),
    );
    let options = LedgerOptions {
        durability: Durability::None,
        ..LedgerOptions::default()
    };
    let setup = scenario.setup();
    let Some((init, rest)) = setup.split_first() else {
        bail!("the demo scenario has no setup");
    };
    let Command::InitializeLedger {
        origin,
        secretariat,
    } = &init.envelope.command
    else {
        bail!("the demo setup does not start by initialising the ledger");
    };
    let ledger = Ledger::init(dir, origin, secretariat.clone(), options)
        .with_context(|| format!("cannot create a ledger in {}", dir.display()))?;
    for step in rest {
        let mut envelope = step.envelope.clone();
        // The benchmark's writers hold no author keys: its round takes unsigned votes.
        if let Command::OpenRound { signed_votes, .. } = &mut envelope.command {
            *signed_votes = Some(ledger_core::SignedVotes::Optional);
        }
        ledger
            .append(envelope)
            .with_context(|| format!("setup command {} failed", step.envelope.command_id))?;
    }
    let round = scenario.round();
    let state = ledger.state();
    let Some(open) = state.rounds.get(&round) else {
        bail!("the setup did not open round {round}");
    };
    let libraries: Vec<(LibraryId, u64)> = open
        .electorate
        .iter()
        .map(|(library, weight)| (library.clone(), *weight))
        .collect();
    Ok(Electorate {
        libraries: libraries.into(),
        round,
        remarks: true,
    })
}

/// One writer's stream of votes: command ids `b<writer>-<n>` never repeat across the
/// writers of one run (`run` separates runs on the same ledger).
#[derive(Debug)]
pub struct VoteStream {
    electorate: Electorate,
    prefix: String,
    writer: usize,
    next: usize,
}

impl VoteStream {
    /// The stream of writer number `writer` in run `run`.
    pub fn new(electorate: &Electorate, run: &str, writer: usize) -> VoteStream {
        VoteStream {
            electorate: electorate.clone(),
            prefix: format!("{run}-{writer}-"),
            writer,
            next: 0,
        }
    }

    /// The next library, choice and remark of this writer.
    fn ballot(&mut self) -> (LibraryId, u64, Choice, Option<String>) {
        let n = self.next;
        self.next += 1;
        let count = self.electorate.libraries.len().max(1);
        // Writers start at different libraries and step by a prime, so concurrent
        // writers rarely vote for the same library at once.
        let index = (self.writer * 37 + n * 101) % count;
        let (library, weight) = self.electorate.libraries[index].clone();
        let (choice, remark) = match n % 10 {
            0..=6 => (Choice::Yes, REMARKS_YES[n % REMARKS_YES.len()]),
            7 | 8 => (Choice::No, REMARKS_NO[n % REMARKS_NO.len()]),
            _ => (Choice::Abstain, REMARKS_ABSTAIN[n % REMARKS_ABSTAIN.len()]),
        };
        let remark = self.electorate.remarks.then(|| remark.to_owned());
        (library, weight, choice, remark)
    }

    /// The next `cast_vote` command, from the library's own account.
    pub fn next_envelope(&mut self) -> Envelope {
        let command_id = CommandId::new(format!("{}{}", self.prefix, self.next));
        let (library, _, choice, remark) = self.ballot();
        Envelope {
            command_id,
            actor: ActorId::new(library.as_str()),
            expected_version: None,
            command: Command::CastVote {
                round: self.electorate.round.clone(),
                library,
                choice,
                remark,
                signature: None,
            },
        }
    }

    /// The next vote as the envelope and the event the ledger would decide for it; the
    /// SQLite baseline seals that event itself (it has no `decide`).
    pub fn next_vote(&mut self) -> (Envelope, Event) {
        let command_id = CommandId::new(format!("{}{}", self.prefix, self.next));
        let (library, inhabitants, choice, remark) = self.ballot();
        let event = Event::VoteCast(VoteCast {
            round: self.electorate.round.clone(),
            library: library.clone(),
            choice,
            remark: remark.clone(),
            inhabitants,
            replaces_earlier_vote: true,
            signature: None,
        });
        let envelope = Envelope {
            command_id,
            actor: ActorId::new(library.as_str()),
            expected_version: None,
            command: Command::CastVote {
                round: self.electorate.round.clone(),
                library,
                choice,
                remark,
                signature: None,
            },
        };
        (envelope, event)
    }
}
