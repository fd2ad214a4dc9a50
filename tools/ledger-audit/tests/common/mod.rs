//! Test fixtures: a small real ledger built with ledger-core (decide, evolve, seal, a
//! fixed clock), written out as a C2SP tlog-tiles directory with ledger-tlog, and a way
//! to run the `ledger-audit` binary against it.
//!
//! The fixtures must never take a shortcut the real ledger would not: every record comes
//! from `decide` and `seal`, so what the tests audit is what a server would serve.

#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::{Command as Process, Output};

use ledger_core::chain::{seal, Head};
use ledger_core::command::{Command, Envelope};
use ledger_core::event::Event;
use ledger_core::{
    decide, ActorId, Choice, CommandId, LibraryId, NisCode, ProposalId, Role, RoundId, State,
    Timestamp,
};
use ledger_tlog::{
    encode_entry_bundle, hash_tile, tiles_for_size, tree_root, Checkpoint, Hash, MemoryHashStore,
    NoteSigner, SignedCheckpoint, TileKind, TileRef,
};

/// The origin of the test ledger, and so the name of its signing key.
pub const ORIGIN: &str = "bibliotheken.example/ledger";

/// The round every sample ledger holds.
pub const ROUND: &str = "r-2023-05";

/// The log's signing key.
pub fn signer() -> NoteSigner {
    NoteSigner::from_seed(ORIGIN, [7; 32]).unwrap()
}

/// The verifier key text a reader passes with `--key`.
pub fn vkey() -> String {
    signer().verifier().verifier_key()
}

/// A ledger in memory: its stored records in order, and the state they fold to.
pub struct Ledger {
    pub entries: Vec<Vec<u8>>,
    pub state: State,
    head: Head,
    clock: i64,
    commands: u64,
}

impl Ledger {
    /// An empty ledger whose clock starts on 2023-05-01T09:00:00Z.
    pub fn new() -> Self {
        Self {
            entries: Vec::new(),
            state: State::new(),
            head: Head::default(),
            clock: 1_682_931_600_000_000,
            commands: 0,
        }
    }

    /// Decides, seals and applies one command one minute after the previous one.
    pub fn submit(&mut self, actor: &str, command: Command) {
        self.submit_altered(actor, command, |_| {});
    }

    /// As `submit`, but lets the test alter the decided events before sealing: a
    /// dishonest server that writes what `decide` would never have produced.
    pub fn submit_altered(
        &mut self,
        actor: &str,
        command: Command,
        alter: impl FnOnce(&mut Vec<Event>),
    ) {
        self.commands += 1;
        let command_id = CommandId::new(format!("c-{}", self.commands));
        // An actor with a registered demo key signs what authors sign.
        let command = if self.state.author_keys.contains_key(&ActorId::new(actor)) {
            ledger_demo::keys::signed_in(ORIGIN, actor, &command_id, command)
        } else {
            command
        };
        let envelope = Envelope {
            command_id,
            actor: ActorId::new(actor),
            expected_version: None,
            command,
        };
        let now = Timestamp::from_micros(self.clock);
        self.clock += 60_000_000;
        let mut events = decide(&self.state, &envelope, now)
            .unwrap_or_else(|r| panic!("{actor} was refused: {r:?}"));
        alter(&mut events);
        let sealed = seal(&self.state, self.head, &envelope, &events, now).unwrap();
        for (record, event) in sealed.iter().zip(&events) {
            self.state.evolve(event);
            self.entries.push(record.bytes.clone());
            self.head = Head {
                length: self.head.length + 1,
                hash: record.hash,
            };
        }
    }

    /// `actor` registers its demo key (`ledger_demo::keys`, public and demo-only).
    pub fn register_demo_key(&mut self, actor: &str) {
        let id = CommandId::new(format!("c-{}", self.commands + 1));
        let command = ledger_demo::keys::registration_in(ORIGIN, actor, &id).unwrap();
        self.submit(actor, command);
    }

    /// The hash of the last record, hex.
    pub fn head_hex(&self) -> String {
        self.head.hash.to_hex()
    }

