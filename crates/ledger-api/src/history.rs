//! Past read models for `?at=N` (the log as it was when it held N records) and
//! `/v1/digest`: a bounded set of retained models to fold from, a bounded pool of fold
//! threads, and the per-client limit on these reads.
//!
//! A past model is folded from the nearest retained model at or before it, never from
//! the start of the log: the retained ones are checkpoints at multiples of a spacing (at
//! most [`MAX_CHECKPOINTS`] of them; the spacing is [`MIN_SPACING`] and doubles as the log
//! outgrows it) and the [`RECENT`] models answered last. Records never change, so a model
//! at a position stays true for ever. Folds run on [`FOLD_THREADS`] threads of their own
//! with at most [`FOLD_QUEUE`] waiting, never on an HTTP worker, so a flood of past reads
//! delays no read at the head and no write. This module must never write to the store
//! and never hold more than the bounds above.

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use ledger_projections::{Applied, ReadModel};
use ledger_store::Ledger;

use crate::problem::ApiError;
use crate::ratelimit::{RateLimit, RateLimiter};

/// The most checkpoints kept; with [`RECENT`], the most past models in memory.
pub const MAX_CHECKPOINTS: u64 = 8;
/// The spacing of checkpoints while the log holds at most
/// `MIN_SPACING * MAX_CHECKPOINTS` records: the most records one past read folds.
pub const MIN_SPACING: u64 = 4096;
/// Past models answered last, kept for the next read at the same position.
pub const RECENT: usize = 2;
/// Threads that fold past models.
pub const FOLD_THREADS: usize = 1;
/// Past reads waiting for a fold thread; one more is refused (503).
pub const FOLD_QUEUE: usize = 64;
/// Anonymous clients whose rate of past reads is tracked at once.
pub const MAX_CLIENTS: usize = 16_384;

/// The retained past models.
#[derive(Debug)]
pub struct History {
    /// The spacing of checkpoints in a short log.
    min_spacing: u64,
    /// The most checkpoints kept.
    max_checkpoints: u64,
    /// Models at multiples of the spacing, by position.
    checkpoints: Mutex<BTreeMap<u64, Arc<ReadModel>>>,
    /// The models answered last, newest at the back.
    recent: Mutex<VecDeque<Arc<ReadModel>>>,
}

impl Default for History {
    fn default() -> Self {
        History::with_spacing(MIN_SPACING, MAX_CHECKPOINTS)
    }
}

impl History {
    /// An empty history with the server's bounds (it fills as past reads fold).
    pub fn new() -> History {
        History::default()
    }

    /// An empty history keeping at most `max_checkpoints` checkpoints, `min_spacing`
    /// records apart in a short log (tests use small ones).
    pub fn with_spacing(min_spacing: u64, max_checkpoints: u64) -> History {
        History {
            min_spacing: min_spacing.max(1),
            max_checkpoints: max_checkpoints.max(1),
            checkpoints: Mutex::default(),
            recent: Mutex::default(),
        }
    }

    /// The checkpoint spacing for a log of `length` records: the smallest of
    /// `min_spacing · 2^k` that leaves at most `max_checkpoints` checkpoints. It is also
    /// the most records one past read folds.
    pub fn spacing(&self, length: u64) -> u64 {
        let mut spacing = self.min_spacing;
        while length / spacing > self.max_checkpoints {
            spacing = spacing.saturating_mul(2);
        }
        spacing
    }

    /// The model of the log's first `at` records (`at` at most the head's length):
    /// retained, or folded from the nearest retained model before it.
    pub fn model_at(&self, ledger: &Ledger, at: u64) -> Result<Arc<ReadModel>, ApiError> {
        let length = ledger.head().length;
        if at > length {
            return Err(beyond(at, length));
        }
        let start = {
            let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(hit) = recent.iter().find(|m| m.position() == at) {
                return Ok(Arc::clone(hit));
            }
            let checkpoints = self.checkpoints.lock().unwrap_or_else(|e| e.into_inner());
            let checkpoint = checkpoints.range(..=at).next_back().map(|(_, m)| m);
            let near = recent
                .iter()
                .filter(|m| m.position() <= at)
                .max_by_key(|m| m.position());
            match (checkpoint, near) {
                (Some(c), Some(r)) if r.position() > c.position() => Some(Arc::clone(r)),
                (Some(c), _) => Some(Arc::clone(c)),
                (None, r) => r.cloned(),
            }
        };
        if let Some(start) = start.as_ref().filter(|m| m.position() == at) {
            return Ok(Arc::clone(start));
        }
        let mut model = start.map(|m| (*m).clone()).unwrap_or_default();
        let spacing = self.spacing(length);
        for item in crate::live::log_items(ledger, model.position(), at) {
            let (sealed, event) = item?;
            let position = sealed.record.position.0;
            if model.apply(&sealed, &event) != Applied::Applied {
                return Err(ApiError::Internal(format!(
                    "record {position} does not continue the past model"
                )));
            }
            let reached = model.position();
            if reached.is_multiple_of(spacing) && reached < at {
                self.keep_checkpoint(length, || Arc::new(model.clone()), reached);
            }
        }
        if model.position() != at {
            return Err(ApiError::Internal(format!(
                "the log ended at {} before {at} records",
                model.position()
            )));
        }
        let model = Arc::new(model);
        if at.is_multiple_of(spacing) {
            self.keep_checkpoint(length, || Arc::clone(&model), at);
        }
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() >= RECENT {
            recent.pop_front();
        }
        recent.push_back(Arc::clone(&model));
        Ok(model)
    }

