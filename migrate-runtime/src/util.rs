//! Small helpers shared by the migrator and the backends: backoff with
//! jitter, and quoting statements in one-line messages.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A number in `[0, 1)`, different on every call and in every process:
/// enough to spread the retries of runners that started together.
pub(crate) fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut x = nanos
        ^ (u64::from(std::process::id()) << 32)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // splitmix64 finalizer.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Exponential backoff with jitter: each delay is drawn from
/// `[next / 2, next]`, then `next` grows by half up to `max`.
#[derive(Clone, Debug)]
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub(crate) fn new(first: Duration, max: Duration) -> Self {
        Backoff { next: first, max }
    }

    /// The next delay, never more than `remaining`.
    pub(crate) fn delay(&mut self, remaining: Duration) -> Duration {
        let d = self.next.mul_f64(0.5 + jitter() / 2.0);
        self.next = (self.next.mul_f64(1.5)).min(self.max);
        d.min(remaining)
    }
}

/// The delay before retry number `attempt` (0-based) after a lock timeout:
/// `base * 2^attempt`, at most 30 s, with jitter.
pub(crate) fn retry_delay(base: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.min(16));
    let d = base.saturating_mul(factor).min(Duration::from_secs(30));
    d.mul_f64(0.5 + jitter() / 2.0)
}

/// At most this many characters of a statement are quoted in a message.
const MAX_QUOTED: usize = 300;

/// A statement's text on one line: whitespace collapsed, long text cut.
pub(crate) fn one_line(sql: &str) -> String {
    let mut text = String::new();
    for word in sql.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    match text.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => format!("{} …", &text[..cut]),
        None => text,
    }
}

/// A human duration: `850ms`, `12s`, `3m05s`, `2h10m`.
pub(crate) fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        format!("{}ms", d.as_millis())
    } else if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m", secs / 3600, secs % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_in_range_and_varies() {
        let xs: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(xs.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn backoff_grows_to_its_cap_and_respects_the_remaining_time() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(400));
        let big = Duration::from_secs(10);
        let first = b.delay(big);
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
        for _ in 0..10 {
            assert!(b.delay(big) <= Duration::from_millis(400));
        }
        assert_eq!(b.delay(Duration::from_millis(1)), Duration::from_millis(1));
        let d = retry_delay(Duration::from_millis(100), 3);
        assert!(d >= Duration::from_millis(400) && d <= Duration::from_millis(800));
        assert!(retry_delay(Duration::from_secs(1), 40) <= Duration::from_secs(30));
    }

    #[test]
    fn formats() {
        assert_eq!(one_line("SELECT\n   1,\t2"), "SELECT 1, 2");
        assert!(one_line(&"x ".repeat(400)).ends_with(" …"));
        assert_eq!(human(Duration::from_millis(850)), "850ms");
        assert_eq!(human(Duration::from_secs(12)), "12s");
        assert_eq!(human(Duration::from_secs(185)), "3m05s");
        assert_eq!(human(Duration::from_secs(7800)), "2h10m");
    }
}
