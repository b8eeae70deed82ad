//! The emulator's clock: milliseconds since it started, the time base of
//! every endpoint's stack and of its sensors' readings.

use std::time::{Duration, Instant};

use mctpkit_stack::Millis;

/// Milliseconds since `start`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
}

impl Clock {
    /// A clock starting now.
    pub fn start() -> Clock {
        Clock {
            start: Instant::now(),
        }
    }

    /// Milliseconds since the start.
    pub fn now(&self) -> Millis {
        self.start.elapsed().as_millis() as Millis
    }

    /// How long to sleep until `deadline` (a stack's `poll_timeout`): zero
    /// when it has passed, an hour when there is none.
    pub fn until(&self, deadline: Option<Millis>) -> Duration {
        match deadline {
            Some(at) => Duration::from_millis(at.saturating_sub(self.now())),
            None => Duration::from_secs(3600),
        }
    }
}