    /// Registers a library with an account that may vote for it.
    pub fn library(&mut self, id: &str, nis: &str, inhabitants: i128) {
        self.submit(
            "secretariaat",
            Command::RegisterLibrary {
                library: LibraryId::new(id),
                name: format!("Bibliotheek {id}"),
                municipalities: vec![NisCode(nis.into())],
                inhabitants,
            },
        );
        self.submit(
            "secretariaat",
            Command::GrantRole {
                actor: ActorId::new(format!("acc-{id}")),
                role: Role::Library(LibraryId::new(id)),
            },
        );
    }

    /// A library votes through its account.
    pub fn vote(&mut self, library: &str, choice: Choice) {
        self.submit(
            &format!("acc-{library}"),
            Command::CastVote {
                round: RoundId::new(ROUND),
                library: LibraryId::new(library),
                choice,
                remark: Some(format!("{library} says {choice:?}")),
                signature: None,
            },
        );
    }

    /// The digest a steering-group member signs.
    pub fn digest(&self) -> String {
        let round = RoundId::new(ROUND);
        self.state.rounds[&round].tally().digest(&round)
    }

    /// A member signs the round's certification.
    pub fn sign(&mut self, member: &str) {
        let digest = self.digest();
        self.submit(
            member,
            Command::SignCertification {
                round: RoundId::new(ROUND),
                tally_digest: digest,
                signature: None,
            },
        );
    }

    /// Initialisation, two steering members, `libraries` and a proposal; returns the
    /// ledger ready to open the round.
    pub fn registered(libraries: &[(&str, &str, i128)]) -> Self {
        let mut ledger = Self::new();
        ledger.submit(
            "operator",
            Command::InitializeLedger {
                origin: ORIGIN.into(),
                secretariat: ActorId::new("secretariaat"),
            },
        );
        for member in ["member-a", "member-b"] {
            ledger.submit(
                "secretariaat",
                Command::GrantRole {
                    actor: ActorId::new(member),
                    role: Role::SteeringMember,
                },
            );
            ledger.register_demo_key(member);
        }
        for (id, nis, inhabitants) in libraries {
            ledger.library(id, nis, *inhabitants);
        }
        ledger.submit(
            "secretariaat",
            Command::FileProposal {
                proposal: ProposalId::new("p-ilv"),
                title: "Centrale digitale dienstverlening".into(),
                text: "Besteed de vroegere IBL-microsubsidies centraal aan digitale diensten."
                    .into(),
                budget_cents_per_year: 20_000_000,
                trial: false,
            },
        );
        ledger
    }

    /// Opens the round with the default rule, closing a week later.
    pub fn open_round(&mut self) {
        let closes_at = Timestamp::from_micros(self.clock).plus_seconds(7 * 24 * 3600);
        self.submit(
            "secretariaat",
            Command::OpenRound {
                title: None,
                round: RoundId::new(ROUND),
                proposal: ProposalId::new("p-ilv"),
                opens_at: None,
                closes_at,
                rule: None,
                trial: false,
                live_results: false,
                signed_votes: Some(ledger_core::SignedVotes::Optional),
            },
        );
    }

    /// Closes the round (early: everybody voted).
    pub fn close_round(&mut self) {
        self.submit(
            "secretariaat",
            Command::CloseRound {
                round: RoundId::new(ROUND),
            },
        );
    }
}

/// The libraries of the sample: Antwerpen, Gent, Brugge, Hasselt.
pub const LIBRARIES: [(&str, &str, i128); 4] = [
    ("lib-antwerpen", "11002", 529_247),
    ("lib-gent", "44021", 263_927),
    ("lib-brugge", "31005", 118_509),
    ("lib-hasselt", "71022", 79_000),
];

