//! Latency percentiles and the histogram the report draws.

/// Percentiles of one latency measure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    /// How many suggestions had this measure.
    pub count: usize,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

impl Latency {
    /// p50 and p95 of `values` (any order; NaN values are ignored).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut sorted: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        Self {
            count: sorted.len(),
            p50: percentile(&sorted, 50.0),
            p95: percentile(&sorted, 95.0),
        }
    }
}

/// The nearest-rank percentile of ascending `sorted`: the smallest value with at least `p`% of
/// the values at or below it. Always a measured value, never an interpolation between two.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Counts of values in equal-width bins starting at 0.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// Width of one bin in ms (a 1-2-5 step).
    pub bin_ms: f64,
    /// `counts[i]` values fell in `[i * bin_ms, (i + 1) * bin_ms)`; the last bin also holds
    /// everything above the range.
    pub counts: Vec<usize>,
}

impl Histogram {
    /// Bins `values` into at most `max_bins` bins of a round width, covering up to the p99 so a
    /// few stalls do not squash everything else into the first bin.
    pub fn of(values: &[f64], max_bins: usize) -> Self {
        let mut sorted: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .map(|v| v.max(0.0))
            .collect();
        sorted.sort_by(f64::total_cmp);
        let Some(top) = percentile(&sorted, 99.0) else {
            return Self::default();
        };
        let max_bins = max_bins.max(1);
        let bin_ms = round_step(top.max(1.0) / max_bins as f64);
        let bins = ((top / bin_ms).floor() as usize + 1).min(max_bins);
        let mut counts = vec![0; bins];
        for value in sorted {
            let index = ((value / bin_ms).floor() as usize).min(bins - 1);
            counts[index] += 1;
        }
        Self { bin_ms, counts }
    }
}

/// The smallest 1, 2 or 5 × 10^k at or above `raw`.
pub fn round_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        // (values, p50, p95), worked out by hand: rank = ceil(p/100 * n).
        let cases: &[(&[f64], Option<f64>, Option<f64>)] = &[
            (&[], None, None),
            (&[7.0], Some(7.0), Some(7.0)),
            (&[10.0, 20.0], Some(10.0), Some(20.0)),
            (&[30.0, 10.0, 20.0], Some(20.0), Some(30.0)),
            (&[4.0, 1.0, 3.0, 2.0], Some(2.0), Some(4.0)),
            // n = 20: p50 rank 10 → 10th value; p95 rank 19 → 19th value.
            (
                &[
                    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0,
                    15.0, 16.0, 17.0, 18.0, 19.0, 200.0,
                ],
                Some(10.0),
                Some(19.0),
            ),
            (&[5.0, f64::NAN, 1.0], Some(1.0), Some(5.0)),
        ];
        for (values, p50, p95) in cases {
            let latency = Latency::of(values.iter().copied());
            assert_eq!((latency.p50, latency.p95), (*p50, *p95), "{values:?}");
        }
    }

    #[test]
    fn steps_are_one_two_five() {
        let cases = [
            (0.3, 0.5),
            (1.0, 1.0),
            (1.1, 2.0),
            (2.0, 2.0),
            (3.7, 5.0),
            (7.0, 10.0),
            (42.0, 50.0),
            (150.0, 200.0),
            (0.0, 1.0),
        ];
        for (raw, step) in cases {
            assert_eq!(round_step(raw), step, "{raw}");
        }
    }

    #[test]
    fn histogram_bins_up_to_the_p99_and_puts_stalls_in_the_last_bin() {
        let cases: &[(&[f64], usize, f64, &[usize])] = &[
            (&[], 10, 0.0, &[]),
            // top 95 → raw step 9.5 → 10 ms bins, 10 of them.
            (
                &[5.0, 15.0, 15.0, 95.0],
                10,
                10.0,
                &[1, 2, 0, 0, 0, 0, 0, 0, 0, 1],
            ),
            // One value: one bin.
            (&[250.0], 10, 50.0, &[0, 0, 0, 0, 0, 1]),
            // 100 values 1..=100: p99 = 99 → 10 ms bins; 100 lands in the last bin.
        ];
        for (values, max_bins, bin_ms, counts) in cases {
            let histogram = Histogram::of(values, *max_bins);
            assert_eq!(
                histogram.bin_ms,
                if values.is_empty() { 0.0 } else { *bin_ms }
            );
            assert_eq!(histogram.counts, *counts, "{values:?}");
        }
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        let histogram = Histogram::of(&hundred, 10);
        assert_eq!(histogram.bin_ms, 10.0);
        assert_eq!(histogram.counts.len(), 10);
        assert_eq!(histogram.counts.iter().sum::<usize>(), 100);
        // 1..=9 in the first bin; 90..=100 (11 values) in the last.
        assert_eq!(histogram.counts[0], 9);
        assert_eq!(histogram.counts[9], 11);
    }
}
