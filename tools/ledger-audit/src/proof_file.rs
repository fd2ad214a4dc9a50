//! Inclusion receipts: `prove` writes one for a record (a library keeps it for its vote),
//! `check-proof` verifies one offline and shows what it proves.
//!
//! A proof file is JSON:
//!
//! ```json
//! {
//!   "format": "governance-ledger inclusion proof v1",
//!   "checkpoint": "<the signed checkpoint note, verbatim>",
//!   "index": 12,
//!   "size": 40,
//!   "record": "<base64 of the record's stored bytes>",
//!   "leaf_hash": "<base64 of SHA-256(0x00 || record)>",
//!   "proof": ["<base64 hash>", "..."],
//!   "signed_statement": "<for a signed act: the author's signed note>"
//! }
//! ```
//!
//! `signed_statement` (present when the record carries an author signature) is the C2SP
//! signed note of the act: its statement rebuilt from the record (ARCHITECTURE.md,
//! "Author signatures"), a blank line and the author's signature line, so a library's
//! receipt of its vote holds its own signed ballot; `check-proof --author-key` verifies
//! it with the author's key.
//!
//! Everything in it is checked against the signed checkpoint, so the file itself need
//! not be trusted. This module must never write a receipt whose path it has not
//! verified, and never print a record as proven before every check passed.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ledger_core::record::{record_hash, Record, RecordHash, MAX_RECORD_BYTES};
use ledger_core::signature::{self, signed_command_id, Signed};
use ledger_core::Event;
use ledger_tlog::{leaf_hash, verify_inclusion, Checkpoint, NoteVerifier, TILE_WIDTH};
use serde::{Deserialize, Serialize};

use crate::checkpoint;
use crate::source::{self, Source};

/// The `format` value of files this code writes and reads.
pub const PROOF_FORMAT: &str = "governance-ledger inclusion proof v1";

/// The largest proof file read: a 64 KiB record in base64 plus a checkpoint and a path.
const MAX_PROOF_FILE_BYTES: u64 = 512 * 1024;

/// The receipt as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofFile {
    /// [`PROOF_FORMAT`].
    pub format: String,
    /// The signed checkpoint note the proof leads to, verbatim.
    pub checkpoint: String,
    /// The record's position (its leaf index).
    pub index: u64,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The record's stored bytes, standard base64.
    pub record: String,
    /// SHA-256(0x00 || record bytes), standard base64.
    pub leaf_hash: String,
    /// The inclusion path from the leaf to the root, standard base64, RFC 9162 order.
    pub proof: Vec<String>,
    /// The author's signed note of the act the record states, if it is signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_statement: Option<String>,
}

/// The statement the record states was signed and its signature line, from the record
/// alone (`origin` is the ledger's, as its checkpoints name it).
fn signed_act(origin: &str, record: &Record, event: &Event) -> Option<(String, String)> {
    let (signed, line) = Signed::from_event(event)?;
    let id = signed_command_id(record.command_id.as_str(), &record.actor);
    Some((signed.statement(origin, id), line?.to_owned()))
}

/// Builds and verifies the receipt of record `index` in the source's current checkpoint.
/// With `key` the checkpoint's signature is checked too; without, only the path.
pub fn prove<S: Source + ?Sized>(
    source: &S,
    index: u64,
    key: Option<&NoteVerifier>,
) -> Result<ProofFile> {
    let note = source.checkpoint()?;
    let checkpoint = match key {
        Some(key) => checkpoint::open(&note, key)?,
        None => checkpoint::read_unverified(&note)?,
    };
    let size = checkpoint.size;
    if index >= size {
        bail!("index {index} is not in the log, which holds {size} records");
    }
    let bundle = index / u64::from(TILE_WIDTH);
    let start = bundle * u64::from(TILE_WIDTH);
    let width = (size - start).min(u64::from(TILE_WIDTH)) as u16;
    let entries = source::entry_bundle(source, bundle, width)?;
    let record = usize::try_from(index - start)
        .ok()
        .and_then(|i| entries.into_iter().nth(i))
        .ok_or_else(|| anyhow!("entry {index} is missing from its bundle"))?;
    let answer = source
        .inclusion_proof(index, size)
        .with_context(|| format!("fetching the inclusion proof of {index} in {size}"))?;
    let leaf = leaf_hash(&record);
    if answer.leaf_hash != leaf {
        bail!(
            "the source's leaf hash {} for entry {index} is not the hash of its bytes, {}",
            answer.leaf_hash.to_base64(),
            leaf.to_base64()
        );
    }
    verify_inclusion(&leaf, index, size, &answer.proof, &checkpoint.root).map_err(|e| {
        anyhow!(
            "the inclusion proof of {index} in {size} does not lead to the checkpoint root: {e}"
        )
    })?;
    // The receipt must pass the same checks a reader will run on it.
    let (decoded, event) = decoded_record(&record, index)?;
    let signed_statement = signed_act(&checkpoint.origin, &decoded, &event)
        .map(|(statement, line)| signature::note(&statement, &line));
    Ok(ProofFile {
        format: PROOF_FORMAT.to_owned(),
        checkpoint: note,
        index,
        size,
        record: STANDARD.encode(&record),
        leaf_hash: leaf.to_base64(),
        proof: answer.proof.iter().map(|h| h.to_base64()).collect(),
        signed_statement,
    })
}

