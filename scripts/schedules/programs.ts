// What the virtual threads run: producers and consumers written the way the
// bindings drive the kernel (ts/queue/*), one kernel call at a time, and the
// log they keep for the checks (properties.ts, linearizability.ts).
//
// A message is identified by its producer and index (id = producer * 256 +
// index); its bytes are [producer, index, checksum bytes...] so that a torn or
// misplaced copy is caught. A try call that finds no room or no message
// blocks until shared memory changes (a spinning thread in the real queue);
// one that finds a BUSY cell also gives up after the stall timeout, which
// only the scheduler lets elapse, and reclaims, as ts/queue/stall.ts does.
import * as L from '../../ts/kernel/layout.js';
import type { Action, Machine, Program, VThread } from './machine.js';

const EMPTY = -L.R_EMPTY, CLOSED = -L.R_CLOSED, FULL = -L.R_FULL, BUSY = -L.R_BUSY;
const TWO_32 = 2 ** 32;

export type OpKind = 'push' | 'pop' | 'close' | 'withdraw';
export type OpResult = 'ok' | 'full' | 'empty' | 'closed';

/** One completed operation, for the linearizability check: invoked at `call`, returned at `ret` (machine clock). */
export interface Op {
  thread: number;
  kind: OpKind;
  /** push: the messages it pushed (ok) or the one that did not fit (full); pop: what it got, in order;
   *  withdraw: one entry, minus the cells of the claim given back (it holds them until a consumer skips it). */
  msgs: number[];
  result: OpResult;
  call: number;
  ret: number;
}

export class Log {
  readonly ops: Op[] = [];
  /** Pushes that completed (the producer was told so). */
  readonly pushed = new Set<number>();
  /** Every message a producer tried to push (completed or not): id → length. */
  readonly lengths = new Map<number, number>();
  /** What each consumer got, in order (index = thread; the final drain is last). */
  readonly received: number[][] = [];
  readonly torn: string[] = [];
  /** Messages a live consumer lost because it was taken for dead: its two-phase pop's claim was
   *  reclaimed (readLength or releaseRead failed), or a message of its take was reclaimed before it read it. */
  liveReclaimed = 0;
  /** Per thread: inside a pop (between its take and its release) right now. */
  readonly holding = new Map<number, number>();
  constructor(threads: number) {
    for (let i = 0; i <= threads; i++) this.received.push([]);
  }
}

export const idOf = (producer: number, index: number) => producer * 256 + index;
const byteAt = (id: number, k: number) => (k === 0 ? id >> 8 : k === 1 ? id & 255 : ((id >> 8) * 31 + (id & 255) * 17 + k * 7) & 255);

export function writeMessage(u8: Uint8Array, at: number, id: number, len: number): void {
  for (let k = 0; k < len; k++) u8[at + k] = byteAt(id, k);
}

/** Checks the message in u8[at, at + len) (possibly wrapping at the ring's end); records it for `thread`. */
export function receive(m: Machine, log: Log, thread: number, at: number, len: number, wrap = false): void {
  const r = inspect(m, thread, at, len, wrap, log);
  if (r.torn) log.torn.push(r.torn);
  log.received[thread].push(r.id);
}

/** Reads the message in u8[at, at + len): its id, and a description if it is not intact. */
function inspect(m: Machine, thread: number, at: number, len: number, wrap: boolean, log: Log): { id: number; torn?: string } {
  const byte = (k: number) => m.u8[wrap ? ringByte(m, at, k) : at + k];
  const id = byte(0) * 256 + byte(1);
  const want = log.lengths.get(id);
  let ok = want === len;
  for (let k = 0; ok && k < len; k++) ok = byte(k) === byteAt(id, k);
  if (ok) return { id };
  const bytes = Array.from({ length: len }, (_, k) => byte(k)).join(',');
  return { id, torn: `T${thread} got ${len} bytes [${bytes}]: not an intact message (id ${id >> 8}:${id & 255}, pushed length ${want})` };
}

export interface ProducerPlan {
  /** Lengths of this producer's messages, in order. */
  lengths: number[];
  via: 'push' | 'claimWrite' | 'pushBatch' | 'claimMany';
  /** claimMany: give the first claim back, as a fill that throws does (withdrawMany). */
  withdrawFirst?: boolean;
}

export type Factory = (m: Machine, log: Log) => (t: VThread) => Program;

const call = (name: string, ...args: number[]): Action => ({ call: name, args });

