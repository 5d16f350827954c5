// The pool's worker threads, one per slot of the control block: starting
// them, replacing those that die, stopping them, and giving up when workers
// keep failing before they serve.
import type { QueueHandle } from '../queue/handle.js';
import { WorkerStartError } from '../errors.js';
import { Kernel } from '../kernel/kernel.js';
import { currentIndex, leaseIndex, startedIndex, takeRecordedLeases, type ControlLayout } from './control.js';
import { INIT_KIND, type WorkerInit } from './init.js';
import type { PoolConfig } from './options.js';
import { spawnThread, type ThreadHost } from './thread-host.js';

/** How many workers in a row may stop before serving before the pool gives up. */
const START_FAILURE_LIMIT = 3;

/** What every worker is handed (see init.ts). @internal */
export interface WorkerShared {
  readonly tasks: QueueHandle;
  readonly results: QueueHandle;
  readonly ctl: Int32Array;
  readonly layout: ControlLayout;
}

/** What the workers tell the pool. @internal */
export interface WorkerEvents {
  /**
   * The worker in `slot` is gone; its CURRENT word still says what it was
   * doing. Settle what it leaves behind (and clear that word) before it is
   * replaced. `abortedTask` is the task it was stopped to abort (already
   * rejected; 0: none).
   */
  gone(slot: number, abortedTask: number, reason: string, cause: unknown): void;
  /** Workers cannot start: fail everything accepted, and every later run(). */
  broken(error: WorkerStartError): void;
  /** Whether a gone worker is still needed (false once the pool is closing with nothing left to run). */
  needed(): boolean;
}

interface WorkerRecord {
  host: ThreadHost | undefined;
  /** Set when the pool stops this worker on purpose (close, or to abort its task). */
  stopping: boolean;
  /** The task this worker was stopped to abort: already rejected, not to be blamed on its death. */
  abortedTask: number;
  readonly gone: Promise<void>;
  markGone: () => void;
}

let poolCount = 0;

/** @internal */
export class Workers {
  readonly #config: PoolConfig;
  readonly #shared: WorkerShared;
  readonly #events: WorkerEvents;
  readonly #records: (WorkerRecord | undefined)[];
  /** Names this pool's life locks apart from other pools' (browsers; see init.ts). */
  readonly #key = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}.${poolCount++}`;
  #generation = 0;
  #startFailures = 0;
  /** This thread's kernels of the two queues, opened when a worker's leases first need ending. */
  #kernels: Kernel[] | undefined;

  /** Starts one worker per slot (config.threads). */
  constructor(config: PoolConfig, shared: WorkerShared, events: WorkerEvents) {
    this.#config = config;
    this.#shared = shared;
    this.#events = events;
    this.#records = new Array(config.threads).fill(undefined);
    for (let slot = 0; slot < config.threads; slot++) this.#spawn(slot);
  }

  /** Workers alive and not being stopped. */
  get alive(): number {
    let n = 0;
    for (const record of this.#records) if (record !== undefined && !record.stopping) n++;
    return n;
  }

  /** Stops the worker in `slot`, which runs `taskId` (already rejected as aborted); it is replaced once gone. */
  stopForAbort(slot: number, taskId: number): void {
    const record = this.#records[slot];
    if (record && !record.stopping) {
      record.stopping = true;
      record.abortedTask = taskId;
      record.host?.terminate();
    }
  }

  /** Stops every worker for good; resolves when all are gone. */
  async stopAll(): Promise<void> {
    const gone: Promise<void>[] = [];
    for (const record of this.#records) {
      if (!record) continue;
      record.stopping = true;
      record.host?.terminate();
      gone.push(record.gone);
    }
    await Promise.all(gone);
  }

  #spawn(slot: number): void {
    let markGone!: () => void;
    const gone = new Promise<void>((resolve) => (markGone = resolve));
    const record: WorkerRecord = { host: undefined, stopping: false, abortedTask: 0, gone, markGone };
    this.#records[slot] = record;
    const { ctl } = this.#shared;
    Atomics.store(ctl, currentIndex(slot), 0);
    Atomics.store(ctl, startedIndex(slot), 0);
    Atomics.store(ctl, leaseIndex(slot, 0), 0);
    Atomics.store(ctl, leaseIndex(slot, 1), 0);
    const init: WorkerInit = {
      kind: INIT_KIND,
      tasks: this.#shared.tasks,
      results: this.#shared.results,
      control: ctl.buffer as SharedArrayBuffer,
      layout: this.#shared.layout,
      slot,
      lifeLock: `wasmq.pool:${this.#key}:${slot}:${++this.#generation}`,
    };
    record.host = spawnThread(this.#config.worker, init, this.#config.resourceLimits, {
      gone: (reason, cause) => this.#onGone(slot, record, reason, cause),
    });
  }

  #onGone(slot: number, record: WorkerRecord, reason: string, cause: unknown): void {
    record.markGone();
    if (this.#records[slot] !== record) return;
    this.#endLeases(slot);
    this.#records[slot] = undefined;
    this.#events.gone(slot, record.abortedTask, reason, cause);
    if (record.stopping && record.abortedTask === 0) return; // stopped by close()
    if (Atomics.load(this.#shared.ctl, startedIndex(slot)) === 1) {
      this.#startFailures = 0;
    } else if (!record.stopping && ++this.#startFailures >= START_FAILURE_LIMIT) {
      this.#events.broken(
        new WorkerStartError(
          `${START_FAILURE_LIMIT} pool workers in a row stopped before serving tasks; the last one ${reason}. ` +
            `Check that the worker URL (${String(this.#config.worker)}) is right and that the file calls serve() from 'wasmq/pool'.`,
          { cause },
        ),
      );
      return;
    }
    if (!this.#events.needed()) return;
    this.#spawn(slot);
  }

  /**
   * The worker in `slot` is gone for certain: end its leases in both queues,
   * which frees its scratch areas and takes back the waits it was parked in,
   * without waiting for a stall timeout.
   */
  #endLeases(slot: number): void {
    const leases = takeRecordedLeases(this.#shared.ctl, slot);
    if (leases.length === 0) return;
    this.#kernels ??= [this.#shared.tasks, this.#shared.results].map((h) => Kernel.open(h.module, h.memory) as Kernel);
    for (const [queue, index, generation] of leases) this.#kernels[queue].reclaimLease(index, generation);
  }
}
