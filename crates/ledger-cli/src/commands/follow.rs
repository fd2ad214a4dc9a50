//! Following a primary over HTTP, shared by `ledger mirror`, `ledger backup` and
//! `ledger restore --from URL`: one poll fetches the primary's signed checkpoint, checks
//! it with the verifier key the operator gave (never one the primary serves), checks
//! that it extends the checkpoint the mirror verified last, fetches the missing entries
//! as C2SP entry bundles and hands them to the store's importer in chunks, each with
//! the primary's consistency proof from the chunk's end to the signed size.
//!
//! When the primary's checkpoint does not extend the verified one, the poll looks for
//! a position where the two trees differ and returns the fork evidence
//! (`ledger_audit::fork`); following must stop there. This module must never import a
//! record without a checkpoint that verified with the operator's key, and never treat a
//! fetch that failed as a fork.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{anyhow, Context, Result};
use ledger_audit::checkpoint;
use ledger_audit::fork::{DivergentEntry, ForkEvidence, FORMAT};
use ledger_audit::source::{entry_bundle, ServerSource, Source};
use ledger_store::Ledger;
use ledger_tlog::{leaf_hash, verify_consistency, Checkpoint, NoteVerifier, TILE_WIDTH};

use super::DataDir;
use crate::failure::{self, Failure};

/// What `ledger mirror` and `ledger backup` share: whom to follow, with which key, into
/// which directory, and where fork evidence goes.
#[derive(Debug, clap::Args)]
pub struct FollowArgs {
    /// The primary's base URL, e.g. `https://bibliotheken.example` (or a mirror's).
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The log's verifier key `origin+hexid+base64`, or `@FILE`: from the operator, never
    /// taken from the primary.
    #[arg(long, value_name = "VERIFIER_KEY")]
    pub key: String,
    #[command(flatten)]
    pub dir: DataDir,
    /// Where to write the fork evidence if the primary shows two histories (default:
    /// `DIR.fork-evidence.json` beside the data directory).
    #[arg(long, value_name = "FILE")]
    pub fork_evidence: Option<PathBuf>,
}

impl FollowArgs {
    /// The primary to follow.
    pub fn primary(&self) -> Result<Primary> {
        Primary::new(&self.from, &self.key)
    }

    /// Where fork evidence goes.
    pub fn evidence_path(&self) -> PathBuf {
        self.fork_evidence
            .clone()
            .unwrap_or_else(|| default_evidence_path(&self.dir.data))
    }
}

/// Entry bundles fetched for one import (one durable sync on the mirror).
const BUNDLES_PER_IMPORT: u64 = 4;

/// What one poll found.
#[derive(Debug)]
pub enum Poll {
    /// The mirror verified the primary's checkpoint of `primary_size` and now holds
    /// `head` records; `caught_up` when that is all of it.
    Synced {
        /// When the poll began (the recovery point when caught up).
        began: SystemTime,
        /// The size of the primary's checkpoint.
        primary_size: u64,
        /// Records imported by this poll.
        imported: u64,
        /// Whether the mirror now holds everything the checkpoint covers.
        caught_up: bool,
    },
    /// The primary showed a history that does not extend the verified one.
    Fork(Box<ForkEvidence>),
}

/// The primary a mirror follows and the key its checkpoints must verify with.
pub struct Primary {
    /// The primary's base URL.
    pub url: String,
    source: ServerSource,
    key: NoteVerifier,
}

impl Primary {
    /// The primary at `url`; `key` is a verifier key or `@FILE`.
    pub fn new(url: &str, key: &str) -> Result<Primary> {
        let key = checkpoint::load_key(key)
            .map_err(|e| Failure::error(failure::INPUT, format!("--key: {e:#}")))?;
        Ok(Primary {
            url: url.trim_end_matches('/').to_owned(),
            source: ServerSource::new(url),
            key,
        })
    }

    /// The verifier key, as text.
    pub fn verifier_key(&self) -> String {
        self.key.verifier_key()
    }

    /// One poll of the primary into the mirror `ledger`.
    pub fn poll(&self, ledger: &Ledger) -> Result<Poll> {
        let began = SystemTime::now();
        let note = self.source.checkpoint()?;
        let served = checkpoint::open(&note, &self.key)?;
        let verified_note = ledger.checkpoint();
        if !verified_note.is_empty() {
            let verified = checkpoint::open(&verified_note, &self.key)
                .context("the mirror's own verified checkpoint")?;
            let mut proof = Vec::new();
            let consistent = if served.size < verified.size {
                false
            } else if served.size == verified.size {
                served.root == verified.root
            } else {
                proof = self
                    .source
                    .consistency_proof(verified.size, served.size)
                    .context("fetching the consistency proof")?;
                verify_consistency(
                    verified.size,
                    served.size,
                    &verified.root,
                    &served.root,
                    &proof,
                )
                .is_ok()
            };
            if !consistent {
                let divergent = self.divergent_entry(ledger, &verified, &served)?;
                return Ok(Poll::Fork(Box::new(ForkEvidence {
                    format: FORMAT.to_owned(),
                    verifier_key: self.key.verifier_key(),
                    primary: self.url.clone(),
                    verified_checkpoint: verified_note,
                    served_checkpoint: note,
                    consistency_proof: proof.iter().map(|h| h.to_base64()).collect(),
                    divergent,
                })));
            }
        }
        let start = ledger.head().length;
        let mut head = start;
        while head < served.size {
            let chunk = BUNDLES_PER_IMPORT * u64::from(TILE_WIDTH);
            let end = served.size.min((head / chunk + 1) * chunk);
            let records = self.entries(head, end, served.size)?;
            let proof = if end < served.size {
                self.source
                    .consistency_proof(end, served.size)
                    .context("fetching the consistency proof")?
            } else {
                Vec::new()
            };
            head = ledger
                .import(&note, records, &proof)
                .map_err(failure::store)?
                .length;
        }
        Ok(Poll::Synced {
            began,
            primary_size: served.size,
            imported: head - start,
            caught_up: head >= served.size,
        })
    }

