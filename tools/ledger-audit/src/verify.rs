//! `ledger-audit verify`: the whole audit of one source, in order, stopping at the first
//! problem.
//!
//! 1. the checkpoint's signature, against the reader's key (origin = key name);
//! 2. with `--remember`, the source's consistency proof from the remembered checkpoint;
//! 3. every entry bundle, each entry's leaf compared with the level-0 hash tile, then
//!    the BLAKE3 chain link and the recount of the event;
//! 4. the rebuilt root against the checkpoint, and the upper hash tiles;
//! 5. with `--remember`, the same consistency checked on the rebuilt tree;
//! 6. with a server, every round's published result against the recount;
//! 7. with `--remember`, the new checkpoint stored.
//!
//! This module must never skip a step silently: what could not be compared (hash tiles
//! a source does not serve, results a directory does not have) is said in the report.

use std::fmt;
use std::path::Path;

use anyhow::{bail, Context, Result};
use ledger_core::chain::Head;
use ledger_tlog::{Checkpoint, NoteVerifier, TILE_WIDTH};

use crate::chain::ChainWalk;
use crate::checkpoint;
use crate::remember;
use crate::signatures::SignatureAudit;
use crate::source::{self, Source};
use crate::tallies::{ExpectedResult, Recount};
use crate::tree::{self, RebuiltTree, TileComparison};

/// What became of `--remember`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remembrance {
    /// No `--remember` given.
    NotAsked,
    /// The file did not exist; the checkpoint is now stored in it.
    FirstRun,
    /// The log extends the remembered checkpoint of this size.
    Extends {
        /// The remembered size.
        before: u64,
    },
}

/// What was verified.
#[derive(Debug)]
pub struct Report {
    /// Where the log came from.
    pub source: String,
    /// The verified checkpoint.
    pub checkpoint: Checkpoint,
    /// The key that signed it.
    pub key: String,
    /// The end of the BLAKE3 chain.
    pub head: Head,
    /// Entry bundles read.
    pub bundles: u64,
    /// Hash tiles compared with the rebuilt tree.
    pub tiles: TileComparison,
    /// Every round, recounted.
    pub rounds: Vec<ExpectedResult>,
    /// Rounds whose server result was compared, or `None` without a read API.
    pub results_compared: Option<usize>,
    /// Every author signature and key registration, checked.
    pub signatures: SignatureAudit,
    /// The remembered checkpoint's part.
    pub remembrance: Remembrance,
}

/// Runs the audit of `source` with the reader's `key`.
pub fn verify<S: Source + ?Sized>(
    source: &S,
    key: &NoteVerifier,
    remember_file: Option<&Path>,
) -> Result<Report> {
    let note = source.checkpoint()?;
    let checkpoint = checkpoint::open(&note, key)?;
    let before = match remember_file {
        Some(path) => remember::load(path, key)?,
        None => None,
    };
    if let Some(before) = &before {
        remember::check_by_proof(&before.checkpoint, &checkpoint, source)?;
    }

    let size = checkpoint.size;
    let mut tree = RebuiltTree::new();
    let mut chain = ChainWalk::new();
    let mut recount = Recount::new(&checkpoint.origin);
    let mut signatures = SignatureAudit::default();
    let mut tiles = TileComparison::default();
    let bundles = size.div_ceil(u64::from(TILE_WIDTH));
    for bundle in 0..bundles {
        let start = bundle * u64::from(TILE_WIDTH);
        let width = (size - start).min(u64::from(TILE_WIDTH)) as u16;
        let entries = source::entry_bundle(source, bundle, width)?;
        let leaves = entries
            .iter()
            .map(|entry| tree.push(entry))
            .collect::<Result<Vec<_>>>()?;
        tiles.add(tree::compare_leaf_tile(source, bundle, &leaves)?);
        for entry in entries {
            let (sealed, event) = chain.check(entry)?;
            recount.apply_with(&sealed, &event, |state| {
                signatures.check(&checkpoint.origin, &sealed, &event, state)
            })?;
        }
    }
    let root = tree.root_at(size)?;
    if root != checkpoint.root {
        bail!(
            "the {size} entries rebuild to root {}, but the checkpoint says {}",
            root.to_base64(),
            checkpoint.root.to_base64()
        );
    }
    tiles.add(tree::compare_upper_tiles(source, &tree, size)?);
    if let Some(before) = &before {
        remember::check_locally(&before.checkpoint, &checkpoint, &tree)?;
    }

    let (_, rounds) = recount.finish();
    let results_compared = if source.serves_results() {
        for round in &rounds {
            let served = source
                .round_result(&round.id, size)
                .with_context(|| format!("fetching the result of round {}", round.id))?
                .with_context(|| {
                    format!("{} has no result for round {}", source.describe(), round.id)
                })?;
            round.compare(&served)?;
        }
        Some(rounds.len())
    } else {
        None
    };

    let remembrance = match (remember_file, &before) {
        (None, _) => Remembrance::NotAsked,
        (Some(path), before) => {
            remember::store(path, &note)?;
            match before {
                Some(b) => Remembrance::Extends {
                    before: b.checkpoint.size,
                },
                None => Remembrance::FirstRun,
            }
        }
    };
    Ok(Report {
        source: source.describe(),
        checkpoint,
        key: format!("{}+{:08x}", key.name(), key.key_id()),
        head: chain.head(),
        bundles,
        tiles,
        rounds,
        results_compared,
        signatures,
        remembrance,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.checkpoint;
        writeln!(f, "verified {} from {}", c.origin, self.source)?;
        writeln!(f, "  checkpoint: size {}, signed by {}", c.size, self.key)?;
        writeln!(
            f,
            "  merkle root: {} (rebuilt from {} entries in {} entry bundles)",
            c.root.to_base64(),
            c.size,
            self.bundles
        )?;
        let head = if self.head.length == 0 {
            "none (empty log)".to_owned()
        } else {
            format!(
                "{} (position {})",
                self.head.hash.to_hex(),
                self.head.length - 1
            )
        };
        writeln!(f, "  head BLAKE3 hash: {head}")?;
        writeln!(
            f,
            "  chain: {} records link from position 0, every body decodes",
            self.head.length
        )?;
        writeln!(
            f,
            "  hash tiles: {} equal to the rebuilt tree, {} not served",
            self.tiles.compared, self.tiles.missing
        )?;
        writeln!(f, "  rounds checked: {}", self.rounds.len())?;
        for round in &self.rounds {
            writeln!(f, "    {}", round.describe())?;
        }
        write!(f, "{}", self.signatures)?;
        match self.results_compared {
            Some(n) => writeln!(f, "  server results: {n} rounds equal to the recount")?,
            None => writeln!(f, "  server results: not compared (no read API)")?,
        }
        match &self.remembrance {
            Remembrance::NotAsked => {}
            Remembrance::FirstRun => writeln!(
                f,
                "  remembered: no earlier checkpoint; this one is now remembered"
            )?,
            Remembrance::Extends { before } => writeln!(
                f,
                "  remembered: the log extends the remembered size {before}; now remembering \
                 size {}",
                c.size
            )?,
        }
        Ok(())
    }
}