/// A receipt whose every check passed.
#[derive(Debug)]
pub struct CheckedProof {
    /// The checkpoint the record is proven in.
    pub checkpoint: Checkpoint,
    /// The key that signed it.
    pub key: String,
    /// The record.
    pub record: Record,
    /// Its BLAKE3 record hash (what the next record names as its predecessor).
    pub record_hash: RecordHash,
    /// Its event.
    pub event: Event,
    /// The author's signed note, checked to be the record's statement.
    pub signed_statement: Option<String>,
    /// The author key the note was verified with, if one was given.
    pub author_key: Option<String>,
}

/// Reads a proof file, bounded in size.
pub fn read(path: &Path) -> Result<String> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_PROOF_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("reading {}", path.display()))?;
    if text.len() as u64 > MAX_PROOF_FILE_BYTES {
        bail!("{} is too large to be a proof file", path.display());
    }
    Ok(text)
}

/// Verifies a receipt offline against `key`; with `author_key` (a note verifier key)
/// the signed statement's signature too.
pub fn check(text: &str, key: &NoteVerifier, author_key: Option<&str>) -> Result<CheckedProof> {
    let file: ProofFile =
        serde_json::from_str(text).map_err(|e| anyhow!("not a proof file: {e}"))?;
    if file.format != PROOF_FORMAT {
        bail!(
            "unknown proof format {:?}, expected {PROOF_FORMAT:?}",
            file.format
        );
    }
    let checkpoint = checkpoint::open(&file.checkpoint, key)?;
    if file.size != checkpoint.size {
        bail!(
            "the proof is for size {}, but its checkpoint has size {}",
            file.size,
            checkpoint.size
        );
    }
    let record = STANDARD
        .decode(&file.record)
        .map_err(|_| anyhow!("record is not valid base64"))?;
    let leaf = leaf_hash(&record);
    let stated = source::decode_hash(&file.leaf_hash, "leaf_hash")?;
    if stated != leaf {
        bail!(
            "leaf_hash {} is not SHA-256(0x00 || record) = {}",
            stated.to_base64(),
            leaf.to_base64()
        );
    }
    let proof = source::decode_hashes(&file.proof, "proof")?;
    verify_inclusion(&leaf, file.index, checkpoint.size, &proof, &checkpoint.root).map_err(
        |e| {
            anyhow!(
                "the inclusion proof of {} in {} does not lead to the checkpoint root: {e}",
                file.index,
                checkpoint.size
            )
        },
    )?;
    let (record_value, event) = decoded_record(&record, file.index)?;
    let act = signed_act(&checkpoint.origin, &record_value, &event);
    match (&file.signed_statement, &act) {
        (None, _) => {}
        (Some(note), Some((statement, line))) if *note == signature::note(statement, line) => {}
        (Some(_), _) => bail!("the signed statement is not the one the proven record states"),
    }
    if let Some(vkey) = author_key {
        let Some((statement, line)) = &act else {
            bail!("the proven record carries no author signature to check");
        };
        signature::verify(statement, line, vkey, &record_value.actor)
            .map_err(|e| anyhow!("the author's signature: {e}"))?;
    }
    Ok(CheckedProof {
        checkpoint,
        key: format!("{}+{:08x}", key.name(), key.key_id()),
        record_hash: record_hash(&record),
        record: record_value,
        event,
        signed_statement: file.signed_statement,
        author_key: author_key.map(str::to_owned),
    })
}

/// Decodes the proven bytes and requires the record to state the proven position.
fn decoded_record(bytes: &[u8], index: u64) -> Result<(Record, Event)> {
    if bytes.len() > MAX_RECORD_BYTES {
        bail!("the record is {} bytes, over the record limit", bytes.len());
    }
    let record = Record::decode(bytes).map_err(|e| anyhow!("the proven record: {e}"))?;
    if record.position.0 != index {
        bail!(
            "the record proven at index {index} states position {}",
            record.position
        );
    }
    let event = record
        .event()
        .map_err(|e| anyhow!("the proven record's body: {e}"))?;
    Ok((record, event))
}

impl fmt::Display for CheckedProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.checkpoint;
        let r = &self.record;
        writeln!(
            f,
            "proof verified: record {} is in {} at size {} (root {}), signed by {}",
            r.position,
            c.origin,
            c.size,
            c.root.to_base64(),
            self.key
        )?;
        writeln!(f, "  position: {}", r.position)?;
        writeln!(f, "  type: {} (schema {})", r.event_type, r.schema_version)?;
        writeln!(f, "  actor: {}", r.actor)?;
        writeln!(f, "  recorded_at: {}", r.recorded_at)?;
        writeln!(f, "  stream: {} (version {})", r.stream, r.stream_version)?;
        writeln!(f, "  command: {}", r.command_id)?;
        writeln!(f, "  record hash (BLAKE3): {}", self.record_hash)?;
        writeln!(f, "  previous hash: {}", r.prev_hash)?;
        let body = serde_json::to_string_pretty(&self.event)
            .unwrap_or_else(|e| format!("(not shown: {e})"));
        writeln!(f, "  event: {}", body.replace('\n', "\n  "))?;
        if let Some(note) = &self.signed_statement {
            let verified = match &self.author_key {
                Some(key) => format!("verified with {key}"),
                None => "check it with --author-key".to_owned(),
            };
            writeln!(f, "  signed statement ({verified}):")?;
            for line in note.lines() {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}
