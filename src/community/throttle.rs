//! A fixed-window counter per key, in memory and per process: failed logins
//! per name (guessing), and rate limits (posts per account, activities per
//! remote server). A limit of 0 is no limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Throttle {
    window: Duration,
    max: u32,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    pub fn new(max: u32, window: Duration) -> Throttle {
        Throttle {
            window,
            max,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one use of `key`, or `Err(seconds to wait)` when it has used
    /// up its window (and then does not count it).
    pub fn take(&self, key: &str, now: Instant) -> Result<(), u64> {
        self.check(key, now)?;
        self.fail(key, now);
        Ok(())
    }

    /// `Err(seconds to wait)` when `key` has used up its failures.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        if self.max == 0 {
            return Ok(());
        }
        let Ok(seen) = self.seen.lock() else {
            return Ok(());
        };
        match seen.get(key) {
            Some((start, count))
                if now.duration_since(*start) < self.window && *count >= self.max =>
            {
                let left = self.window.saturating_sub(now.duration_since(*start));
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one failure for `key`.
    pub fn fail(&self, key: &str, now: Instant) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_allowed_failures_then_forgets() {
        let t = Throttle::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(t.check("ann", start).is_ok());
        t.fail("ann", start);
        assert!(t.check("ann", start).is_ok());
        t.fail("ann", start);
        let retry = t
            .check("ann", start + Duration::from_secs(10))
            .expect_err("limited");
        assert_eq!(retry, 50);
        assert!(t.check("bob", start).is_ok(), "other keys are separate");
        assert!(t.check("ann", start + Duration::from_secs(61)).is_ok());
    }
}
