//! `verify`: the whole chain and every derived entry, checked and reported.
//!
//! The chain is checked by the same walk that start-up uses (see `replay`); the derived
//! trees are compared entry by entry with a rebuild from the checked records. This
//! module must never repair anything: it reports, and the caller decides.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use ledger_core::Head;
use ledger_tlog::{leaf_hash, Hash};

use crate::disk::Trees;
use crate::error::StoreError;
use crate::layout::{
    decode_command_value, decode_indexed, decode_merkle_hash, decode_merkle_key,
    decode_merkle_value, decode_position, merkle_key, position_key, stream_key, COMMANDS_TREE,
    DIGESTS_FROM_KEY, DIGESTS_TREE, EVENTS_TREE, INDEXED_KEY, MERKLE_KEY, MERKLE_TREE, META_TREE,
    STREAMS_TREE,
};
use crate::ledger::open_existing;
use crate::merkle::{first_leaf, Frontier};
use crate::replay::walk;

/// What `verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// The head of the checked, intact prefix: the whole log when nothing is wrong.
    pub head: Head,
    /// Everything found wrong, the lowest position first; empty when intact.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Whether the chain and every derived entry checked out.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problem at the lowest position.
    pub fn first_problem(&self) -> Option<&Problem> {
        self.problems.first()
    }
}

/// One thing wrong in the stored ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The log position concerned; `None` for a derived entry that names no readable
    /// position.
    pub position: Option<u64>,
    /// The tree it was found in: `events`, `streams`, `commands`, `merkle`, `digests` or
    /// `meta`.
    pub tree: &'static str,
    /// What is wrong.
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(position) => write!(f, "position {position} ({}): {}", self.tree, self.what),
            None => write!(f, "{}: {}", self.tree, self.what),
        }
    }
}

/// Checks the ledger in `dir` under its lock: every record (decodes, position equals
/// key, keys gap-free from 0, predecessor hashes link, body decodes, streams and event
/// ids consistent) and every entry of the derived trees against a rebuild, the Merkle
/// tree's hashes and its recorded root included.
///
/// Damage is reported in the [`VerifyReport`], not as an error; errors mean the check
/// could not run ([`StoreError::Locked`], [`StoreError::NotALedger`], I/O).
pub fn verify(dir: &Path) -> Result<VerifyReport, StoreError> {
    let opened = open_existing(dir)?;
    verify_trees(&opened.trees, None)
}

