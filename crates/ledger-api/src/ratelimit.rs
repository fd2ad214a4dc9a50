//! The per-token rate limit of the write API: one token bucket per bearer token, in
//! memory.
//!
//! Each token has its own bucket, so a burst from one token empties only its own bucket
//! and never delays another token's requests; the store's writer then takes whatever is
//! queued in one group commit. A bucket holds time credit in whole nanoseconds (integer
//! arithmetic on a monotonic clock): one request costs one `interval`, credit grows with
//! the time that passes, up to `burst` intervals. Only authenticated tokens get a bucket,
//! so the map is bounded by the token book. This module must never look at who the
//! caller is beyond the token's hash, and never sleep: a caller over its rate is told
//! when to come back (429 with `Retry-After`).

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

/// The buckets of every token seen since the server started.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<[u8; 32], Bucket>>,
}

impl RateLimiter {
    /// A limiter with `limit` for every token.
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
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
    fn a_zero_interval_switches_the_limit_off() {
        let limiter = RateLimiter::new(RateLimit::per_second(0, 0));
        let now = Instant::now();
        for _ in 0..1000 {
            assert_eq!(limiter.check_at(&[0; 32], now), Ok(()));
        }
    }
}
