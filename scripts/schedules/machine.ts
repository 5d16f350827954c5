// The machine the scheduler drives: one shared memory holding one queue, and
// N virtual threads, each its own instance of the checking kernel (its own
// globals) running a program. A thread is always paused just before its next
// shared-memory step (or blocked, done or dead); `step(i)` lets thread i
// take exactly one step: the op it is paused at, then its local code up to
// its next step. Everything runs on one JS thread, so each step is atomic.
//
// Programs are generators that yield actions (programs.ts):
//   { call, args }   a kernel export; resumes with its result
//   { local, run }   a JS access to shared memory (an in-place fill or read): one step
//   { wait, since }  block until shared memory changes from what it was at
//                    version `since` (the start of the call that found nothing to
//                    do) → 'changed'; or, for 'busy', until the stall timeout
//                    elapses → 'timeout'
import * as L from '../../ts/kernel/layout.js';
import { planGeometry, writeHeader } from '../../ts/kernel/geometry.js';
import type { CheckingKernel, Site } from './instrument.js';

export interface QueueSpec {
  capacity: number;
  slotBytes: number;
  /** The first position (near 2^32 to cross the wrap). */
  startPos: number;
}

export type Action =
  | { call: string; args: number[] }
  | { local: string; run: () => void; writes: boolean }
  | { wait: 'empty' | 'full' | 'busy'; since: number };
export type Program = Generator<Action, void, any>;

export type Status = 'ready' | 'blocked' | 'done' | 'dead';

/** What a paused thread will do next. */
export type Next = { site: Site; addr: number } | { local: string; writes: boolean };

const STACK_BYTES = 8192;
const UNWINDING = 1;
const REWINDING = 2;

export class VThread {
  status: Status = 'ready';
  next: Next | null = null;
  /** The kernel call it is inside, if any. */
  call: { call: string; args: number[] } | null = null;
  local: { local: string; run: () => void; writes: boolean } | null = null;
  wait: { kind: 'empty' | 'full' | 'busy'; since: number } | null = null;
  rewinding = false;
  program!: Program;
  constructor(
    readonly index: number,
    readonly name: string,
    readonly ex: any,
    readonly stack: number,
  ) {}
}

export class Machine {
  readonly memory: WebAssembly.Memory;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly geometry: ReturnType<typeof planGeometry>;
  readonly threads: VThread[] = [];
  /** Steps taken so far: the machine's clock. */
  clock = 0;
  /** Bumped whenever a step changes shared memory. */
  version = 0;
  #running: VThread | null = null;
  /** Called with each kernel call's result (for --replay's step-by-step print). */
  onReturn: ((t: VThread, call: { call: string; args: number[] }, result: number) => void) | null = null;
  readonly #initial: Uint8Array;
  readonly #queueEnd: number;

