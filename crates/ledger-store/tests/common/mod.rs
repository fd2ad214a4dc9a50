//! Fixtures shared by the store's integration tests: a pinned clock, envelopes for the
//! commands the tests use, a scenario that reaches a two-event certification, and the
//! ten-record log with the sled-level damage that the tamper and quarantine tests do.
//!
//! Fixtures must never hide what a test asserts: they build inputs only.

#![allow(dead_code)]

pub mod directory;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

use ledger_core::{
    ActorId, Choice, Command, CommandId, Envelope, Head, LibraryId, NisCode, ProposalId, Role,
    RoundId, Sealed, Timestamp,
};
use ledger_store::layout::position_key;
use ledger_store::{Durability, Ledger, LedgerOptions};

/// 2023-05-08T09:00:00Z, when the real vote round of the design brief opened.
pub const START_MICROS: i64 = 1_683_536_400_000_000;

pub const SECRETARIAT: &str = "secretariaat";

/// The origin of every test ledger [`init`] creates.
pub const ORIGIN: &str = "bibliotheken.example/ledger";

/// A clock that starts at [`START_MICROS`] and moves one second per reading.
pub fn ticking_clock() -> Arc<dyn Fn() -> Timestamp + Send + Sync> {
    let now = Arc::new(AtomicI64::new(START_MICROS));
    Arc::new(move || Timestamp::from_micros(now.fetch_add(1_000_000, Ordering::SeqCst)))
}

pub fn options() -> LedgerOptions {
    LedgerOptions {
        clock: ticking_clock(),
        durability: Durability::Fsync,
    }
}

pub fn init(dir: &Path) -> Ledger {
    Ledger::init(dir, ORIGIN, ActorId::new(SECRETARIAT), options()).unwrap()
}

pub fn envelope(command_id: &str, actor: &str, command: Command) -> Envelope {
    Envelope {
        command_id: CommandId::new(command_id),
        actor: ActorId::new(actor),
        expected_version: None,
        command,
    }
}

/// The secretariat registers library `id` (1,000 inhabitants) serving a municipality of
/// its own: a library keeps its code for the whole test run, and no two share one, since
/// a municipality is served by one library only.
pub fn register(command_id: &str, id: &str) -> Envelope {
    register_with(command_id, id, vec![municipality_of(id)], 1_000)
}

/// The NIS code `register` gives library `id`: 10000, 10001, ... in order of first use.
pub fn municipality_of(id: &str) -> String {
    static CODES: Mutex<BTreeMap<String, u32>> = Mutex::new(BTreeMap::new());
    let mut codes = CODES.lock().unwrap();
    let next = 10_000 + codes.len() as u32;
    format!("{:05}", *codes.entry(id.to_owned()).or_insert(next))
}

pub fn register_with(
    command_id: &str,
    id: &str,
    municipalities: Vec<String>,
    inhabitants: i128,
) -> Envelope {
    envelope(
        command_id,
        SECRETARIAT,
        Command::RegisterLibrary {
            library: LibraryId::new(id),
            name: format!("Bibliotheek {id}"),
            municipalities: municipalities.into_iter().map(NisCode).collect(),
            inhabitants,
        },
    )
}

pub fn grant(command_id: &str, actor: &str, role: Role) -> Envelope {
    envelope(
        command_id,
        SECRETARIAT,
        Command::GrantRole {
            actor: ActorId::new(actor),
            role,
        },
    )
}

