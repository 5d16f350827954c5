// The scheduler: which thread takes the next step. Three ways to choose:
//   exhaustive   every schedule with at most `bound` preemptions (CHESS):
//                a stateless depth-first search that re-runs the scenario
//                from the start for each schedule, so nothing but the choice
//                stack is kept. A switch away from a thread that is blocked
//                or done is free; only switching away from a runnable thread
//                counts. With no bound, sleep sets prune schedules that only
//                reorder independent steps (different words, or two loads).
//   pct          random schedules by Burckhardt et al.'s PCT: random thread
//                priorities and depth-1 random priority change points.
//   replay       one given schedule.
// Besides "thread i steps", a choice can be "kill thread v" (once, for the
// scenario's victim) and "the stall timeout elapses now" (for scenarios with
// slow threads). When every live thread is blocked, the timeout elapses by
// itself: time in the checker is virtual.
import * as L from '../../ts/kernel/layout.js';
import type { Machine, VThread } from './machine.js';
import { Log } from './programs.js';
import { check, type Verdict } from './properties.js';
import type { Scenario } from './scenarios.js';

/** A choice: a thread index, 'K' + index (kill), or 'T' (the stall timeout elapses early). */
export type Choice = string;

export interface RunResult {
  schedule: Choice[];
  verdict: Verdict;
  steps: number;
}

interface Node {
  options: Choice[];
  tried: Set<Choice>;
  chosen: Choice;
  /** Preemptions used before this node. */
  preemptions: number;
  current: number;
  /** Sleep set on entry (exhaustive, unbounded). */
  sleep: Map<Choice, Access>;
  access: Map<Choice, Access>;
}

interface Access {
  addr: number;
  bytes: number;
  writes: boolean;
}

const MAX_STEPS = 4000;

/** Runs one schedule: `pick` chooses among the options at each point. */
export function runSchedule(
  m: Machine,
  sc: Scenario,
  pick: (options: Choice[], current: number, m: Machine) => Choice,
): RunResult {
  const log = new Log(m.threads.length);
  m.reset(sc.threads.map((f) => f(m, log)));
  const schedule: Choice[] = [];
  let current = -1;
  let killed = false;
  let ticks = sc.slowTicks ?? 0;
  let heldByDead = 0;
  let idleVersion = -1;
  const fail = (why: string): RunResult => ({ schedule, verdict: { ok: false, problems: [why] }, steps: m.clock });
  for (;;) {
    if (m.clock > MAX_STEPS) return fail(`no end after ${MAX_STEPS} steps: a livelock`);
    const runnable = m.runnable();
    if (runnable.length === 0) {
      if (m.busyWaiters() === 0) break;
      // Every live thread waits, some on a cell held by a thread that will
      // not finish: the stall timeout elapses. If the last one changed
      // nothing, waiting longer cannot help either: the queue is wedged.
      if (idleVersion === m.version) {
        return fail(`every live thread waits on a BUSY cell that reclaiming does not free: ${describeWaits(m)}`);
      }
      if (sc.victim === undefined && !sc.slowTicks) {
        return fail(`a thread waits on a BUSY cell while no thread is inside an operation: ${describeWaits(m)}`);
      }
      idleVersion = m.version;
      m.timePasses();
      continue;
    }
    const options: Choice[] = runnable.map(String);
    if (sc.victim !== undefined && !killed && m.threads[sc.victim].status !== 'done' && m.threads[sc.victim].status !== 'dead') {
      options.push(`K${sc.victim}`);
    }
    if (ticks > 0 && m.busyWaiters() > 0) options.push('T');
    const c = pick(options, current, m);
    schedule.push(c);
    try {
      if (c === 'T') {
        ticks--;
        m.timePasses();
      } else if (c[0] === 'K') {
        killed = true;
        const v = m.threads[Number(c.slice(1))];
        heldByDead = heldBy(v, log);
        m.kill(v.index);
      } else {
        current = Number(c);
        m.step(current);
      }
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) return fail(`the kernel trapped: ${e.message}`);
      throw e;
    }
  }
  // Reads are reclaimed from live threads only where the stall timeout may
  // elapse while one is mid-operation (slowTicks); otherwise only what a
  // killed consumer held is reclaimed, and that is already allowed for.
  const verdict = check(m, log, { linearizable: sc.linearizable, heldByDead, liveReclaims: (sc.slowTicks ?? 0) > 0 });
  return { schedule, verdict, steps: m.clock };
}

