// Pool counters, and windows of recent task times: how long run() took to
// settle (latency), how long the handler ran (runTime, measured in the
// worker) and how long the task waited before it ran (waitTime).

/**
 * Percentiles of recent task times, in milliseconds (nearest rank), over the
 * last 4096 settled tasks; NaN before any.
 *
 * @example
 * ```ts
 * import type { Pool, TimeSummary } from 'wasmq/pool';
 *
 * declare const pool: Pool;
 * const run: TimeSummary = pool.stats.runTime;
 * console.log(`run time p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms over ${run.samples} tasks`);
 * ```
 */
export interface TimeSummary {
  /** The median, in milliseconds. */
  readonly p50: number;
  /** The 90th percentile, in milliseconds. */
  readonly p90: number;
  /** The 99th percentile, in milliseconds. */
  readonly p99: number;
  /** The slowest, in milliseconds. */
  readonly max: number;
  /** How many settled tasks these are over (at most 4096). */
  readonly samples: number;
}

/**
 * A snapshot of a pool's counters ({@link Pool.stats}).
 *
 * @example
 * ```ts
 * import type { Pool, PoolStats } from 'wasmq/pool';
 *
 * declare const pool: Pool;
 * const stats: PoolStats = pool.stats;
 * console.log(`${stats.running} running, ${stats.queued} queued, run p99 ${stats.runTime.p99.toFixed(2)} ms`);
 * ```
 */
export interface PoolStats {
  /** Workers alive now (replacements included). */
  readonly threads: number;
  /** Tasks accepted by run() and not yet started by a worker (including those waiting for room). */
  readonly queued: number;
  /** Tasks a worker is running now. */
  readonly running: number;
  /** Tasks that resolved. */
  readonly completed: number;
  /** Tasks that rejected (task threw, worker died, or aborted). */
  readonly failed: number;
  /**
   * How busy the workers have been, 0 to 1: the run time of every task a
   * worker finished, over the time the pool's workers have lived times
   * concurrentTasksPerWorker.
   */
  readonly utilization: number;
  /** How long task functions ran (measured in the worker), for tasks that returned or threw. */
  readonly runTime: TimeSummary;
  /** From run() until a worker started the task: run()'s latency less the run time (so it includes the result's way back). */
  readonly waitTime: TimeSummary;
  /** From run() until it settled, for every settled task. */
  readonly latency: TimeSummary;
}

/** How many recent times the percentiles are computed over. @internal */
export const LATENCY_WINDOW = 4096;

/** A fixed ring of the latest samples: O(1) to record, sorted only when stats are read. @internal */
export class LatencyWindow {
  readonly #samples = new Float64Array(LATENCY_WINDOW);
  #count = 0;

  record(ms: number): void {
    this.#samples[this.#count % LATENCY_WINDOW] = ms;
    this.#count++;
  }

  summary(): TimeSummary {
    const n = Math.min(this.#count, LATENCY_WINDOW);
    if (n === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, samples: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    // Nearest-rank percentile.
    const at = (p: number) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)];
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1], samples: n };
  }
}

/** The pool's task counts and time windows. @internal */
export class PoolMeter {
  readonly latency = new LatencyWindow();
  readonly runTime = new LatencyWindow();
  readonly waitTime = new LatencyWindow();
  completed = 0;
  failed = 0;
  /** Sum of the run times of tasks a worker finished. */
  #runMs = 0;

  /** A task settled `latencyMs` after run(); `runMs` is its handler's run time if a worker ran it to the end (else NaN). */
  settled(ok: boolean, latencyMs: number, runMs: number): void {
    if (ok) this.completed++;
    else this.failed++;
    this.latency.record(latencyMs);
    if (Number.isNaN(runMs)) return;
    this.#runMs += runMs;
    this.runTime.record(runMs);
    this.waitTime.record(Math.max(0, latencyMs - runMs));
  }

  /** Busy share of the workers' lifetime `threadMs`, with `lanes` tasks at once per worker. */
  utilization(threadMs: number, lanes: number): number {
    return threadMs > 0 ? Math.min(1, this.#runMs / (threadMs * lanes)) : 0;
  }
}
