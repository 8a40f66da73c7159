//! 95% bootstrap intervals of a mean: seeded, so the same scores always give the same interval
//! and two runs' reports can be compared line by line.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Resamples per interval: enough that the 2.5% and 97.5% percentiles move by well under a
/// percentage point between seeds.
pub const RESAMPLES: usize = 2_000;
/// The seed every report uses.
pub const SEED: u64 = 0x7a4d_e3a1;

/// A mean with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The mean of `values` and the 2.5th/97.5th percentiles of the means of `resamples` samples
/// drawn with replacement; `None` when there are no values.
pub fn mean_interval(values: &[f64], resamples: usize, seed: u64) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    let mean = mean(values);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = values.len();
    let mut means: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            let sum: f64 = (0..n).map(|_| values[rng.random_range(0..n)]).sum();
            sum / n as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    Some(Interval {
        mean,
        ci_low: percentile(&means, 0.025),
        ci_high: percentile(&means, 0.975),
    })
}

/// The arithmetic mean (0 for no values).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The `q` quantile of sorted values, interpolating linearly between neighbours.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        len => {
            let rank = q.clamp(0.0, 1.0) * (len - 1) as f64;
            let below = rank.floor() as usize;
            let above = (below + 1).min(len - 1);
            let weight = rank - below as f64;
            sorted[below] + (sorted[above] - sorted[below]) * weight
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_values_have_no_interval() {
        assert_eq!(mean_interval(&[], RESAMPLES, SEED), None);
    }

    #[test]
    fn constant_values_have_a_zero_width_interval() {
        for values in [vec![1.0], vec![0.0; 7], vec![0.25; 40]] {
            let got = mean_interval(&values, RESAMPLES, SEED).expect("an interval");
            assert_eq!(
                (got.ci_low, got.mean, got.ci_high),
                (values[0], values[0], values[0])
            );
        }
    }

    #[test]
    fn the_interval_is_deterministic_for_a_seed_and_moves_with_it() {
        let values: Vec<f64> = (0..50).map(|i| f64::from(i % 3 == 0)).collect();
        let a = mean_interval(&values, RESAMPLES, SEED);
        let b = mean_interval(&values, RESAMPLES, SEED);
        let c = mean_interval(&values, RESAMPLES, SEED + 1);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_interval_brackets_the_mean_and_matches_the_normal_approximation() {
        // 30 successes in 100: the standard error is sqrt(.3 * .7 / 100) ≈ 0.0458, so a 95%
        // interval is about ±0.09 around 0.3.
        let values: Vec<f64> = (0..100).map(|i| f64::from(i < 30)).collect();
        let got = mean_interval(&values, RESAMPLES, SEED).expect("an interval");
        assert!((got.mean - 0.3).abs() < 1e-12);
        assert!(got.ci_low <= got.mean && got.mean <= got.ci_high, "{got:?}");
        let half = (0.3f64 * 0.7 / 100.0).sqrt() * 1.96;
        assert!((got.ci_low - (0.3 - half)).abs() < 0.02, "{got:?}");
        assert!((got.ci_high - (0.3 + half)).abs() < 0.02, "{got:?}");
    }

    #[test]
    fn more_tasks_give_a_narrower_interval() {
        let few: Vec<f64> = (0..20).map(|i| f64::from(i % 2 == 0)).collect();
        let many: Vec<f64> = (0..400).map(|i| f64::from(i % 2 == 0)).collect();
        let width = |v: &[f64]| {
            let i = mean_interval(v, RESAMPLES, SEED).expect("an interval");
            i.ci_high - i.ci_low
        };
        assert!(width(&many) < width(&few) / 3.0);
    }

    #[test]
    fn percentiles_interpolate_between_sorted_values() {
        let sorted = [0.0, 10.0, 20.0, 30.0, 40.0];
        let cases = [
            (0.0, 0.0),
            (0.5, 20.0),
            (0.95, 38.0),
            (1.0, 40.0),
            (0.125, 5.0),
        ];
        for (q, want) in cases {
            assert!((percentile(&sorted, q) - want).abs() < 1e-9, "q = {q}");
        }
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(percentile(&[7.0], 0.95), 7.0);
    }
}