/// Runs a round to its close on `ledger` and returns the round id: two steering
/// members (two signatures required), two libraries that both vote yes, early close.
pub fn closed_round(ledger: &Ledger) -> RoundId {
    let round = RoundId::new("r-2023-05");
    let steps = vec![
        grant("grant-m1", "member-1", Role::SteeringMember),
        grant("grant-m2", "member-2", Role::SteeringMember),
        key("key-m1", "member-1"),
        key("key-m2", "member-2"),
        register("reg-a", "lib-a"),
        register_with("reg-b", "lib-b", vec!["11001".into()], 2_500),
        grant(
            "grant-a",
            "account-a",
            Role::Library(LibraryId::new("lib-a")),
        ),
        grant(
            "grant-b",
            "account-b",
            Role::Library(LibraryId::new("lib-b")),
        ),
        envelope(
            "file-p",
            SECRETARIAT,
            Command::FileProposal {
                proposal: ProposalId::new("p-ilv"),
                title: "Interlibrary-loan subsidies to digital services".into(),
                text: "Advise the government to spend them centrally.".into(),
                budget_cents_per_year: 20_000_000,
                trial: false,
            },
        ),
        envelope(
            "open-r",
            SECRETARIAT,
            Command::OpenRound {
                title: None,
                round: round.clone(),
                proposal: ProposalId::new("p-ilv"),
                opens_at: None,
                closes_at: Timestamp::from_micros(START_MICROS).plus_seconds(86_400),
                rule: None,
                trial: false,
                live_results: false,
                signed_votes: Some(ledger_core::SignedVotes::Optional),
            },
        ),
        vote("vote-a", "account-a", "lib-a"),
        vote("vote-b", "account-b", "lib-b"),
        envelope(
            "close-r",
            SECRETARIAT,
            Command::CloseRound {
                round: round.clone(),
            },
        ),
    ];
    for step in steps {
        let id = step.command_id.clone();
        ledger
            .append(step)
            .unwrap_or_else(|e| panic!("step {id}: {e}"));
    }
    round
}

fn vote(command_id: &str, actor: &str, library: &str) -> Envelope {
    envelope(
        command_id,
        actor,
        Command::CastVote {
            round: RoundId::new("r-2023-05"),
            library: LibraryId::new(library),
            choice: Choice::Yes,
            remark: None,
            signature: None,
        },
    )
}

/// `actor` registers its demo key (`ledger_demo::keys`): a certification needs a
/// member's own signature.
fn key(command_id: &str, actor: &str) -> Envelope {
    let command = ledger_demo::keys::registration_in(ORIGIN, actor, &CommandId::new(command_id))
        .unwrap_or_else(|| panic!("no demo key for {actor}"));
    envelope(command_id, actor, command)
}

/// A member signs the round's tally digest as the ledger's state recomputes it, with
/// its demo key.
pub fn sign(ledger: &Ledger, command_id: &str, member: &str, round: &RoundId) -> Envelope {
    let digest = ledger.state().rounds[round].tally().digest(round);
    let command = Command::SignCertification {
        round: round.clone(),
        tally_digest: digest,
        signature: None,
    };
    let command =
        ledger_demo::keys::signed_in(ORIGIN, member, &CommandId::new(command_id), command);
    envelope(command_id, member, command)
}

/// How many records [`ten_records`] writes.
pub const RECORDS: u64 = 10;

/// A closed ledger of ten records in `dir`: init (2) and eight registrations `lib-0` to
/// `lib-7`. Returns the head and every record as it was written.
pub fn ten_records(dir: &Path) -> (Head, Vec<Sealed>) {
    let ledger = init(dir);
    for i in 0..8 {
        ledger
            .append(register(&format!("reg-{i}"), &format!("lib-{i}")))
            .unwrap();
    }
    let head = ledger.head();
    assert_eq!(head.length, RECORDS);
    (head, ledger.records(0, 100).unwrap())
}

/// Opens the closed database with sled and lets `change` alter one of its trees, as an
/// attacker or a broken disk would.
pub fn tamper(dir: &Path, tree: &str, change: impl FnOnce(&sled::Tree)) {
    let db = sled::open(dir).unwrap();
    let tree = db.open_tree(tree).unwrap();
    change(&tree);
    db.flush().unwrap();
}

/// The stored value at `position` of a tree keyed by position.
pub fn stored(tree: &sled::Tree, position: u64) -> Vec<u8> {
    tree.get(position_key(position)).unwrap().unwrap().to_vec()
}

/// Changes one letter of the library's name inside a record's body: the record still
/// decodes and checks on its own, only its hash differs.
pub fn renamed_in_place(mut bytes: Vec<u8>) -> Vec<u8> {
    let name = b"Bibliotheek";
    let at = bytes
        .windows(name.len())
        .position(|w| w == name)
        .expect("the name is in the body");
    bytes[at] = b'C';
    assert!(Sealed::from_bytes(bytes.clone()).is_ok());
    bytes
}