    /// Keeps the model at `position` (a multiple of the spacing) unless one is kept
    /// there, and drops checkpoints that are no longer at a multiple of the spacing.
    fn keep_checkpoint(&self, length: u64, model: impl FnOnce() -> Arc<ReadModel>, position: u64) {
        let spacing = self.spacing(length);
        let mut checkpoints = self.checkpoints.lock().unwrap_or_else(|e| e.into_inner());
        checkpoints.retain(|p, _| p.is_multiple_of(spacing));
        if position > 0 && position.is_multiple_of(spacing) && !checkpoints.contains_key(&position)
        {
            checkpoints.insert(position, model());
        }
    }

    /// Keeps `model` as a checkpoint when its position is a multiple of the spacing for a
    /// log of that length. A fold from the log's start (the opening fold of
    /// [`crate::live::OpeningModel`]) calls this after every record and
    /// [`History::settle`] at the end: the checkpoints are then those
    /// [`History::warm`] keeps, without a second fold of the log. Between two calls at
    /// most `max_checkpoints` are held, as the spacing grows with the position.
    pub fn capture(&self, model: &ReadModel) {
        let position = model.position();
        if position > 0 && position.is_multiple_of(self.spacing(position)) {
            self.keep_checkpoint(position, || Arc::new(model.clone()), position);
        }
    }

    /// Drops the checkpoints that are not at a multiple of the spacing for a log of
    /// `length` records (the end of a fold that [`History::capture`]d).
    pub fn settle(&self, length: u64) {
        let spacing = self.spacing(length);
        let mut checkpoints = self.checkpoints.lock().unwrap_or_else(|e| e.into_inner());
        checkpoints.retain(|p, _| p.is_multiple_of(spacing) && *p <= length);
    }

    /// The positions of the checkpoints kept (tests and diagnostics).
    pub fn checkpoint_positions(&self) -> Vec<u64> {
        let checkpoints = self.checkpoints.lock().unwrap_or_else(|e| e.into_inner());
        checkpoints.keys().copied().collect()
    }

    /// Folds the whole log once, so that every checkpoint is there before a client asks
    /// (run on the fold pool at start).
    pub fn warm(&self, ledger: &Ledger) -> Result<(), ApiError> {
        let length = ledger.head().length;
        let last = length - length % self.spacing(length);
        self.model_at(ledger, last).map(drop)
    }
}

/// The refusal of a record count beyond the log's length.
pub fn beyond(at: u64, length: u64) -> ApiError {
    ApiError::BadRequest(format!(
        "at={at} asks for the log as it was when it held {at} records, but it holds {length}; \
         `at` is a record count from 0 to the log's length"
    ))
}

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads that run folds, with a bounded queue.
#[derive(Debug)]
pub struct FoldPool {
    jobs: SyncSender<Job>,
}

impl FoldPool {
    /// Starts `threads` fold threads taking at most `queue` waiting jobs; they end when
    /// the pool is dropped.
    pub fn new(threads: usize, queue: usize) -> FoldPool {
        let (jobs, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("ledger-fold-{n}"))
                .spawn(move || fold_thread(&receiver));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a fold thread");
            }
        }
        FoldPool { jobs }
    }

    /// Runs `job` on a fold thread and waits (asynchronously) for its answer; refuses
    /// with 503 when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.submit(job)?
            .await
            .map_err(|_| ApiError::Internal("a fold ended without an answer".to_owned()))?
    }

    /// Queues `job` now (503 when the queue is full) and returns where its answer comes.
    pub fn submit<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<Result<T, ApiError>>, ApiError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(job());
        });
        self.jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => ApiError::Unavailable(
                "too many reads of past records are waiting; retry in a second".to_owned(),
            ),
            TrySendError::Disconnected(_) => {
                ApiError::Internal("the fold threads have stopped".to_owned())
            }
        })?;
        Ok(answered)
    }
}

