//! A fixed-window attempt counter (login attempts per name), in memory: it
//! guards one process against password guessing; it is not a quota.

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

    /// Counts one attempt for `key`; `Err(seconds)` when over the limit.
    pub fn hit(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Ok(mut seen) = self.seen.lock() else {
            return Ok(());
        };
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_limit_then_forgets() {
        let t = Throttle::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(t.hit("ann", start).is_ok());
        assert!(t.hit("ann", start).is_ok());
        let retry = t
            .hit("ann", start + Duration::from_secs(10))
            .expect_err("limited");
        assert_eq!(retry, 50);
        assert!(t.hit("bob", start).is_ok(), "other keys are separate");
        assert!(t.hit("ann", start + Duration::from_secs(61)).is_ok());
    }
}
