//! The clock the CPU time limit reads: the CPU time the running thread has
//! used, as the platform counts CPU time and not time spent waiting. Test
//! classes running in parallel therefore do not spend each other's limit.
//! Where no per-thread CPU clock is available, wall-clock time stands in.

use std::ops::{Add, Sub};
use std::time::Duration;

/// A reading of the running thread's CPU clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CpuInstant(Duration);

impl CpuInstant {
    /// The CPU time the calling thread has used so far.
    #[cfg(unix)]
    pub fn now() -> CpuInstant {
        use nix::time::{ClockId, clock_gettime};
        match clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID) {
            Ok(t) => {
                let secs = u64::try_from(t.tv_sec()).unwrap_or(0);
                let nanos = u32::try_from(t.tv_nsec()).unwrap_or(0);
                CpuInstant(Duration::new(secs, nanos))
            }
            Err(_) => wall_clock(),
        }
    }

    /// Wall-clock time since the first reading, where threads have no CPU
    /// clock of their own.
    #[cfg(not(unix))]
    pub fn now() -> CpuInstant {
        wall_clock()
    }
}

/// Time since the process first read the clock.
fn wall_clock() -> CpuInstant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    CpuInstant(START.get_or_init(std::time::Instant::now).elapsed())
}

impl Add<Duration> for CpuInstant {
    type Output = CpuInstant;

    fn add(self, d: Duration) -> CpuInstant {
        CpuInstant(self.0.saturating_add(d))
    }
}

impl Sub for CpuInstant {
    type Output = Duration;

    fn sub(self, earlier: CpuInstant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

#[cfg(test)]
mod tests {
    use super::CpuInstant;

    #[test]
    fn the_clock_advances_with_work_done_on_this_thread() {
        let start = CpuInstant::now();
        let mut x = 0u64;
        while CpuInstant::now() - start == std::time::Duration::ZERO {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(CpuInstant::now() > start);
    }
}