/** Blocks on `r` (FULL, EMPTY or BUSY, from a call that began at memory version `since`); after a stall timeout on BUSY, reclaims with `reclaim`. */
function* waitOn(r: number, since: number, reclaim: 'reclaimWrite' | 'reclaimRead'): Generator<Action, void, any> {
  if (r !== BUSY) {
    yield { wait: r === FULL ? 'full' : 'empty', since };
    return;
  }
  const pos: number = yield call('stallPosition');
  if ((yield { wait: 'busy', since }) === 'timeout') yield call(reclaim, pos >>> 0);
}

export function producer(plan: ProducerPlan): Factory {
  return (m, log) => (t) => run(m, log, t, plan);
}

function* run(m: Machine, log: Log, t: VThread, plan: ProducerPlan): Program {
  const me = t.index;
  const ids = plan.lengths.map((len, i) => {
    log.lengths.set(idOf(me, i), len);
    return idOf(me, i);
  });
  const src = m.scratch(me);
  const op = (msgs: number[], result: OpResult, call: number) =>
    log.ops.push({ thread: me, kind: 'push', msgs, result, call, ret: m.clock });
  let next = 0;
  let withdraw = plan.withdrawFirst ?? false;
  while (next < ids.length) {
    const at = m.clock;
    const since = m.version;
    const len = plan.lengths[next];
    let r: number;
    let done: number[] = [];
    if (plan.via === 'push') {
      writeMessage(m.u8, src, ids[next], len);
      r = yield call('tryPush', src, len);
      if (r === 1) done = [ids[next]];
    } else if (plan.via === 'claimWrite') {
      r = yield call('claimWrite', len);
      if (r >= 0) {
        const pos = r;
        const at0 = dataAt(m, pos);
        yield { local: 'write the message into the ring', writes: true, run: () => writeWrapped(m, at0, ids[next], len) };
        r = yield call('publishWrite', pos, len);
        if (r === 1) done = [ids[next]];
        else if (r === -L.R_RECLAIMED) continue; // declared dead while writing: push it again
      }
    } else if (plan.via === 'pushBatch') {
      let rec = src;
      for (let j = next; j < ids.length; j++) {
        new DataView(m.u8.buffer).setUint32(rec, plan.lengths[j], true);
        writeMessage(m.u8, rec + L.RECORD_HEADER_BYTES, ids[j], plan.lengths[j]);
        rec += L.RECORD_HEADER_BYTES + ((plan.lengths[j] + 7) & ~7);
      }
      r = yield call('pushBatch', src, ids.length - next);
      if (r > 0) done = ids.slice(next, next + r);
      if (r === -L.R_RECLAIMED) continue;
    } else {
      // claimMany takes messages of one length: the run of equal lengths from `next`.
      let count = 1;
      while (next + count < ids.length && plan.lengths[next + count] === len) count++;
      r = yield call('claimMany', len, count);
      if (r >= 0) {
        const pos = r % TWO_32;
        const n = Math.floor(r / TWO_32);
        const slots = slotsFor(m, len);
        if (withdraw) {
          withdraw = false;
          yield call('withdrawMany', pos, n, len);
          log.ops.push({ thread: me, kind: 'withdraw', msgs: [-(n * slots)], result: 'ok', call: at, ret: m.clock });
          continue;
        }
        yield {
          local: `fill ${n} message(s) in place`, writes: true,
          run: () => { for (let j = 0; j < n; j++) writeWrapped(m, dataAt(m, pos + j * slots), ids[next + j], len); },
        };
        r = yield call('publishMany', pos, n, len);
        if (r === 0) continue; // declared dead while filling: claim again
        done = ids.slice(next, next + r);
      }
    }
    if (done.length > 0) {
      for (const id of done) log.pushed.add(id);
      op(done, 'ok', at);
      next += done.length;
      continue;
    }
    if (r === CLOSED) {
      op([ids[next]], 'closed', at);
      return;
    }
    if (r === FULL) op([ids[next]], 'full', at);
    if (r !== FULL && r !== BUSY) throw new Error(`checker: ${plan.via} returned ${r}`);
    yield* waitOn(r, since, 'reclaimRead');
  }
}

export function consumer(via: 'pop' | 'claimRead' | 'takeMany'): Factory {
  return (m, log) => (t) => consume(m, log, t, via);
}