/// The sample ledger: a full decision cycle up to the certified result. Gent first
/// votes no, then changes to yes; Hasselt's vote is `hasselt` (which lets a test build
/// a fork of the same length).
pub fn sample_with(hasselt: Choice) -> Ledger {
    let mut ledger = Ledger::registered(&LIBRARIES);
    ledger.open_round();
    ledger.vote("lib-antwerpen", Choice::Yes);
    ledger.vote("lib-gent", Choice::No);
    ledger.vote("lib-brugge", Choice::Yes);
    ledger.vote("lib-gent", Choice::Yes);
    ledger.vote("lib-hasselt", hasselt);
    ledger.close_round();
    ledger.sign("member-a");
    ledger.sign("member-b");
    ledger
}

/// The sample ledger with Hasselt abstaining.
pub fn sample() -> Ledger {
    sample_with(Choice::Abstain)
}

/// The hash store of the first `size` entries.
pub fn store(entries: &[Vec<u8>], size: usize) -> MemoryHashStore {
    MemoryHashStore::from_entries(&entries[..size]).unwrap()
}

/// The root of the first `size` entries.
pub fn root(entries: &[Vec<u8>], size: usize) -> Hash {
    tree_root(size as u64, &store(entries, size)).unwrap()
}

/// Writes every hash tile and entry bundle of the tree of the first `size` entries.
pub fn write_tiles(dir: &Path, entries: &[Vec<u8>], size: usize) {
    let store = store(entries, size);
    for tile in tiles_for_size(size as u64) {
        let TileKind::Hashes { level } = tile.kind() else {
            continue;
        };
        let body = hash_tile(level, tile.index(), tile.width(), &store).unwrap();
        write(dir, &tile.path(), &body);
        if level == 0 {
            let first = tile.index() as usize * 256;
            let bundle =
                encode_entry_bundle(&entries[first..first + usize::from(tile.width())]).unwrap();
            let entries_tile = TileRef::new(TileKind::Entries, tile.index(), tile.width()).unwrap();
            write(dir, &entries_tile.path(), &bundle);
        }
    }
}

/// Signs `checkpoint` and writes it as the directory's checkpoint; returns the note.
pub fn write_checkpoint(dir: &Path, checkpoint: &Checkpoint, signer: &NoteSigner) -> String {
    let note = SignedCheckpoint::sign(checkpoint, signer).unwrap();
    write(dir, "checkpoint", note.as_bytes());
    note
}

/// The honest checkpoint of the first `size` entries.
pub fn checkpoint(entries: &[Vec<u8>], size: usize) -> Checkpoint {
    Checkpoint {
        origin: ORIGIN.into(),
        size: size as u64,
        root: root(entries, size),
        extensions: Vec::new(),
    }
}

/// A complete, honest tiles directory of the first `size` entries; returns the note.
pub fn publish(dir: &Path, entries: &[Vec<u8>], size: usize) -> String {
    write_tiles(dir, entries, size);
    write_checkpoint(dir, &checkpoint(entries, size), &signer())
}

/// Writes `body` at `path` under `dir`, creating directories.
pub fn write(dir: &Path, path: &str, body: &[u8]) {
    let full = dir.join(path);
    fs::create_dir_all(full.parent().unwrap()).unwrap();
    fs::write(full, body).unwrap();
}

/// Byte offset of entry `index` (its first byte after the length) in its bundle.
pub fn entry_offset(entries: &[Vec<u8>], index: usize) -> usize {
    let first = index / 256 * 256;
    entries[first..index]
        .iter()
        .map(|e| 2 + e.len())
        .sum::<usize>()
        + 2
}

/// Runs the binary.
pub fn audit(args: &[&str]) -> Output {
    Process::new(env!("CARGO_BIN_EXE_ledger-audit"))
        .args(args)
        .output()
        .unwrap()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts a failure with exit code 1 (not a panic's 101) and one `error:` line
/// containing every piece of `expected`; returns the line.
pub fn assert_fails(output: &Output, expected: &[&str]) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    for piece in expected {
        assert!(lines[0].contains(piece), "{piece:?} not in {err}");
    }
    lines[0].to_owned()
}

/// Asserts success and returns standard output.
pub fn assert_ok(output: &Output) -> String {
    assert!(output.status.success(), "stderr: {}", stderr(output));
    stdout(output)
}
