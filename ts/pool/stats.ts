// Pool counters and a window of recent task latencies.

/**
 * A snapshot of a pool's counters ({@link Pool.stats}).
 *
 * @example
 * ```ts
 * import type { Pool, PoolStats } from 'wasmq/pool';
 *
 * declare const pool: Pool;
 * const stats: PoolStats = pool.stats;
 * console.log(`${stats.running} running, ${stats.queued} queued, p99 ${stats.latency.p99.toFixed(2)} ms`);
 * ```
 */
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
  /** run() to settle, in milliseconds, over the last 4096 settled tasks (nearest-rank percentiles); NaN before any. */
  readonly latency: {
    /** The median, in milliseconds. */
    readonly p50: number;
    /** The 99th percentile, in milliseconds. */
    readonly p99: number;
    /** The slowest, in milliseconds. */
    readonly max: number;
    /** How many settled tasks these are over (at most 4096). */
    readonly samples: number;
  };
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