/// Verifies `trees` up to `bound` records (all when `None`).
pub(crate) fn verify_trees(trees: &Trees, bound: Option<u64>) -> Result<VerifyReport, StoreError> {
    let mut problems = Vec::new();
    let indexed = match trees.meta.get(INDEXED_KEY)? {
        None => None,
        Some(bytes) => {
            let decoded = decode_indexed(&bytes);
            if decoded.is_none() {
                problems.push(Problem {
                    position: None,
                    tree: META_TREE,
                    what: "the indexed head is unreadable".into(),
                });
            }
            decoded
        }
    };
    // A live ledger may have indexed records published after `bound` was read.
    let chain_indexed = indexed.filter(|ind| bound.is_none_or(|b| ind.length <= b));

    let mut streams: BTreeMap<Vec<u8>, [u8; 8]> = BTreeMap::new();
    let mut commands: BTreeMap<Vec<u8>, (u64, u32)> = BTreeMap::new();
    let mut leaves: Vec<Hash> = Vec::new();
    let walked = walk(&trees.events, chain_indexed, bound, |sealed, _, first| {
        leaves.push(leaf_hash(&sealed.bytes));
        let record = &sealed.record;
        let position = record.position.0;
        streams.insert(
            stream_key(&record.stream, record.stream_version),
            position_key(position),
        );
        let count = u32::try_from(position - first + 1).unwrap_or(u32::MAX);
        commands.insert(
            record.command_id.as_str().as_bytes().to_vec(),
            (first, count),
        );
    })?;
    if let Some(problem) = &walked.problem {
        problems.push(Problem {
            position: Some(problem.position),
            tree: EVENTS_TREE,
            what: problem.reason.clone(),
        });
    }
    let checked = walked.head.length;
    // Records the derived trees must cover: checked, and below the indexed head.
    let must_cover = indexed.map_or(0, |ind| ind.length).min(checked);

    for item in trees.streams.iter() {
        let (key, value) = item?;
        let stated = decode_position(&value);
        match streams.get(key.as_ref()) {
            Some(expected) if expected[..] == value[..] => {}
            Some(expected) => problems.push(Problem {
                position: decode_position(expected),
                tree: STREAMS_TREE,
                what: format!(
                    "entry {} points to {}, the rebuild says {}",
                    show_stream_key(&key),
                    show_position(stated),
                    show_position(decode_position(expected)),
                ),
            }),
            // An entry for a record beyond the checked prefix cannot be judged.
            None if stated.is_some_and(|p| p >= checked) => {}
            None => problems.push(Problem {
                position: stated,
                tree: STREAMS_TREE,
                what: format!(
                    "entry {} -> {} is not in the rebuild",
                    show_stream_key(&key),
                    show_position(stated)
                ),
            }),
        }
    }
    for (key, value) in &streams {
        let position = u64::from_be_bytes(*value);
        if position < must_cover && trees.streams.get(key)?.is_none() {
            problems.push(Problem {
                position: Some(position),
                tree: STREAMS_TREE,
                what: format!("entry {} is missing", show_stream_key(key)),
            });
        }
    }

    for item in trees.commands.iter() {
        let (key, value) = item?;
        let stated = decode_command_value(&value);
        let name = String::from_utf8_lossy(&key).into_owned();
        match (stated, commands.get(key.as_ref())) {
            (Some((first, count)), _) if first.saturating_add(u64::from(count)) > checked => {}
            (Some(stated), Some(expected)) if stated == *expected => {}
            (Some((first, count)), Some((expected_first, expected_count))) => {
                problems.push(Problem {
                    position: Some(*expected_first),
                    tree: COMMANDS_TREE,
                    what: format!(
                        "command {name} is indexed as {count} records from {first}, the \
                         rebuild says {expected_count} from {expected_first}"
                    ),
                })
            }
            (Some((first, _)), None) => problems.push(Problem {
                position: Some(first),
                tree: COMMANDS_TREE,
                what: format!("command {name} is not in the log"),
            }),
            (None, _) => problems.push(Problem {
                position: commands.get(key.as_ref()).map(|(first, _)| *first),
                tree: COMMANDS_TREE,
                what: format!("the entry of command {name} is unreadable"),
            }),
        }
    }
    for (key, (first, _)) in &commands {
        if *first < must_cover && trees.commands.get(key)?.is_none() {
            problems.push(Problem {
                position: Some(*first),
                tree: COMMANDS_TREE,
                what: format!("command {} is missing", String::from_utf8_lossy(key)),
            });
        }
    }

    check_digests(trees, &commands, &mut problems)?;
    let complete = bound.is_none() && walked.problem.is_none();
    check_merkle(trees, &leaves, complete, &mut problems)?;

    // Lowest position first; entries without a position last. Stable, so at one
    // position the chain's own problem (pushed first) leads.
    problems.sort_by_key(|p| (p.position.is_none(), p.position));
    Ok(VerifyReport {
        head: walked.head,
        problems,
    })
}

/// Checks that every command of the checked records from `meta/digests-from` on has its
/// 32-byte digest in `digests` (a command without one could not tell a retry from a
/// reused id). Nothing to check on a ledger that never kept digests.
fn check_digests(
    trees: &Trees,
    commands: &BTreeMap<Vec<u8>, (u64, u32)>,
    problems: &mut Vec<Problem>,
) -> Result<(), StoreError> {
    let Some(from) = trees.meta.get(DIGESTS_FROM_KEY)? else {
        return Ok(());
    };
    let Some(from) = decode_position(&from) else {
        problems.push(Problem {
            position: None,
            tree: META_TREE,
            what: "the position digests are kept from is unreadable".into(),
        });
        return Ok(());
    };
    // Opened only if it exists: verifying must not create it.
    let exists = trees
        .db
        .tree_names()
        .iter()
        .any(|name| name.as_ref() == DIGESTS_TREE.as_bytes());
    let digests = if exists {
        Some(trees.db.open_tree(DIGESTS_TREE)?)
    } else {
        None
    };
    for (id, (first, _)) in commands.iter().filter(|(_, (first, _))| *first >= from) {
        let stored = match &digests {
            Some(digests) => digests.get(id)?,
            None => None,
        };
        if stored.is_none_or(|digest| digest.len() != 32) {
            problems.push(Problem {
                position: Some(*first),
                tree: DIGESTS_TREE,
                what: format!(
                    "the digest of command {} is missing or unreadable",
                    String::from_utf8_lossy(id)
                ),
            });
        }
    }
    Ok(())
}