fn fold_thread(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let receiver = receiver.lock().unwrap_or_else(|e| e.into_inner());
            receiver.recv()
        };
        let Ok(job) = job else { return };
        // A job that panics drops its answer (the caller gets a 500); the thread lives on.
        if std::panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
            tracing::error!("a fold panicked");
        }
    }
}

/// Everything a read of the past goes through: the per-client limit, the fold pool and
/// the retained models.
#[derive(Debug)]
pub struct PastReads {
    /// The retained models.
    pub history: Arc<History>,
    pool: FoldPool,
    limiter: RateLimiter,
}

impl PastReads {
    /// Past reads limited to `limit` per client address.
    pub fn new(limit: RateLimit) -> PastReads {
        PastReads::with_history(limit, Arc::new(History::new()))
    }

    /// Past reads limited to `limit`, starting from the retained models of `history`
    /// (the checkpoints an opening fold captured).
    pub fn with_history(limit: RateLimit, history: Arc<History>) -> PastReads {
        PastReads {
            history,
            pool: FoldPool::new(FOLD_THREADS, FOLD_QUEUE),
            limiter: RateLimiter::bounded(limit, MAX_CLIENTS),
        }
    }

    /// Limits past reads to `limit` per client address from now on.
    pub fn set_limit(&mut self, limit: RateLimit) {
        self.limiter = RateLimiter::bounded(limit, MAX_CLIENTS);
    }

    /// The per-client limit applied.
    pub fn limit(&self) -> RateLimit {
        self.limiter.limit()
    }

    /// Takes one past read from the bucket of `client` (429 when it is empty). Clients
    /// without an address share one bucket.
    pub fn admit(&self, client: Option<IpAddr>) -> Result<(), ApiError> {
        let mut key = [0u8; 32];
        match client {
            Some(IpAddr::V4(ip)) => {
                key[0] = 4;
                key[1..5].copy_from_slice(&ip.octets());
            }
            Some(IpAddr::V6(ip)) => {
                key[0] = 6;
                key[1..17].copy_from_slice(&ip.octets());
            }
            None => {}
        }
        self.limiter
            .check(&key)
            .map_err(|retry_after_seconds| ApiError::TooManyRequests {
                retry_after_seconds,
            })
    }

    /// The model of the log's first `at` records, folded on the pool.
    pub async fn model_at(&self, ledger: &Ledger, at: u64) -> Result<Arc<ReadModel>, ApiError> {
        let history = Arc::clone(&self.history);
        let ledger = ledger.clone();
        self.pool.run(move || history.model_at(&ledger, at)).await
    }

    /// Runs `job` (a fold of the caller's) on the pool.
    pub async fn fold<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.pool.run(job).await
    }

    /// Starts folding the checkpoints of `ledger` on the pool, so that the first client
    /// asking for the past does not pay for it.
    pub fn warm(&self, ledger: &Ledger) {
        let history = Arc::clone(&self.history);
        let ledger = ledger.clone();
        let job: Job = Box::new(move || {
            if let Err(e) = history.warm(&ledger) {
                tracing::warn!(error = %e, "could not fold the past checkpoints");
            }
        });
        let _ = self.pool.jobs.try_send(job);
    }
}

impl Default for PastReads {
    fn default() -> Self {
        PastReads::new(default_limit())
    }
}

/// Ten past reads per second per client address, in bursts of twenty.
pub fn default_limit() -> RateLimit {
    RateLimit::per_second(10, 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[actix_web::test]
    async fn a_full_queue_is_refused_with_503_and_the_queued_jobs_still_run() {
        let pool = FoldPool::new(1, 1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        let first = pool
            .submit(move || {
                let _ = started.send(());
                let _ = wait.recv();
                Ok(1)
            })
            .expect("the first job is taken");
        running.recv().expect("the first job runs");
        let second = pool.submit(|| Ok(2)).expect("one job may wait");
        let refused = pool.submit(|| Ok(3)).expect_err("the queue is full");
        assert_eq!(
            refused.status_code(),
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE
        );
        assert!(refused.to_string().contains("retry"), "{refused}");
        release.send(()).expect("release");
        assert_eq!(first.await.expect("answer").expect("ok"), 1);
        assert_eq!(second.await.expect("answer").expect("ok"), 2);
        // Room again once the queue drained.
        assert_eq!(pool.run(|| Ok(4)).await.expect("ok"), 4);
    }

    #[actix_web::test]
    async fn a_job_that_panics_answers_500_and_the_thread_goes_on() {
        let pool = FoldPool::new(1, 4);
        let failed = pool
            .run(|| -> Result<u8, ApiError> { panic!("a fold panicked") })
            .await
            .expect_err("no answer");
        assert_eq!(
            failed.status_code(),
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(pool.run(|| Ok(5)).await.expect("ok"), 5);
    }
}
