//! The rate limits of the API, in memory: one token bucket per bearer token on the write
//! route, and one per client address on the reads that fold a past model (`?at=`,
//! `/v1/digest`).
//!
//! Each token has its own bucket, so a burst from one token empties only its own bucket
//! and never delays another token's requests; the store's writer then takes whatever is
//! queued in one group commit. A bucket holds time credit in whole nanoseconds (integer
//! arithmetic on a monotonic clock): one request costs one `interval`, credit grows with
//! the time that passes, up to `burst` intervals. On the write route only authenticated
//! tokens get a bucket, so the map is bounded by the token book; anonymous clients are
//! many, so that limiter holds at most `max_keys` buckets: a full bucket (an idle
//! client) is forgotten when room is needed, and a new client that finds no room is
//! refused until some bucket fills up again. This module must never look at who the
//! caller is beyond the key it is given (a token's hash, a client's address), and never
//! sleep: a caller over its rate is told when to come back (429 with `Retry-After`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How fast one token may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests a token may send at once after being idle.
    pub burst: u32,
    /// After the burst, one more request every `interval`; zero switches the limit off.
    pub interval: Duration,
}

impl RateLimit {
    /// `per_second` requests per second, in bursts of up to `burst`.
    pub fn per_second(per_second: u32, burst: u32) -> RateLimit {
        RateLimit {
            burst,
            interval: match per_second {
                0 => Duration::ZERO,
                n => Duration::from_secs(1) / n,
            },
        }
    }
}

impl Default for RateLimit {
    /// 20 requests per second with bursts of 40: far above what a person or a script
    /// voting for one library needs, low enough that one token cannot flood the writer.
    fn default() -> Self {
        RateLimit::per_second(20, 40)
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Credit in nanoseconds.
    credit: u128,
    /// When `credit` was last brought up to date.
    at: Instant,
}

/// The buckets of every key seen since the server started (at most `max_keys`).
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    max_keys: usize,
    buckets: Mutex<HashMap<[u8; 32], Bucket>>,
}

impl RateLimiter {
    /// A limiter with `limit` for every token (keys are bounded by the token book).
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter::bounded(limit, usize::MAX)
    }

    /// A limiter with `limit` for every key that keeps at most `max_keys` buckets.
    pub fn bounded(limit: RateLimit, max_keys: usize) -> RateLimiter {
        RateLimiter {
            limit,
            max_keys: max_keys.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The limit applied.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes one request from `key`'s bucket now, or says in how many whole seconds
    /// (at least one) a request will be allowed again.
    pub fn check(&self, key: &[u8; 32]) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    /// [`RateLimiter::check`] at a given instant (tests drive the clock).
    pub fn check_at(&self, key: &[u8; 32], now: Instant) -> Result<(), u64> {
        let cost = self.limit.interval.as_nanos();
        if cost == 0 {
            return Ok(());
        }
        let capacity = cost.saturating_mul(u128::from(self.limit.burst.max(1)));
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= self.max_keys && !buckets.contains_key(key) {
            // Forget the clients whose buckets have filled up again: they are idle, and a
            // full bucket is what a new one starts with, so nothing is lost.
            buckets.retain(|_, b| {
                b.credit
                    .saturating_add(now.saturating_duration_since(b.at).as_nanos())
                    < capacity
            });
            if buckets.len() >= self.max_keys {
                return Err(1);
            }
        }
        let bucket = buckets.entry(*key).or_insert(Bucket {
            credit: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_nanos();
        bucket.credit = bucket.credit.saturating_add(elapsed).min(capacity);
        bucket.at = bucket.at.max(now);
        if bucket.credit >= cost {
            bucket.credit -= cost;
            return Ok(());
        }
        let seconds = (cost - bucket.credit).div_ceil(1_000_000_000).max(1);
        Err(u64::try_from(seconds).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_empties_only_its_own_bucket_and_refills_at_the_rate() {
        let limiter = RateLimiter::new(RateLimit::per_second(2, 3));
        let start = Instant::now();
        let (a, b) = ([1u8; 32], [2u8; 32]);
        for _ in 0..3 {
            assert_eq!(limiter.check_at(&a, start), Ok(()));
        }
        assert_eq!(limiter.check_at(&a, start), Err(1));
        // Another token is not affected by the first one's burst.
        assert_eq!(limiter.check_at(&b, start), Ok(()));
        // Half a second later one request (rate 2/s) is back, and only one.
        let later = start + Duration::from_millis(500);
        assert_eq!(limiter.check_at(&a, later), Ok(()));
        assert_eq!(limiter.check_at(&a, later), Err(1));
        // Idle for long: the bucket holds at most the burst.
        let much_later = later + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.check_at(&a, much_later), Ok(()));
        }
        assert!(limiter.check_at(&a, much_later).is_err());
    }

    #[test]
    fn retry_after_is_the_wait_for_one_request_in_whole_seconds() {
        let limiter = RateLimiter::new(RateLimit {
            burst: 1,
            interval: Duration::from_secs(90),
        });
        let start = Instant::now();
        let key = [7u8; 32];
        assert_eq!(limiter.check_at(&key, start), Ok(()));
        assert_eq!(limiter.check_at(&key, start), Err(90));
        // 30.5 s later 59.5 s are missing: rounded up.
        assert_eq!(
            limiter.check_at(&key, start + Duration::from_millis(30_500)),
            Err(60)
        );
        assert_eq!(
            limiter.check_at(&key, start + Duration::from_secs(90)),
            Ok(())
        );
    }

    #[test]
    fn a_bounded_limiter_forgets_idle_clients_and_refuses_new_ones_when_all_are_busy() {
        let limiter = RateLimiter::bounded(RateLimit::per_second(1, 1), 2);
        let start = Instant::now();
        let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        assert_eq!(limiter.check_at(&a, start), Ok(()));
        assert_eq!(limiter.check_at(&b, start), Ok(()));
        // Both known clients are still paying off their request: no room for a third.
        assert_eq!(limiter.check_at(&c, start), Err(1));
        // A known client is still served by its own bucket.
        assert_eq!(limiter.check_at(&a, start + Duration::from_secs(1)), Ok(()));
        // Once b's bucket is full again (idle), it is forgotten and c gets room.
        let later = start + Duration::from_millis(1_500);
        assert_eq!(limiter.check_at(&c, later), Ok(()));
        assert_eq!(limiter.check_at(&c, later), Err(1));
        // b comes back as a new client, but a and c are both busy now.
        assert_eq!(limiter.check_at(&b, later), Err(1));
    }

    #[test]
    fn a_zero_interval_switches_the_limit_off() {
        let limiter = RateLimiter::new(RateLimit::per_second(0, 0));
        let now = Instant::now();
        for _ in 0..1000 {
            assert_eq!(limiter.check_at(&[0; 32], now), Ok(()));
        }
    }
}
