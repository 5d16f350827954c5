// The pool's worker threads, one per occupied slot of the control block:
// starting them (minThreads at once, more on demand up to maxThreads),
// replacing those that die, letting idle ones retire, stopping them, and
// giving up when workers keep failing before they serve.
import type { QueueHandle } from '../queue/handle.js';
import { WorkerStartError } from '../errors.js';
import { Kernel } from '../kernel/kernel.js';
import {
  EMPTY, SERVING, STARTING, currentIndex, leaseIndex, stateIndex, takeRecordedLeases, type ControlLayout,
} from './control.js';
import { INIT_KIND, type WorkerInit } from './init.js';
import type { PoolConfig } from './options.js';
import { spawnThread, type ThreadHost } from './thread-host.js';

/** stopForAbort's task for a worker stopped to abort a transfer-lane task (which has no queue id). */
export const STOPPED_FOR_DIRECT = -1;

/** How many workers in a row may stop before serving before the pool gives up. */
const START_FAILURE_LIMIT = 3;

/** What every worker is handed (see init.ts). @internal */
export interface WorkerShared {
  readonly tasks: QueueHandle;
  readonly results: QueueHandle;
  readonly ctl: Int32Array;
  readonly layout: ControlLayout;
  readonly structures: SharedArrayBuffer;
}

/** What the workers tell the pool. @internal */
export interface WorkerEvents {
  /**
   * The worker in `slot` is gone; the CURRENT words of its lanes still say
   * what it was doing. Settle what it leaves behind (and clear those words)
   * before it is replaced. `abortedTask` is the task it was stopped to abort
   * (already rejected; 0: none). A worker that retired (idle) leaves no task
   * behind and is replaced, like any other, only below minThreads or while
   * tasks wait.
   */
  gone(slot: number, abortedTask: number, reason: string, cause: unknown): void;
  /** Workers cannot start: fail everything accepted, and every later run(). */
  broken(error: WorkerStartError): void;
  /** Whether tasks wait that the workers there are would not take soon (so another worker would help). */
  backlogged(): boolean;
  /** Whether the pool still runs workers at all (false once it is closing with nothing left to run). */
  needed(): boolean;
  /** A control message from the worker in `slot` (a broadcast's result). */
  message(slot: number, data: unknown): void;
}

interface WorkerRecord {
  host: ThreadHost | undefined;
  /** Set when the pool stops this worker on purpose (close, or to abort its task). */
  stopping: boolean;
  /** The task this worker was stopped to abort: already rejected, not to be blamed on its death. */
  abortedTask: number;
  /** performance.now() when it was started. */
  readonly since: number;
  /** Replies the pool awaits from it by postMessage (broadcasts, transfer-lane tasks). */
  awaited: number;
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
  /** Milliseconds lived by workers that are gone (for utilization). */
  #goneMs = 0;
  /** Where postToOne starts looking, so that equal loads take turns. */
  #rotate = 0;
  /** This thread's kernels of the two queues, opened when a worker's leases first need ending. */
  #kernels: Kernel[] | undefined;

  /** Starts minThreads workers. */
  constructor(config: PoolConfig, shared: WorkerShared, events: WorkerEvents) {
    this.#config = config;
    this.#shared = shared;
    this.#events = events;
    this.#records = new Array(config.maxThreads).fill(undefined);
    for (let slot = 0; slot < config.minThreads; slot++) this.#spawn(slot);
  }

  /** Workers alive and not being stopped. */
  get alive(): number {
    let n = 0;
    for (const record of this.#records) if (record !== undefined && !record.stopping) n++;
    return n;
  }

  /** Milliseconds lived by every worker so far, the living included. */
  threadMs(now: number): number {
    let ms = this.#goneMs;
    for (const record of this.#records) if (record) ms += now - record.since;
    return ms;
  }

  /**
   * Whether at least `n` lanes will take a task soon without another worker:
   * lanes waiting on the task queue, and every lane of a worker still
   * starting. Stops counting at `n`, so a pool with idle lanes answers after a
   * few loads however many lanes it has.
   */
  readyLanes(n: number): boolean {
    const { ctl, layout } = this.#shared;
    let ready = 0;
    for (let slot = 0; slot < layout.slots && ready < n; slot++) {
      const state = Atomics.load(ctl, stateIndex(slot));
      if (state === STARTING) ready += layout.lanes;
      if (state !== SERVING) continue;
      for (let lane = slot * layout.lanes; lane < (slot + 1) * layout.lanes && ready < n; lane++) {
        if (Atomics.load(ctl, currentIndex(layout, lane)) < 0) ready++; // POPPING: waiting for a task
      }
    }
    return ready >= n;
  }

  /** Starts one more worker if fewer than maxThreads run. */
  grow(): void {
    const slot = this.#records.indexOf(undefined);
    if (slot >= 0) this.#spawn(slot);
  }

  /** Posts a control message to every live worker, each owing a reply; returns their slots. */
  postAll(message: unknown): number[] {
    const slots: number[] = [];
    this.#records.forEach((record, slot) => {
      if (!record || record.stopping || !record.host) return;
      record.host.post(message);
      this.#await(record, 1);
      slots.push(slot);
    });
    return slots;
  }

