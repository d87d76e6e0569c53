//! When to poll a feed next: its interval after success; after failures, exponential backoff
//! with jitter (capped at a day) so a dead outlet is not hammered and many failing feeds do not
//! retry in lockstep; a server's Retry-After when it is longer.

use std::time::Duration;

const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);
const BASE_BACKOFF: Duration = Duration::from_secs(60);

/// Delay before the next poll. `failures` counts consecutive failures including this one.
pub fn next_delay(interval: Duration, failures: u32, retry_after: Option<Duration>) -> Duration {
    if failures == 0 {
        return interval;
    }
    let exp = BASE_BACKOFF.saturating_mul(1u32 << failures.min(16).saturating_sub(1));
    let backoff = exp.min(MAX_BACKOFF);
    // ±20% jitter.
    let jitter = 0.8 + fastrand::f64() * 0.4;
    let backoff = backoff.mul_f64(jitter).max(interval.min(backoff));
    match retry_after {
        Some(r) => backoff.max(r.min(MAX_BACKOFF)),
        None => backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let i = Duration::from_secs(900);
        assert_eq!(next_delay(i, 0, None), i);
        let d1 = next_delay(i, 1, None);
        let d5 = next_delay(i, 5, None);
        assert!(d1 <= Duration::from_secs(900), "{d1:?}");
        assert!(d5 >= Duration::from_secs(60 * 16 * 8 / 10), "{d5:?}");
        assert!(next_delay(i, 40, None) <= MAX_BACKOFF.mul_f64(1.2));
        assert!(next_delay(i, 1, Some(Duration::from_secs(7200))) >= Duration::from_secs(7200));
    }
}
