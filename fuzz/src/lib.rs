//! Fixtures shared by the fuzz targets and the seed-corpus writer: the demo cycle
//! replayed into a few fixed states, its sealed records, a fixed note key, a signed
//! checkpoint over those records and valid inclusion receipts.
//!
//! Everything here is built once per process from constants (no clock, no randomness),
//! so a crash found by one run reproduces in the next. It must never be linked into the
//! ledger itself: it exists only for fuzzing.

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ledger_audit::proof_file::{ProofFile, PROOF_FORMAT};
use ledger_core::chain::{seal, Head, Sealed};
use ledger_core::{decide, Envelope, State, Timestamp};
use ledger_demo::scenario::ORIGIN;
use ledger_demo::{Scenario, Step};
use ledger_tlog::{
    inclusion_proof, leaf_hash, tree_root, Checkpoint, MemoryHashStore, NoteSigner, NoteVerifier,
    SignedCheckpoint,
};

/// The seed of the fixed note key; the key is named after the demo origin, as the ledger
/// names its own.
const NOTE_SEED: [u8; 32] = [7; 32];

/// One moment of the demo cycle: the state and chain head there, and an instant at
/// which commands are judged against it.
#[derive(Debug, Clone)]
pub struct Phase {
    /// The state after the phase's commands.
    pub state: State,
    /// The chain head after them.
    pub head: Head,
    /// When the next command is judged.
    pub now: Timestamp,
}

/// The demo cycle replayed once: its phases and every sealed record in order.
#[derive(Debug)]
pub struct DemoLog {
    /// Empty ledger, round open with half the votes, round closed, cycle done.
    pub phases: Vec<Phase>,
    /// Every record of the full cycle.
    pub records: Vec<Sealed>,
    /// Every envelope submitted, in order (seeds for the command corpus).
    pub envelopes: Vec<Envelope>,
}

struct Replay {
    state: State,
    head: Head,
    records: Vec<Sealed>,
    envelopes: Vec<Envelope>,
}

impl Replay {
    fn apply(&mut self, step: &Step) -> Option<()> {
        let events = decide(&self.state, &step.envelope, step.at).ok()?;
        let sealed = seal(&self.state, self.head, &step.envelope, &events, step.at).ok()?;
        for (event, record) in events.iter().zip(&sealed) {
            self.state.evolve(event);
            self.head = Head {
                length: self.head.length + 1,
                hash: record.hash,
            };
        }
        self.records.extend(sealed);
        self.envelopes.push(step.envelope.clone());
        Some(())
    }

    fn phase(&self, now: Timestamp) -> Phase {
        Phase {
            state: self.state.clone(),
            head: self.head,
            now,
        }
    }
}

fn build_demo() -> Option<DemoLog> {
    let scenario = Scenario::may_2023();
    let mut replay = Replay {
        state: State::new(),
        head: Head::default(),
        records: Vec::new(),
        envelopes: Vec::new(),
    };
    let mut phases = vec![replay.phase(scenario.opens_at())];
    for step in scenario.setup() {
        replay.apply(&step)?;
    }
    let votes = scenario.votes();
    let half = votes.len() / 2;
    for step in &votes[..half] {
        replay.apply(step)?;
    }
    phases.push(replay.phase(votes.get(half)?.at));
    for step in &votes[half..] {
        replay.apply(step)?;
    }
    replay.apply(&scenario.close())?;
    phases.push(replay.phase(scenario.closes_at().plus_seconds(86_400)));
    let after = scenario.after_close(&replay.state).ok()?;
    for step in &after {
        replay.apply(step)?;
    }
    if let Some(newsletter) = scenario.newsletter(&replay.state, 1) {
        let at = after.last()?.at.plus_seconds(60);
        replay.apply(&Step {
            at,
            envelope: newsletter,
        })?;
    }
    let last = after.last()?.at.plus_seconds(86_400);
    phases.push(replay.phase(last));
    Some(DemoLog {
        phases,
        records: replay.records,
        envelopes: replay.envelopes,
    })
}

/// The demo cycle, replayed on first use.
///
/// # Panics
/// If the demo cycle no longer replays: a defect of the fixture, not a finding.
pub fn demo() -> &'static DemoLog {
    static DEMO: OnceLock<DemoLog> = OnceLock::new();
    DEMO.get_or_init(|| build_demo().expect("the demo cycle replays"))
}

/// The fixed note signer, named after the demo origin.
///
/// # Panics
/// Never for the constant name.
pub fn signer() -> &'static NoteSigner {
    static SIGNER: OnceLock<NoteSigner> = OnceLock::new();
    SIGNER.get_or_init(|| NoteSigner::from_seed(ORIGIN, NOTE_SEED).expect("a valid key name"))
}

/// The verifier of [`signer`].
pub fn verifier() -> &'static NoteVerifier {
    static VERIFIER: OnceLock<NoteVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| signer().verifier())
}

/// The demo origin (the key name and checkpoint origin).
pub const DEMO_ORIGIN: &str = ORIGIN;

/// The Merkle tree over the first `size` demo records, its signed checkpoint note and
/// the store to draw proofs from.
#[derive(Debug)]
pub struct DemoTree {
    /// Tree size.
    pub size: u64,
    /// The hashes of every node.
    pub store: MemoryHashStore,
    /// The signed checkpoint note at `size`.
    pub note: String,
}

/// The tree over the first `size` demo records (at most the whole log).
///
/// # Panics
/// If the fixture's own checkpoint does not sign: a defect of the fixture.
pub fn demo_tree(size: u64) -> DemoTree {
    let records = &demo().records;
    let size = size.min(records.len() as u64);
    let entries = records
        .iter()
        .take(size as usize)
        .map(|s| s.bytes.as_slice());
    let store = MemoryHashStore::from_entries(entries).expect("the demo tree builds");
    let root = tree_root(size, &store).expect("the demo root");
    let checkpoint = Checkpoint {
        origin: ORIGIN.to_owned(),
        size,
        root,
        extensions: Vec::new(),
    };
    let note = SignedCheckpoint::sign(&checkpoint, signer()).expect("the checkpoint signs");
    DemoTree { size, store, note }
}

/// A valid inclusion receipt of record `index` in `tree`, as `ledger-audit prove` writes.
///
/// # Panics
/// If `index` is not in the tree: callers pass indices below `tree.size`.
pub fn receipt(tree: &DemoTree, index: u64) -> ProofFile {
    let record = &demo().records[index as usize].bytes;
    let proof = inclusion_proof(index, tree.size, &tree.store).expect("index inside the tree");
    ProofFile {
        format: PROOF_FORMAT.to_owned(),
        checkpoint: tree.note.clone(),
        index,
        size: tree.size,
        record: STANDARD.encode(record),
        leaf_hash: leaf_hash(record).to_base64(),
        proof: proof.iter().map(|h| h.to_base64()).collect(),
        signed_statement: None,
    }
}
