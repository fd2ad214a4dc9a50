//! The receipt of an applied command, and finding the receipt of a command applied
//! earlier (idempotent retries).
//!
//! A receipt names exactly the records a command produced, so a caller can later prove
//! them in the transparency log. This module must never build a receipt from anything but
//! stored records.

use ledger_core::{ActorId, CommandId, RecordHash, Sealed, Timestamp};

use crate::disk::Trees;
use crate::error::StoreError;
use crate::layout::{decode_command_value, position_key};

/// What an applied command produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The command's id.
    pub command_id: CommandId,
    /// The positions of its records, consecutive, in order.
    pub positions: Vec<u64>,
    /// The hashes of those records.
    pub hashes: Vec<RecordHash>,
    /// When the command was recorded.
    pub recorded_at: Timestamp,
    /// True when this command id had been applied before: nothing was appended now and
    /// this is the original receipt.
    pub replayed: bool,
}

impl Receipt {
    /// The receipt of freshly sealed records of one command.
    pub(crate) fn of(command_id: &CommandId, records: &[Sealed], recorded_at: Timestamp) -> Self {
        Receipt {
            command_id: command_id.clone(),
            positions: records.iter().map(|s| s.record.position.0).collect(),
            hashes: records.iter().map(|s| s.hash).collect(),
            recorded_at,
            replayed: false,
        }
    }
}

/// A command found in the log through the `commands` index.
#[derive(Debug)]
pub(crate) struct StoredCommand {
    /// Its original receipt, marked as replayed.
    pub(crate) receipt: Receipt,
    /// Who issued it.
    pub(crate) actor: ActorId,
    /// The stream of its first record.
    pub(crate) stream: String,
}

/// The stored receipt of `command_id` according to the `commands` tree, marked as
/// replayed; `None` if the command was never applied (within the first `limit` records).
pub(crate) fn indexed_receipt(
    trees: &Trees,
    command_id: &CommandId,
    limit: u64,
) -> Result<Option<Receipt>, StoreError> {
    Ok(indexed_command(trees, command_id, limit)?.map(|stored| stored.receipt))
}

/// The command stored under `command_id` according to the `commands` tree, read back
/// from its records; `None` if there is none within the first `limit` records.
pub(crate) fn indexed_command(
    trees: &Trees,
    command_id: &CommandId,
    limit: u64,
) -> Result<Option<StoredCommand>, StoreError> {
    let Some(value) = trees.commands.get(command_id.as_str().as_bytes())? else {
        return Ok(None);
    };
    let (first, count) = decode_command_value(&value).ok_or_else(|| {
        StoreError::corrupt(limit, format!("unreadable commands entry for {command_id}"))
    })?;
    if first >= limit {
        return Ok(None);
    }
    let mut records = Vec::with_capacity(count as usize);
    for position in first..first.saturating_add(u64::from(count)) {
        let bytes = trees
            .events
            .get(position_key(position))?
            .ok_or_else(|| StoreError::corrupt(position, "record is missing"))?;
        let sealed = Sealed::from_bytes(bytes.to_vec())
            .map_err(|e| StoreError::corrupt(position, e.to_string()))?;
        if sealed.record.command_id != *command_id {
            return Err(StoreError::corrupt(
                position,
                format!(
                    "the commands index points here for {command_id}, but the record belongs to {}",
                    sealed.record.command_id
                ),
            ));
        }
        records.push(sealed);
    }
    let Some(head) = records.first() else {
        return Err(StoreError::corrupt(
            first,
            format!("empty commands entry for {command_id}"),
        ));
    };
    let (actor, stream) = (head.record.actor.clone(), head.record.stream.clone());
    let mut receipt = Receipt::of(command_id, &records, head.record.recorded_at);
    receipt.replayed = true;
    Ok(Some(StoredCommand {
        receipt,
        actor,
        stream,
    }))
}

/// The receipt of `command_id` found by scanning `records` (those not indexed yet).
pub(crate) fn scanned_receipt(command_id: &CommandId, records: &[Sealed]) -> Option<Receipt> {
    let mine: Vec<Sealed> = records
        .iter()
        .filter(|s| s.record.command_id == *command_id)
        .cloned()
        .collect();
    let recorded_at = mine.first()?.record.recorded_at;
    let mut receipt = Receipt::of(command_id, &mine, recorded_at);
    receipt.replayed = true;
    Some(receipt)
}