function* consume(m: Machine, log: Log, t: VThread, via: 'pop' | 'claimRead' | 'takeMany'): Program {
  const me = t.index;
  const dst = m.scratch(me);
  const op = (msgs: number[], result: OpResult, call: number) =>
    log.ops.push({ thread: me, kind: 'pop', msgs, result, call, ret: m.clock });
  for (;;) {
    const at = m.clock;
    const since = m.version;
    const before = log.received[me].length;
    let r: number;
    if (via === 'pop') {
      r = yield call('tryPop', dst, 256);
      if (r >= 0) receive(m, log, me, dst, r);
    } else if (via === 'claimRead') {
      r = yield call('claimRead');
      if (r >= 0) {
        const pos = r;
        log.holding.set(me, 1);
        const len: number = yield call('readLength', pos);
        if (len >= 0) {
          let copy: { id: number; torn?: string } = { id: -1 };
          yield { local: 'read the message in the ring', writes: false, run: () => { copy = inspect(m, me, dataAt(m, pos), len, true, log); } };
          // Kept only if the release succeeds: else it was reclaimed under us and the copy is void, as the bindings drop it.
          if ((yield call('releaseRead', pos)) === 1) {
            if (copy.torn) log.torn.push(copy.torn);
            log.received[me].push(copy.id);
          } else {
            log.liveReclaimed++;
          }
        } else {
          log.liveReclaimed++; // reclaimed before we read its length: lost, as the bindings drop it
        }
        log.holding.delete(me);
      }
    } else {
      r = yield call('takeMany', 8);
      if (r >= 0) {
        const pos = r % TWO_32;
        const n = Math.floor(r / TWO_32);
        log.holding.set(me, n);
        const positions: number[] = [];
        yield {
          local: `read ${n} message(s) in place`, writes: false,
          run: () => {
            let p = pos;
            for (let j = 0; j < n; ) {
              const { seq, state, value } = cellAt(m, p);
              if (state === L.STATE_WITHDRAWN && seq === p >>> 0) { p += value; continue; }
              // Still ours (seq == p + 1, READY)? As handBatch checks with holds().
              // If not, a producer took us for dead and reclaimed it: lost, and counted.
              if (seq === (p + 1) >>> 0 && state === L.STATE_READY) {
                receive(m, log, me, dataAt(m, p), value, true);
                positions.push(p);
              } else {
                log.liveReclaimed++;
              }
              p += slotsFor(m, value);
              j++;
            }
          },
        };
        // Each message was read in the same step that saw it still ours, so
        // every one read is delivered intact. If a producer reclaimed part of
        // the take meanwhile (we were too slow), what is still ours is
        // released one by one, as Transfer.releaseTaken does.
        if ((yield call('releaseMany', pos, n)) !== n) {
          for (const p of positions) if (cellAt(m, p).seq === (p + 1) >>> 0) yield call('releaseRead', p >>> 0);
        }
        log.holding.delete(me);
      }
    }
    const got = log.received[me].slice(before);
    if (got.length > 0) { op(got, 'ok', at); continue; }
    if (r >= 0) continue; // a copy that was void
    if (r === CLOSED) {
      op([], 'closed', at);
      return;
    }
    if (r === EMPTY) op([], 'empty', at);
    if (r !== EMPTY && r !== BUSY) throw new Error(`checker: ${via} returned ${r}`);
    yield* waitOn(r, since, 'reclaimWrite');
  }
}

/** Closes the queue once. */
export const closer: Factory = (m, log) => (t) => (function* (): Program {
  const at = m.clock;
  yield call('close');
  log.ops.push({ thread: t.index, kind: 'close', msgs: [], result: 'ok', call: at, ret: m.clock });
})();

export function slotsFor(m: Machine, len: number): number {
  return len === 0 ? 1 : Math.ceil(len / m.geometry.slotBytes);
}

export function dataAt(m: Machine, pos: number): number {
  return m.geometry.dataOffset + (pos & (m.geometry.capacity - 1)) * m.geometry.slotBytes;
}

export function cellAt(m: Machine, pos: number): { seq: number; state: number; value: number } {
  const w = (m.geometry.cellsOffset >> 2) + (pos & (m.geometry.capacity - 1)) * 2;
  const info = m.u32[w + 1];
  return { seq: m.u32[w], state: info >>> L.STATE_SHIFT, value: info & L.VALUE_MASK };
}

function writeWrapped(m: Machine, at: number, id: number, len: number): void {
  for (let k = 0; k < len; k++) m.u8[ringByte(m, at, k)] = byteAt(id, k);
}

/** The address of byte k of a message that starts at `at` in the data ring: it continues at the ring's start. */
function ringByte(m: Machine, at: number, k: number): number {
  const g = m.geometry;
  const ring = g.capacity * g.slotBytes;
  const a = at + k;
  return a >= g.dataOffset + ring ? a - ring : a;
}
