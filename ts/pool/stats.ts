// Pool counters and a window of recent task latencies.

export interface PoolStats {
  /** Tasks accepted by run() and not yet started by a worker (including those waiting for room). */
  readonly queued: number;
  /** Tasks a worker is running now. */
  readonly running: number;
  /** Tasks that resolved. */
  readonly completed: number;
  /** Tasks that rejected (task threw, worker died, or aborted). */
  readonly failed: number;
  /** Workers alive now (replacements included). */
  readonly threads: number;
  /** run() to settle, in milliseconds, over the last LATENCY_WINDOW settled tasks; NaN before any. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number };
}

/** How many recent latencies the percentiles are computed over. @internal */
export const LATENCY_WINDOW = 4096;

/** A fixed ring of the latest samples: O(1) to record, sorted only when stats are read. @internal */
export class LatencyWindow {
  readonly #samples = new Float64Array(LATENCY_WINDOW);
  #count = 0;

  record(ms: number): void {
    this.#samples[this.#count % LATENCY_WINDOW] = ms;
    this.#count++;
  }

  summary(): PoolStats['latency'] {
    const n = Math.min(this.#count, LATENCY_WINDOW);
    if (n === 0) return { p50: NaN, p99: NaN, max: NaN, samples: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    // Nearest-rank percentile.
    const at = (p: number) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)];
    return { p50: at(0.5), p99: at(0.99), max: sorted[n - 1], samples: n };
  }
}