  /** The worker in `slot` answered a postAll or postToOne message (or will never: it is gone). */
  answered(slot: number): void {
    const record = this.#records[slot];
    if (record) this.#await(record, -1);
  }

  /** While replies are owed, the worker keeps the process alive: nothing else waits for them. */
  #await(record: WorkerRecord, delta: number): void {
    const before = record.awaited;
    record.awaited += delta;
    if ((before === 0) !== (record.awaited === 0)) record.host?.keepAlive(record.awaited > 0);
  }

  /**
   * Posts `message` to one live worker, the one with the fewest transfer-lane
   * tasks (`load(slot)`) outstanding; returns its slot, or -1 if none lives.
   */
  postToOne(message: unknown, transfer: Transferable[], load: (slot: number) => number): number {
    let best = -1;
    let bestLoad = Infinity;
    for (let k = 0; k < this.#records.length; k++) {
      const slot = (this.#rotate + k) % this.#records.length;
      const record = this.#records[slot];
      if (!record || record.stopping || !record.host) continue;
      const l = load(slot);
      if (l < bestLoad) [best, bestLoad] = [slot, l];
    }
    if (best < 0) return -1;
    this.#rotate = (best + 1) % this.#records.length;
    const record = this.#records[best]!;
    record.host!.post(message, transfer);
    this.#await(record, 1);
    return best;
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
    const record: WorkerRecord = {
      host: undefined, stopping: false, abortedTask: 0, since: performance.now(), awaited: 0, gone, markGone,
    };
    this.#records[slot] = record;
    const { ctl, layout } = this.#shared;
    for (let lane = slot * layout.lanes; lane < (slot + 1) * layout.lanes; lane++) {
      Atomics.store(ctl, currentIndex(layout, lane), 0);
    }
    Atomics.store(ctl, leaseIndex(layout, slot, 0), 0);
    Atomics.store(ctl, leaseIndex(layout, slot, 1), 0);
    Atomics.store(ctl, stateIndex(slot), STARTING);
    const config = this.#config;
    const init: WorkerInit = {
      kind: INIT_KIND,
      // First: cloned as if posted alone, before the queues' memories (see handleOf in queue/handle.ts).
      workerData: config.workerData,
      tasks: this.#shared.tasks,
      results: this.#shared.results,
      control: ctl.buffer as SharedArrayBuffer,
      structures: this.#shared.structures,
      layout,
      slot,
      lifeLock: `wasmq.pool:${this.#key}:${slot}:${++this.#generation}`,
      minThreads: config.minThreads,
      idleTimeout: config.idleTimeout,
    };
    record.host = spawnThread(config.worker, init, config, {
      gone: (reason, cause) => this.#onGone(slot, record, reason, cause),
      message: (data) => this.#events.message(slot, data),
    });
  }

  #onGone(slot: number, record: WorkerRecord, reason: string, cause: unknown): void {
    record.markGone();
    if (this.#records[slot] !== record) return;
    this.#endLeases(slot);
    this.#records[slot] = undefined;
    this.#goneMs += performance.now() - record.since;
    const { ctl } = this.#shared;
    const state = Atomics.load(ctl, stateIndex(slot));
    this.#events.gone(slot, record.abortedTask, reason, cause);
    Atomics.store(ctl, stateIndex(slot), EMPTY);
    if (record.stopping && record.abortedTask === 0) return; // stopped by close()
    if (state !== STARTING) {
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
    // Replace it up to minThreads, or beyond while tasks wait for a worker.
    if (this.alive < this.#config.minThreads || this.#events.backlogged()) this.#spawn(slot);
  }

  /**
   * The worker in `slot` is gone for certain: end its leases in both queues,
   * which frees its scratch areas and takes back the waits it was parked in,
   * without waiting for a stall timeout.
   */
  #endLeases(slot: number): void {
    const leases = takeRecordedLeases(this.#shared.ctl, this.#shared.layout, slot);
    if (leases.length === 0) return;
    this.#kernels ??= [this.#shared.tasks, this.#shared.results].map((h) => Kernel.open(h.module, h.memory) as Kernel);
    for (const [queue, index, generation] of leases) this.#kernels[queue].reclaimLease(index, generation);
  }
}