/// Rebuilds the Merkle tree of the checked records `leaves` and compares every stored
/// hash and the recorded size and root with it. Hashes of subtrees that end beyond the
/// checked records cannot be judged; `complete` says the checked records are the whole
/// log, so a tree recorded for more records than it holds is damage.
fn check_merkle(
    trees: &Trees,
    leaves: &[Hash],
    complete: bool,
    problems: &mut Vec<Problem>,
) -> Result<(), StoreError> {
    let checked = leaves.len() as u64;
    let recorded = match trees.meta.get(MERKLE_KEY)? {
        None => None,
        Some(bytes) => {
            let decoded = decode_merkle_value(&bytes);
            if decoded.is_none() {
                problems.push(Problem {
                    position: None,
                    tree: META_TREE,
                    what: "the merkle tree's recorded size and root are unreadable".into(),
                });
            }
            decoded
        }
    };
    let covered = recorded.map_or(0, |(size, _)| size).min(checked);
    if let Some((size, _)) = recorded.filter(|(size, _)| complete && *size > checked) {
        problems.push(Problem {
            position: Some(checked),
            tree: MERKLE_TREE,
            what: format!(
                "record is missing: the merkle tree covers {size} records, the log holds {checked}"
            ),
        });
    }

    let mut frontier = Frontier::new();
    for (position, leaf) in (0u64..).zip(leaves) {
        for (level, index, expected) in frontier.append_leaf(*leaf)? {
            let what = match trees.merkle.get(merkle_key(level, index))? {
                Some(bytes) if bytes.as_ref() == expected.as_bytes() => continue,
                Some(bytes) => match decode_merkle_hash(&bytes) {
                    Some(stored) => format!(
                        "the hash at level {level}, index {index} is {}, the rebuild says {}",
                        stored.to_hex(),
                        expected.to_hex()
                    ),
                    None => format!(
                        "the hash at level {level}, index {index} has {} bytes",
                        bytes.len()
                    ),
                },
                // Subtrees completed by records the tree was never written for may be
                // absent; the next open writes them.
                None if position >= covered => continue,
                None => format!("the hash at level {level}, index {index} is missing"),
            };
            problems.push(Problem {
                position: Some(first_leaf(level, index)),
                tree: MERKLE_TREE,
                what,
            });
        }
        if let Some((size, root)) = recorded.filter(|(size, _)| *size == position + 1) {
            let rebuilt = frontier.root()?;
            if rebuilt != root {
                problems.push(Problem {
                    position: Some(position),
                    tree: META_TREE,
                    what: format!(
                        "the merkle tree is recorded for {size} records with root {}, the \
                         rebuild says {}",
                        root.to_hex(),
                        rebuilt.to_hex()
                    ),
                });
            }
        }
    }

    // Every stored hash of a subtree inside the checked records was compared above; what
    // is left to find are entries that cannot be hashes at all.
    for item in trees.merkle.iter() {
        let (key, value) = item?;
        match decode_merkle_key(&key) {
            None => problems.push(Problem {
                position: None,
                tree: MERKLE_TREE,
                what: format!(
                    "an entry with a {}-byte key is not a stored hash",
                    key.len()
                ),
            }),
            Some((level, index)) if level > 63 => problems.push(Problem {
                position: None,
                tree: MERKLE_TREE,
                what: format!("an entry at level {level}, index {index} is above any tree"),
            }),
            Some((level, index)) if decode_merkle_hash(&value).is_none() => {
                let end = index
                    .checked_add(1)
                    .and_then(|next| next.checked_shl(u32::from(level)));
                // Inside the checked records it was already reported above.
                if end.is_none_or(|end| end > checked) {
                    problems.push(Problem {
                        position: Some(first_leaf(level, index)),
                        tree: MERKLE_TREE,
                        what: format!(
                            "the hash at level {level}, index {index} has {} bytes",
                            value.len()
                        ),
                    });
                }
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn show_position(position: Option<u64>) -> String {
    position.map_or_else(|| "an unreadable position".into(), |p| p.to_string())
}

/// `stream@version` for a `streams` key.
fn show_stream_key(key: &[u8]) -> String {
    match key.len().checked_sub(9) {
        Some(split) if key[split] == 0 => {
            let name = String::from_utf8_lossy(&key[..split]);
            let version = decode_position(&key[split + 1..]).unwrap_or_default();
            format!("{name}@{version}")
        }
        _ => format!("{:?}", String::from_utf8_lossy(key)),
    }
}
