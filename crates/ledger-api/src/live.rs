//! The read model the API serves, kept current from the store, and its snapshot file.
//!
//! Before answering, a read catches the model up to the store's head (folding only the
//! records it has not seen), so an answer is never older than the write that preceded
//! it. Reads of the past (`?at=N`, the log as it was when it held N records) are
//! [`crate::history`]'s. Every fold reads the log with [`Ledger::log`]. The snapshot is a
//! cache file the store keeps for it ([`Cache::Projections`]): it is checked against the
//! log's hash at its position and ignored when it does not match. A server folds its model
//! while the store opens ([`OpeningModel`]). This module must never write to the store,
//! nor touch a file of the ledger's directory other than through the store's cache API
//! (which writes nothing while the ledger is in quarantine).

use std::path::Path;
use std::sync::{Arc, RwLock};

use ledger_core::{Event, Head, Sealed};
use ledger_projections::{Applied, ReadModel};
use ledger_store::{read_cache, Cache, Ledger, StoreError};

use crate::history::History;
use crate::problem::ApiError;

/// The records `[from, to)` with their events, read with [`Ledger::log`]: one pass over
/// the log that takes each record's hash from its successor's link, which the open
/// checked, instead of hashing every record again. Every fold of the API reads this way.
pub fn log_items(
    ledger: &Ledger,
    from: u64,
    to: u64,
) -> impl Iterator<Item = Result<(Sealed, Event), ApiError>> + '_ {
    ledger
        .log(from, to)
        .map(|item| item.map_err(|e| ApiError::Internal(format!("store read failed: {e}"))))
}

/// Folds the records `[model.position(), to)` into `model` ([`log_items`]).
pub fn fold_into(model: &mut ReadModel, ledger: &Ledger, to: u64) -> Result<u64, ApiError> {
    model.try_catch_up(log_items(ledger, model.position(), to), to)
}

/// The head as it was when the log held `length` records.
pub fn head_at(ledger: &Ledger, length: u64) -> Result<Head, ApiError> {
    if length == 0 {
        return Ok(Head::default());
    }
    match ledger.record(length - 1) {
        Ok(Some(sealed)) => Ok(Head {
            length,
            hash: sealed.hash,
        }),
        Ok(None) => Err(ApiError::NotFound {
            what: "position",
            id: length.to_string(),
        }),
        Err(e) => Err(ApiError::Internal(format!("store read failed: {e}"))),
    }
}

/// A read model folded while the store opens ([`Ledger::open_folding`]): it starts from
/// the snapshot file when one decodes and takes every record the open checks, so a
/// server starts with one pass over the log instead of two.
///
/// The snapshot is vouched for by the fold itself: `ReadModel::apply` takes the record
/// after the snapshot's position only if it links to the snapshot's head hash, so a model
/// that reaches the ledger's head matches the log, and one that does not is dropped.
///
/// A fold from the log's start (no snapshot) also captures the past-read checkpoints
/// ([`History::capture`]) as it passes them, so the server needs no second fold for them.
#[derive(Debug)]
pub struct OpeningModel {
    model: ReadModel,
    /// The past-read checkpoints, captured while `from` is 0.
    checkpoints: Arc<History>,
    /// The position of the snapshot it started from (0 without one).
    from: u64,
    /// Records the fold applied (not counting those the snapshot held).
    applied: u64,
}

impl OpeningModel {
    /// Starts from the snapshot in `data_dir` if one is there and decodes.
    pub fn new(data_dir: &Path) -> OpeningModel {
        OpeningModel::with_checkpoints(data_dir, History::new())
    }

    /// [`OpeningModel::new`] capturing past-read checkpoints into `checkpoints` (tests
    /// give one with small spacings).
    pub fn with_checkpoints(data_dir: &Path, checkpoints: History) -> OpeningModel {
        let model = read_cache(data_dir, Cache::Projections)
            .ok()
            .flatten()
            .and_then(|bytes| ReadModel::from_snapshot(&bytes).ok())
            .unwrap_or_default();
        OpeningModel {
            from: model.position(),
            model,
            checkpoints: Arc::new(checkpoints),
            applied: 0,
        }
    }

    /// Folds one record the open checked (records the snapshot holds are skipped).
    pub fn apply(&mut self, sealed: &Sealed, event: &Event) {
        if self.model.apply(sealed, event) == Applied::Applied {
            self.applied += 1;
            if self.from == 0 {
                self.checkpoints.capture(&self.model);
            }
        }
    }

    /// How many records the fold applied so far: the log's length less the snapshot's
    /// position when the snapshot matched, and 0 past a snapshot that does not.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The live model of the opened `ledger`: the folded one when it reached the
    /// ledger's head (saved as the new snapshot if it moved past the old one), otherwise
    /// what [`LiveModel::load_reporting`] builds, telling `progress` as it goes.
    pub fn finish(
        self,
        ledger: &Ledger,
        progress: impl FnMut(u64, u64),
    ) -> Result<LiveModel, ApiError> {
        self.finish_with_checkpoints(ledger, progress)
            .map(|(live, _)| live)
    }

