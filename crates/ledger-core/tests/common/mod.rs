//! The shared test fixture: an in-memory ledger that judges each command with `decide`,
//! folds accepted events with `State::evolve` and seals them into the hash chain with
//! `chain::seal`, exactly as the store does, minus the disk.
//!
//! It must never apply a rejected command or skip the chain, so a test that passes here
//! says something about the real append path.

// Each integration-test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod cycle;

use ledger_core::chain::{seal, Head, Sealed};
use ledger_core::{
    decide, ActorId, Command, CommandId, Envelope, Event, Rejection, RejectionKind, State,
    Timestamp,
};
use ledger_demo::Step;

/// A ledger in memory: the decision state, the chain head and every sealed record.
#[derive(Debug, Default)]
pub struct Ledger {
    /// The state after every accepted command.
    pub state: State,
    /// Length and hash of the last record.
    pub head: Head,
    /// Every record in position order.
    pub records: Vec<Sealed>,
    /// Counter for the command ids of [`Ledger::command`].
    issued: u32,
}

impl Ledger {
    /// An empty, uninitialised ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// An envelope with a fresh command id (`t-0001`, ...) and no expected version. A
    /// command of an actor whose demo key is registered ([`cycle::registry`] registers
    /// the members') is signed with that key, unless it carries a signature already.
    pub fn command(&mut self, actor: &str, command: Command) -> Envelope {
        self.issued += 1;
        let command_id = CommandId::new(format!("t-{:04}", self.issued));
        let origin = self.state.origin.clone().unwrap_or_default();
        let has_key = self.state.author_keys.contains_key(&ActorId::new(actor));
        let command = if has_key {
            ledger_demo::keys::signed_in(&origin, actor, &command_id, command)
        } else {
            command
        };
        Envelope {
            command_id,
            actor: ActorId::new(actor),
            expected_version: None,
            command,
        }
    }

    /// Registers `actor`'s demo key (`ledger_demo::keys`), sent by the actor itself.
    pub fn register_demo_key(&mut self, actor: &str, now: Timestamp) {
        let command_id = CommandId::new(format!("t-{:04}", self.issued + 1));
        let origin = self.state.origin.clone().unwrap_or_default();
        let command = ledger_demo::keys::registration_in(&origin, actor, &command_id)
            .unwrap_or_else(|| panic!("no demo key for {actor}"));
        self.run(actor, command, now);
    }

    /// Judges `envelope` at `now`; on acceptance seals and applies its events.
    pub fn submit(&mut self, envelope: &Envelope, now: Timestamp) -> Result<Vec<Event>, Rejection> {
        let events = decide(&self.state, envelope, now)?;
        assert!(!events.is_empty(), "an accepted command yields events");
        let sealed = seal(&self.state, self.head, envelope, &events, now)
            .unwrap_or_else(|e| panic!("sealing {}: {e}", envelope.command_id));
        for (event, record) in events.iter().zip(&sealed) {
            self.state.evolve(event);
            self.head = Head {
                length: self.head.length + 1,
                hash: record.hash,
            };
        }
        self.records.extend(sealed);
        Ok(events)
    }

    /// Submits a command that must be accepted, naming it in the failure otherwise.
    pub fn accept(&mut self, envelope: &Envelope, now: Timestamp) -> Vec<Event> {
        match self.submit(envelope, now) {
            Ok(events) => events,
            Err(rejection) => panic!(
                "{} ({}) was refused: {rejection} [{}]",
                envelope.command_id,
                envelope.command.type_name(),
                rejection.code()
            ),
        }
    }

    /// Builds and submits a command that must be accepted.
    pub fn run(&mut self, actor: &str, command: Command, now: Timestamp) -> Vec<Event> {
        let envelope = self.command(actor, command);
        self.accept(&envelope, now)
    }

    /// Submits every step at its suggested instant; each must be accepted.
    pub fn replay(&mut self, steps: &[Step]) {
        for step in steps {
            self.accept(&step.envelope, step.at);
        }
    }

    /// Builds and submits a command that must be refused with a rejection of `kind`;
    /// checks that the state and the chain are exactly as before, and returns the
    /// rejection for the caller to match.
    pub fn refuse(
        &mut self,
        actor: &str,
        command: Command,
        now: Timestamp,
        kind: RejectionKind,
    ) -> Rejection {
        let envelope = self.command(actor, command);
        let state_before = self.state.clone();
        let head_before = self.head;
        let records_before = self.records.len();
        let rejection = match self.submit(&envelope, now) {
            Ok(events) => panic!(
                "{} was accepted with {} events, expected a rejection",
                envelope.command.type_name(),
                events.len()
            ),
            Err(rejection) => rejection,
        };
        assert_eq!(self.state, state_before, "a rejection changed the state");
        assert_eq!(self.head, head_before, "a rejection moved the head");
        assert_eq!(self.records.len(), records_before);
        assert_eq!(rejection.kind(), kind, "kind of {rejection:?}");
        rejection
    }
}

/// An RFC 3339 instant; panics on a typo in the test.
pub fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_else(|| panic!("bad test timestamp {text}"))
}