/** How many messages a thread killed now takes with it: those it took and has not released. */
function heldBy(t: VThread, log: Log): number {
  return log.holding.get(t.index) ?? (t.call?.call === 'tryPop' ? 1 : 0);
}

function describeWaits(m: Machine): string {
  return m.threads.map((t) => `${t.name} ${t.status}${t.wait ? ` (${t.wait.kind})` : ''}`).join(', ');
}

export interface SearchResult {
  explored: number;
  violations: RunResult[];
  /** Schedules cut short because a sleep set showed them equivalent to one already explored. */
  pruned: number;
  complete: boolean;
}

/** Every schedule of `sc` with at most `bound` preemptions (Infinity: all, with sleep sets). */
export function exhaustive(m: Machine, sc: Scenario, bound: number, opts: { maxSchedules?: number; stopAtFirst?: boolean; progress?: (n: number) => void } = {}): SearchResult {
  const stack: Node[] = [];
  const result: SearchResult = { explored: 0, violations: [], pruned: 0, complete: true };
  const sleepy = bound === Infinity;
  for (;;) {
    let depth = 0;
    let run: RunResult | null = null;
    try {
      run = runSchedule(m, sc, (options, current, mm) => {
      let node = stack[depth];
      if (!node) {
        const before = stack[depth - 1];
        const preemptions = before ? before.preemptions + cost(before, before.chosen) : 0;
        // The next step of each option, for sleep sets (only the unbounded search uses them).
        const access = sleepy ? new Map(options.map((o) => [o, accessOf(mm, o)] as const)) : NO_ACCESS;
        const sleep = new Map<Choice, Access>();
        if (sleepy && before) {
          // Inherit the parent's sleep set and the siblings explored before, minus what conflicts with the step taken.
          const taken = before.access.get(before.chosen)!;
          for (const [o, a] of [...before.sleep, ...[...before.tried].filter((o) => o !== before.chosen).map((o) => [o, before.access.get(o)!] as const)]) {
            if (options.includes(o) && independent(a, taken)) sleep.set(o, a);
          }
        }
        const awake = options.filter((o) => !sleep.has(o));
        const first = awake.includes(String(current)) ? String(current) : awake[0];
        if (!first) throw PRUNED; // every option asleep: equivalent to a schedule already explored
        node = { options, tried: new Set([first]), chosen: first, preemptions, current, sleep, access };
        stack.push(node);
      }
      depth++;
      return node.chosen;
      });
    } catch (e) {
      if (e !== PRUNED) throw e;
    }
    stack.length = depth;
    if (!run) result.pruned++;
    else {
      result.explored++;
      if (!run.verdict.ok) {
        result.violations.push(run);
        if (opts.stopAtFirst) return { ...result, complete: false };
      }
    }
    if (result.explored % 500 === 0) opts.progress?.(result.explored);
    if (opts.maxSchedules && result.explored >= opts.maxSchedules) return { ...result, complete: false };
    // Backtrack to the deepest node with an untried option within the bound.
    for (;;) {
      const node = stack[stack.length - 1];
      if (!node) return result;
      const next = node.options.find((o) => !node.tried.has(o) && !node.sleep.has(o) && node.preemptions + cost(node, o) <= bound);
      if (next !== undefined) {
        node.tried.add(next);
        node.chosen = next;
        break;
      }
      stack.pop();
    }
  }
}

const PRUNED = Symbol('pruned');
const NO_ACCESS = new Map<Choice, Access>();

/** Choosing `o` at `node` preempts when the thread that ran last could have gone on. */
function cost(node: Node, o: Choice): number {
  if (o === 'T' || o[0] === 'K') return 0;
  const cur = String(node.current);
  return node.current >= 0 && o !== cur && node.options.includes(cur) ? 1 : 0;
}

function accessOf(m: Machine, o: Choice): Access {
  if (o === 'T' || o[0] === 'K') return { addr: -1, bytes: 0, writes: true };
  const next = m.threads[Number(o)].next!;
  if ('local' in next) return { addr: -1, bytes: 0, writes: true };
  const k = next.site.kind;
  if (k === 'copy' || k === 'fill') return { addr: -1, bytes: 0, writes: true };
  return { addr: next.addr, bytes: next.site.bytes, writes: k !== 'load' && k !== 'notify' };
}

