//! Progress of long runs, on stderr: a spinner with the migration running and
//! a count on a terminal (indicatif), one plain line per step otherwise (CI
//! logs), so stdout keeps only the result.

use std::io::{self, IsTerminal};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Reports steps `1..=total` as they start and end.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
}

impl Progress {
    /// A reporter for `total` steps: a bar when stderr is a terminal.
    pub fn new(total: usize) -> Progress {
        let bar = (io::stderr().is_terminal() && total > 0).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} [{pos}/{len}] {elapsed} {wide_msg}")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar, total }
    }

    /// Step `index` (0-based) starts: `what` is e.g. `applying 2024… add_users`.
    pub fn start(&self, index: usize, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(what.to_owned()),
            None => line(&format!("[{}/{}] {what}", index + 1, self.total)),
        }
    }

    /// Step `index` ended: `what` is the outcome (`applied … in 12 ms`).
    pub fn done(&self, index: usize, what: &str) {
        match &self.bar {
            Some(bar) => {
                bar.println(format!("[{}/{}] {what}", index + 1, self.total));
                bar.inc(1);
            }
            None => line(&format!("[{}/{}] {what}", index + 1, self.total)),
        }
    }

    /// Removes the bar (the lines printed above it stay).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A plain line on stderr.
pub fn line(text: &str) {
    crate::output::errln!("{text}");
}

/// A duration for people: `340 ms`, `2.4 s`, `3 min 5 s`.
pub fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} min {} s", ms / 60_000, ms / 1000 % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_millis(340)), "340 ms");
        assert_eq!(human(Duration::from_millis(2400)), "2.4 s");
        assert_eq!(human(Duration::from_secs(185)), "3 min 5 s");
    }
}