  constructor(readonly kernel: CheckingKernel, readonly spec: QueueSpec, threads: number, scratchBytes = 256) {
    this.geometry = planGeometry({
      capacity: spec.capacity, slotBytes: spec.slotBytes, scratchBytes, scratchAreas: threads + 1,
    });
    const g = this.geometry;
    const stacks = Math.ceil(g.totalBytes / 16) * 16;
    const bytes = stacks + (threads + 1) * STACK_BYTES;
    const pages = Math.ceil(bytes / 65536);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.u8 = new Uint8Array(this.memory.buffer);
    this.u32 = new Uint32Array(this.memory.buffer);
    writeHeader(this.memory, g, { maxMessageBytes: g.capacity * g.slotBytes, stallTimeoutMs: 0, codecId: L.CODEC_BYTES });
    const instance = (i: number) => new WebAssembly.Instance(kernel.module, {
      env: { memory: this.memory },
      check: { step: (site: number, ptr: number, offset: number) => this.#hook(i, site, ptr, offset) },
    }).exports;
    for (let i = 0; i < threads; i++) this.threads.push(new VThread(i, `T${i}`, instance(i), stacks + i * STACK_BYTES));
    this.harness = instance(threads);
    const status = this.harness.init(spec.startPos >>> 0);
    if (status !== L.ATTACH_OK) throw new Error(`checker: init refused the geometry (status ${status})`);
    this.#queueEnd = g.totalBytes;
    this.#initial = this.u8.slice(0, this.#queueEnd);
  }

  /** The unscheduled instance (its steps are not hooked): the final drain and the checks' reads. */
  readonly harness: any;

  /** Back to the freshly initialised queue, with these programs. */
  reset(programs: ((t: VThread) => Program)[]): void {
    this.u8.set(this.#initial, 0);
    this.u8.fill(0, this.#queueEnd);
    this.clock = 0;
    this.version = 0;
    this.harness.attach();
    for (const t of this.threads) {
      // A kernel trap in the last schedule can leave an instance mid-unwind or mid-rewind.
      const state = t.ex.asyncify_get_state();
      if (state === UNWINDING) t.ex.asyncify_stop_unwind();
      if (state === REWINDING) t.ex.asyncify_stop_rewind();
      t.ex.attach();
      t.status = 'ready';
      t.next = t.call = t.local = t.wait = null;
      t.rewinding = false;
    }
    this.threads.forEach((t, i) => {
      t.program = programs[i](t);
      this.#proceed(t, undefined);
    });
  }

  /** Scratch area of thread i (the harness's is the last). */
  scratch(i: number): number {
    return this.geometry.scratchOffset + i * this.geometry.scratchBytes;
  }

  runnable(): number[] {
    const out: number[] = [];
    for (const t of this.threads) if (t.status === 'ready') out.push(t.index);
    return out;
  }

  /** Thread i takes one step. Returns whether shared memory changed. */
  step(i: number): boolean {
    const t = this.threads[i];
    if (t.status !== 'ready' || !t.next) throw new Error(`checker: ${t.name} is ${t.status}, not ready`);
    this.clock++;
    let changed: boolean;
    if ('local' in t.next) {
      const local = t.local!;
      t.local = null;
      t.next = null;
      local.run();
      changed = local.writes;
      this.#proceed(t, undefined);
    } else {
      const { addr, site } = t.next;
      // Loads, waits and notifies change nothing; a bulk op counts as a change;
      // a word write (store, RMW, cmpxchg) did if the word's bytes differ after it.
      const word = site.kind === 'store' || site.kind === 'rmw' || site.kind === 'cmpxchg';
      const before = word ? this.u8.slice(addr, addr + site.bytes) : null;
      t.rewinding = true;
      t.next = null;
      const result = this.#invoke(t);
      if (result !== PAUSED) this.#returned(t, result);
      changed = before ? !sameBytes(before, this.u8, addr) : site.kind === 'copy' || site.kind === 'fill';
    }
    if (changed) {
      this.version++;
      this.#wake();
    }
    return changed;
  }

  /** Kills thread i: it never takes another step. */
  kill(i: number): void {
    const t = this.threads[i];
    t.status = 'dead';
    t.next = null;
  }

  /** The stall timeout elapses: every thread waiting on a BUSY result goes on, to reclaim. */
  timePasses(): number {
    let n = 0;
    for (const t of this.threads) {
      if (t.status === 'blocked' && t.wait!.kind === 'busy') {
        n++;
        t.status = 'ready';
        t.wait = null;
        this.#proceed(t, 'timeout');
      }
    }
    return n;
  }

  /** Threads blocked on a BUSY result (they would reclaim once the stall timeout elapses). */
  busyWaiters(): number {
    return this.threads.filter((t) => t.status === 'blocked' && t.wait!.kind === 'busy').length;
  }

  #wake(): void {
    for (const t of this.threads) {
      if (t.status === 'blocked' && t.wait!.since < this.version) {
        t.status = 'ready';
        t.wait = null;
        this.#proceed(t, 'changed');
      }
    }
  }

  /** Runs t's program until its next step, or until it blocks or ends. */
  #proceed(t: VThread, value: unknown): void {
    for (;;) {
      const r = t.program.next(value);
      if (r.done) {
        t.status = 'done';
        return;
      }
      const a = r.value;
      if ('wait' in a) {
        // Memory changed since the call looked: it may be out of date, so go on at once (a spinning thread retries).
        if (a.since < this.version) { value = 'changed'; continue; }
        t.status = 'blocked';
        t.wait = { kind: a.wait, since: a.since };
        return;
      }
      if ('local' in a) {
        t.local = a;
        t.next = { local: a.local, writes: a.writes };
        return;
      }
      t.call = a;
      const result = this.#invoke(t);
      if (result === PAUSED) return;
      this.onReturn?.(t, a, result);
      t.call = null;
      value = result;
    }
  }

  #returned(t: VThread, result: number): void {
    this.onReturn?.(t, t.call!, result);
    t.call = null;
    this.#proceed(t, result);
  }

  /** Enters (or re-enters, to rewind) t's current call; returns its result, or PAUSED at the next step. */
  #invoke(t: VThread): number | typeof PAUSED {
    const { ex } = t;
    if (t.rewinding) ex.asyncify_start_rewind(t.stack);
    this.#running = t;
    let result: number;
    try {
      result = ex[t.call!.call](...t.call!.args);
    } finally {
      this.#running = null;
    }
    if (ex.asyncify_get_state() === UNWINDING) {
      ex.asyncify_stop_unwind();
      return PAUSED;
    }
    if (t.rewinding) throw new Error(`checker: ${t.name} returned from ${t.call!.call} without rewinding`);
    return result;
  }

  #hook(index: number, site: number, ptr: number, offset: number): number {
    const t = this.#running;
    if (!t) return ptr; // unscheduled: set-up, the final drain
    if (t.index !== index) throw new Error('checker: a step hook ran in a thread that is not running');
    if (t.rewinding) {
      // Back at the step this thread paused before: stop rewinding; the op runs now.
      t.ex.asyncify_stop_rewind();
      t.rewinding = false;
      return ptr;
    }
    // A new step: pause before it.
    t.next = { site: this.kernel.sites[site], addr: (ptr >>> 0) + offset };
    this.u32[t.stack >> 2] = t.stack + 8;
    this.u32[(t.stack >> 2) + 1] = t.stack + STACK_BYTES;
    t.ex.asyncify_start_unwind(t.stack);
    return ptr;
  }
}

const PAUSED = Symbol('paused');

function sameBytes(a: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[at + i]) return false;
  return true;
}