/** Two steps commute: they touch disjoint bytes, or both only read. addr -1: touches anything. */
function independent(a: Access, b: Access): boolean {
  if (a.addr < 0 || b.addr < 0) return false;
  if (!a.writes && !b.writes) return true;
  return a.addr + a.bytes <= b.addr || b.addr + b.bytes <= a.addr;
}

/** `runs` random PCT schedules of depth `depth` (seeded). */
export function pct(m: Machine, sc: Scenario, runs: number, depth: number, seed: number): SearchResult & { seed: number } {
  const rng = mulberry32(seed);
  const result = { explored: 0, violations: [] as RunResult[], pruned: 0, complete: false, seed };
  let length = 200; // estimated steps per run, refined as runs finish
  for (let r = 0; r < runs; r++) {
    const n = m.threads.length;
    const prio = shuffle(Array.from({ length: n }, (_, i) => depth + i), rng);
    const changes = Array.from({ length: depth - 1 }, () => 1 + Math.floor(rng() * length));
    const killAt = sc.victim !== undefined ? Math.floor(rng() * length) : -1;
    const tickAt = sc.slowTicks ? Math.floor(rng() * length) : -1;
    let k = 0;
    const run = runSchedule(m, sc, (options) => {
      k++;
      if (killAt >= 0 && k >= killAt && options.some((o) => o[0] === 'K')) return options.find((o) => o[0] === 'K')!;
      if (tickAt >= 0 && k >= tickAt && options.includes('T')) return 'T';
      const threads = options.filter((o) => o !== 'T' && o[0] !== 'K');
      let best = threads[0];
      for (const o of threads) if (prio[Number(o)] > prio[Number(best)]) best = o;
      const i = changes.indexOf(k);
      if (i >= 0) prio[Number(best)] = i; // a change point: the running thread drops below every other
      return best;
    });
    length = Math.max(length, run.steps);
    result.explored++;
    if (!run.verdict.ok) result.violations.push(run);
  }
  return result;
}

/** Runs exactly `schedule`; `show` gets a line per step. */
export function replay(m: Machine, sc: Scenario, schedule: Choice[], show: (line: string) => void): RunResult {
  let i = 0;
  m.onReturn = (t, call, result) => show(`        ${t.name} ${call.call}(${call.args.join(', ')}) → ${result}`);
  try {
    return runSchedule(m, sc, (options) => {
      const c = schedule[i++];
      if (c === undefined || !options.includes(c)) {
        throw new Error(`replay: step ${i} of the schedule is ${c ?? 'missing'}, but the options here are ${options.join(' ')}`);
      }
      show(`${String(i).padStart(5)} ${describeChoice(m, c)}`);
      return c;
    });
  } finally {
    m.onReturn = null;
  }
}

function describeChoice(m: Machine, c: Choice): string {
  if (c === 'T') return 'the stall timeout elapses';
  if (c[0] === 'K') return `${m.threads[Number(c.slice(1))].name} is killed`;
  const t = m.threads[Number(c)];
  const next = t.next!;
  if ('local' in next) return `${t.name} ${next.local}`;
  return `${t.name} ${next.site.kind}${next.site.bytes ? next.site.bytes * 8 : ''} ${addressName(m, next.addr)} in ${t.call?.call}`;
}

/** A schedule as a short string: runs of one choice as choice*count. */
export function encodeSchedule(s: Choice[]): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j < s.length && s[j] === s[i]) j++;
    out.push(j - i > 1 ? `${s[i]}*${j - i}` : s[i]);
    i = j;
  }
  return out.join('.');
}

export function decodeSchedule(text: string): Choice[] {
  return text.split('.').flatMap((t) => {
    const [c, n] = t.split('*');
    return Array(n ? Number(n) : 1).fill(c);
  });
}

export function addressName(m: Machine, addr: number): string {
  const g = m.geometry;
  for (const [name, value] of Object.entries(L)) {
    if (name.startsWith('OFF_') && value === addr) return name.slice(4);
  }
  if (addr >= g.cellsOffset && addr < g.cellsOffset + g.capacity * 8) return `cell[${(addr - g.cellsOffset) >> 3}]${addr & 7 ? '.info' : ''}`;
  if (addr >= g.dataOffset && addr < g.dataOffset + g.capacity * g.slotBytes) return `data[${Math.floor((addr - g.dataOffset) / g.slotBytes)}]`;
  if (addr >= g.scratchOffset) return `scratch+${addr - g.scratchOffset}`;
  return `@${addr}`;
}

function mulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