    /// The entries `[from, to)` of the primary's tree of `size`, from its entry bundles.
    fn entries(&self, from: u64, to: u64, size: u64) -> Result<Vec<Vec<u8>>> {
        let width = u64::from(TILE_WIDTH);
        let mut entries = Vec::new();
        for bundle in from / width..to.div_ceil(width) {
            let first = bundle * width;
            let count = u16::try_from((size - first).min(width)).unwrap_or(TILE_WIDTH);
            let fetched = self.bundle(bundle, count)?;
            let skip = usize::try_from(from.saturating_sub(first)).unwrap_or(usize::MAX);
            let take = usize::try_from(to.min(first + width) - first.max(from)).unwrap_or(0);
            entries.extend(fetched.into_iter().skip(skip).take(take));
        }
        Ok(entries)
    }

    /// The first `count` entries of entry bundle `index`. A primary that took writes
    /// since its checkpoint was read serves the bundle only at its new width (the partial
    /// bundle of the old size is gone, the full one may not exist yet): then the bundle
    /// of the primary's current size is fetched, whose first entries are the same (and
    /// are checked against the signed root like any other).
    fn bundle(&self, index: u64, count: u16) -> Result<Vec<Vec<u8>>> {
        let mut tries = 0;
        loop {
            let failed = match entry_bundle(&self.source, index, count) {
                Ok(entries) => return Ok(entries),
                Err(e) => e,
            };
            tries += 1;
            let now = checkpoint::read_unverified(&self.source.checkpoint()?)?;
            let first = index * u64::from(TILE_WIDTH);
            let width = u16::try_from(now.size.saturating_sub(first).min(u64::from(TILE_WIDTH)))
                .unwrap_or(TILE_WIDTH);
            if width > count {
                if let Ok(mut entries) = entry_bundle(&self.source, index, width) {
                    entries.truncate(usize::from(count));
                    return Ok(entries);
                }
            }
            if tries >= 3 {
                return Err(failed);
            }
        }
    }

    /// The first position below both sizes where the primary's served tree holds
    /// another entry than the mirror, with an inclusion proof in each tree.
    fn divergent_entry(
        &self,
        ledger: &Ledger,
        verified: &Checkpoint,
        served: &Checkpoint,
    ) -> Result<Option<DivergentEntry>> {
        let common = verified.size.min(served.size);
        let width = u64::from(TILE_WIDTH);
        let mut from = 0;
        while from < common {
            let to = common.min(from + width);
            let theirs = self.entries(from, to, served.size)?;
            let ours = ledger
                .records(from, usize::try_from(to - from).unwrap_or(0))
                .map_err(failure::store)?;
            let differs = ours
                .iter()
                .zip(&theirs)
                .position(|(mine, their)| mine.bytes != *their);
            if let Some(offset) = differs {
                let index = from + offset as u64;
                let ours_leaf = leaf_hash(&ours[offset].bytes);
                let ours_path = ledger
                    .inclusion_proof(index, verified.size)
                    .map_err(failure::store)?;
                let theirs_answer = self.source.inclusion_proof(index, served.size)?;
                let their_leaf = leaf_hash(&theirs[offset]);
                if theirs_answer.leaf_hash != their_leaf {
                    return Err(anyhow!(
                        "the primary's inclusion proof of {index} names another leaf than its \
                         entry bundle"
                    ));
                }
                return Ok(Some(DivergentEntry {
                    index,
                    verified_leaf_hash: ours_leaf.to_base64(),
                    verified_inclusion: ours_path.iter().map(|h| h.to_base64()).collect(),
                    served_leaf_hash: their_leaf.to_base64(),
                    served_inclusion: theirs_answer.proof.iter().map(|h| h.to_base64()).collect(),
                }));
            }
            from = to;
        }
        Ok(None)
    }
}

/// Where the fork evidence of the mirror in `data` goes by default: beside the
/// directory, never inside it (the store owns every file there).
pub fn default_evidence_path(data: &Path) -> PathBuf {
    let mut name = data
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "ledger".into());
    name.push(".fork-evidence.json");
    data.with_file_name(name)
}

/// Writes `evidence` to `path` (a temporary file renamed into place).
pub fn write_evidence(path: &Path, evidence: &ForkEvidence) -> Result<()> {
    let mut text = serde_json::to_string_pretty(evidence).context("encoding fork evidence")?;
    text.push('\n');
    ledger_audit::atomic_file::write(path, &text)
}
