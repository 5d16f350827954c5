// Summary statistics of benchmark samples.

/** The q-quantile (0..1) of sorted numbers, interpolating linearly between ranks. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Median, min, max and relative interquartile range (IQR / median) of samples. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const median = quantile(sorted, 0.5);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  return {
    median,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    rIQR: median === 0 ? 0 : iqr / Math.abs(median),
    n: sorted.length,
  };
}

/** Latency percentiles of one round's round-trip times (any unit). */
export function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), p999: quantile(sorted, 0.999) };
}