    /// [`OpeningModel::finish`], with the past-read checkpoints the fold captured when it
    /// folded the whole log from its start and reached the ledger's head (`None`
    /// otherwise: then they are to be folded from the log).
    pub fn finish_with_checkpoints(
        self,
        ledger: &Ledger,
        progress: impl FnMut(u64, u64),
    ) -> Result<(LiveModel, Option<Arc<History>>), ApiError> {
        let head = ledger.head();
        if model_head(&self.model) != head {
            tracing::warn!("projection snapshot does not match the log; rebuilding");
            return LiveModel::load_reporting(ledger, progress).map(|live| (live, None));
        }
        let checkpoints = (self.from == 0).then(|| {
            self.checkpoints.settle(head.length);
            self.checkpoints
        });
        let live = LiveModel {
            model: RwLock::new(self.model),
        };
        if head.length > self.from {
            live.save_snapshot(ledger);
        }
        Ok((live, checkpoints))
    }
}

/// The projection the API serves, shared by all workers.
#[derive(Debug)]
pub struct LiveModel {
    model: RwLock<ReadModel>,
}

impl LiveModel {
    /// Loads the snapshot from the ledger's cache if it matches the log, then folds the
    /// rest of the log.
    pub fn load(ledger: &Ledger) -> Result<LiveModel, ApiError> {
        LiveModel::load_reporting(ledger, |_, _| {})
    }

    /// [`LiveModel::load`], telling `progress` (records folded, records to fold) after
    /// every record it folds, so a shell can show how a long rebuild advances.
    pub fn load_reporting(
        ledger: &Ledger,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<LiveModel, ApiError> {
        let mut model = read_snapshot(ledger).unwrap_or_default();
        let head = ledger.head();
        let missing = head.length.saturating_sub(model.position());
        let from = model.position();
        for (folded, item) in (1..).zip(log_items(ledger, from, head.length)) {
            let (sealed, event) = item?;
            model.apply(&sealed, &event);
            progress(folded, missing);
        }
        let live = LiveModel {
            model: RwLock::new(model),
        };
        if missing > 0 {
            live.save_snapshot(ledger);
        }
        Ok(live)
    }

    /// Saves the model as the ledger's projection cache. Failure is logged, never fatal:
    /// the snapshot is only a cache. A ledger in quarantine keeps its directory as it
    /// is, so nothing is saved then.
    pub fn save_snapshot(&self, ledger: &Ledger) {
        let bytes = {
            let model = self.model.read().unwrap_or_else(|e| e.into_inner());
            model.to_snapshot()
        };
        let result = bytes.map_err(|e| e.to_string()).and_then(|bytes| {
            match ledger.write_cache(Cache::Projections, &bytes) {
                Ok(()) | Err(StoreError::Damaged { .. }) => Ok(()),
                Err(e) => Err(e.to_string()),
            }
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not save the projection snapshot");
        }
    }

    /// Runs `f` on the model at the store's head (caught up first); returns the head the
    /// answer reflects.
    pub fn read<T>(
        &self,
        ledger: &Ledger,
        f: impl FnOnce(&ReadModel) -> T,
    ) -> Result<(Head, T), ApiError> {
        self.catch_up(ledger, ledger.head().length)?;
        let model = self.model.read().unwrap_or_else(|e| e.into_inner());
        Ok((model_head(&model), f(&model)))
    }

    fn catch_up(&self, ledger: &Ledger, until: u64) -> Result<(), ApiError> {
        {
            let model = self.model.read().unwrap_or_else(|e| e.into_inner());
            if model.position() >= until {
                return Ok(());
            }
        }
        let mut model = self.model.write().unwrap_or_else(|e| e.into_inner());
        fold_into(&mut model, ledger, until)?;
        Ok(())
    }
}

/// The head of the log as far as `model` has folded it (its hash kept as hex there).
pub fn model_head(model: &ReadModel) -> Head {
    Head {
        length: model.position(),
        hash: ledger_core::RecordHash::from_hex(&model.head().hash).unwrap_or_default(),
    }
}

fn read_snapshot(ledger: &Ledger) -> Option<ReadModel> {
    let bytes = ledger.read_cache(Cache::Projections).ok()??;
    let info = ReadModel::snapshot_info(&bytes).ok()?;
    let head = head_at(ledger, info.position).ok()?;
    if head.hash.to_hex() != info.head_hash {
        tracing::warn!("projection snapshot does not match the log; rebuilding");
        return None;
    }
    ReadModel::from_snapshot(&bytes).ok()
}
