//! Readings that change over time, as exact functions of the clock.
//!
//! Emulated sensors must move (a poller should see new values) and stay
//! reproducible (a test computes the reading it expects for a given
//! instant). A triangle wave in integer arithmetic does both: no floating
//! point, no state, the same value for the same millisecond.

use mctpkit_stack::Millis;

/// A triangle wave between `min` (at `now` = 0, `period`, 2·`period`...)
/// and `max` (at half periods). A period below 2 ms is taken as 2 ms;
/// `max < min` swaps them.
pub fn triangle(now: Millis, period: Millis, min: i64, max: i64) -> i64 {
    let (lo, hi) = if max < min { (max, min) } else { (min, max) };
    let period = period.max(2);
    let half = period / 2;
    let phase = now % period;
    let up = if phase < half { phase } else { period - phase }.min(half);
    let span = i128::from(hi) - i128::from(lo);
    let v = i128::from(lo) + span * i128::from(up) / i128::from(half);
    // Within [lo, hi] by construction.
    v as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rises_then_falls_within_its_bounds() {
        assert_eq!(triangle(0, 1000, 30, 70), 30);
        assert_eq!(triangle(250, 1000, 30, 70), 50);
        assert_eq!(triangle(500, 1000, 30, 70), 70);
        assert_eq!(triangle(750, 1000, 30, 70), 50);
        assert_eq!(triangle(1000, 1000, 30, 70), 30);
        for t in 0..3000 {
            let v = triangle(t, 999, -5, 5);
            assert!((-5..=5).contains(&v), "{t}: {v}");
        }
        assert_eq!(triangle(7, 0, 1, 1), 1);
        assert_eq!(triangle(u64::MAX, 3, i64::MIN, i64::MAX), i64::MIN);
    }
}
