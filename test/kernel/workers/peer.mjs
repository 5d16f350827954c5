// One thread of the kernel's real-threads tests: its own raw kernel instance
// over the shared memory (no Queue class), attached with attach().
//   producer: pushes `count` messages. mix 'classic': alternating tryPush
//             (staged in its scratch area) and claimWrite + copy into the
//             ring + publishWrite. mix 'inplace': a seeded plan of groups,
//             mostly claimMany + fill in place + publishMany batches (1..32
//             messages of one length, 1..16 slots; the rest of a partial
//             claim is claimed again), some batches first claimed, filled
//             and withdrawn (withdrawMany), and single tryPush / two-phase pushes.
//   consumer: pops until R_CLOSED, rotating tryPop and claimRead +
//             readLength + copy out of the ring + releaseRead (and, in mix
//             'inplace', takeMany + walking the cells + releaseMany),
//             checking every byte and each producer's order.
// FULL / EMPTY park briefly on the kernel's wake words; BUSY yields. Every
// wait is bounded: no progress for `stuckMs` ends the thread with an error.
// Replies { role, id, errors, slots (producer: cells claimed), seen, taken
// (consumer), counts (what kinds of operation ran) }.
import { parentPort, workerData } from '../../workers/thread-port.mjs'; // worker_threads, or a Web Worker (test/thread.ts)
import { instantiateKernel } from '../../../dist/kernel/module.js';
import * as L from '../../../dist/kernel/layout.js';

const { memory, module, role, id, count, producers, stuckMs, mix = 'classic' } = workerData;
const ops = instantiateKernel(module, memory);
const u8 = new Uint8Array(memory.buffer);
const u32 = new Uint32Array(memory.buffer);
const i32 = new Int32Array(memory.buffer);
const errors = [];
const fail = (msg) => {
  if (errors.length < 20) errors.push(`${role} ${id}: ${msg}`);
};

const status = ops.attach();
const capacity = u32[L.OFF_CAPACITY >> 2];
const slotBytes = u32[L.OFF_SLOT_BYTES >> 2];
const dataStart = u32[L.OFF_DATA >> 2];
const dataEnd = dataStart + capacity * slotBytes;
const scratchBytes = u32[L.OFF_SCRATCH_BYTES >> 2];
const cellsIndex = u32[L.OFF_CELLS >> 2] >> 2;
const area = ops.leaseScratch(Date.now() >>> 0, 1000);
const scratch = u32[L.OFF_SCRATCH >> 2] + area * scratchBytes;
const dataAt = (pos) => dataStart + (pos & (capacity - 1)) * slotBytes;
const slotsFor = (len) => (len === 0 ? 1 : Math.ceil(len / slotBytes));
const nap = new Int32Array(new SharedArrayBuffer(4));
const TWO_32 = 2 ** 32;
/** Operations run, by kind (reported, so the test can tell the mix happened). */
const counts = {};
const bump = (kind, n = 1) => (counts[kind] = (counts[kind] ?? 0) + n);

// ---- Messages: [producer u32][seq u32][bytes derived from both] ----

/** Mixed sizes (mix 'classic'): 3 in 4 fit one 16-byte slot, 1 in 4 spans 2..16 slots. */
const classicLength = (p, s) => {
  const h = Math.imul(s + 1, 0x9e3779b1) ^ Math.imul(p + 1, 0x85ebca6b);
  return s % 4 === 0 ? 17 + ((h >>> 8) % 240) : 8 + ((h >>> 8) % 9);
};

/** Lengths of the in-place plan: 1, 1, 1, 2, 2, 3, 4, 7, 10 and 16 slots of 16 bytes. */
const LENGTHS = [8, 12, 16, 17, 24, 40, 64, 100, 160, 256];

/**
 * Producer p's plan (mix 'inplace'): groups { first, n, len, kind, withdraw }
 * covering its messages in order; every thread computes the same plans, so
 * consumers know each message's length.
 */
function planOf(p) {
  let x = (0x9e3779b9 ^ Math.imul(p + 1, 0x85ebca6b)) >>> 0 || 1;
  const rnd = (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
  const lengths = new Uint16Array(count);
  const groups = [];
  for (let s = 0; s < count; ) {
    const k = rnd(8); // 0, 1: tryPush; 2: two-phase; 3..7: a claimMany batch
    const kind = k >= 3 ? 'many' : k === 2 ? 'two' : 'one';
    const n = kind === 'many' ? Math.min(count - s, 1 + rnd(32)) : 1;
    const len = LENGTHS[rnd(LENGTHS.length)];
    groups.push({ first: s, n, len, kind, withdraw: kind === 'many' && rnd(12) === 0 });
    lengths.fill(len, s, s + n);
    s += n;
  }
  return { lengths, groups };
}

const plans = mix === 'inplace' ? Array.from({ length: producers }, (_, p) => planOf(p)) : [];
const lengthOf = mix === 'inplace' ? (p, s) => plans[p].lengths[s] : classicLength;
const byteAt = (p, s, i) => (p * 59 + s * 13 + i * 7) & 255;

function fillMessage(at, p, s, len) {
  u32[at >> 2] = p; // `at` is a scratch area: 4-byte aligned
  u32[(at >> 2) + 1] = s;
  for (let i = 8; i < len; i++) u8[at + i] = byteAt(p, s, i);
}

/** { producer, seq } if the `len` bytes at `at` are an intact message, else what is wrong. */
function checkMessage(at, len) {
  if (len < 8) return `a message of ${len} bytes`;
  const p = u32[at >> 2];
  const s = u32[(at >> 2) + 1];
  if (p >= producers || s >= count) return `unknown message ${p}/${s}`;
  if (len !== lengthOf(p, s)) return `message ${p}/${s} is ${len} bytes, not ${lengthOf(p, s)}`;
  for (let i = 8; i < len; i++) {
    if (u8[at + i] !== byteAt(p, s, i)) return `message ${p}/${s} is torn at byte ${i}`;
  }
  return { producer: p, seq: s };
}

// ---- Waiting, bounded ----

class Backoff {
  spins = 0;
  since = Date.now();
  progress() {
    this.spins = 0;
    this.since = Date.now();
  }
  /** After FULL / EMPTY: register on the kernel's wake word, re-check, park at most 2 ms. */
  park(seqOff, waitingOff, blocked) {
    if (++this.spins < 32) return this.alive();
    const seen = Atomics.load(i32, seqOff >> 2);
    Atomics.add(i32, waitingOff >> 2, 1);
    if (blocked()) Atomics.wait(i32, seqOff >> 2, seen, 2);
    Atomics.sub(i32, waitingOff >> 2, 1);
    return this.alive();
  }
  /** After BUSY: a live thread is mid-operation (perhaps descheduled); let it run. */
  yield() {
    if (++this.spins > 32) Atomics.wait(nap, 0, 0, 0.05);
    return this.alive();
  }
  /** False once nothing moved for stuckMs (checked every 64 failures). */
  alive() {
    return (this.spins & 63) !== 0 || Date.now() - this.since < stuckMs;
  }
}

// ---- Copies between private bytes and the ring, unwrapping at its end ----

function copyIn(pos, from, len) {
  const at = dataAt(pos);
  const room = dataEnd - at;
  if (len <= room) u8.copyWithin(at, from, from + len);
  else {
    u8.copyWithin(at, from, from + room);
    u8.copyWithin(dataStart, from + room, from + len);
  }
}

function copyOut(pos, len, to) {
  const at = dataAt(pos);
  const room = dataEnd - at;
  if (len <= room) u8.copyWithin(to, at, at + len);
  else {
    u8.copyWithin(to, at, dataEnd);
    u8.copyWithin(to + room, dataStart, dataStart + len - room);
  }
}

// ---- Producer ----

/** One push attempt of the message staged in the scratch area: 1, or the kernel's negative code. */
function pushOnce(twoPhase, len) {
  if (!twoPhase) return ops.tryPush(scratch, len);
  const pos = ops.claimWrite(len);
  if (pos < 0) return pos;
  copyIn(pos, scratch, len);
  return ops.publishWrite(pos, len); // -R_RECLAIMED cannot happen: nothing reclaims here
}

function produce() {
  const b = new Backoff();
  let slots = 0;
  for (let seq = 0; seq < count; seq++) {
    const len = lengthOf(id, seq);
    const need = slotsFor(len);
    fillMessage(scratch, id, seq, len);
    const twoPhase = seq % 2 === 1;
    for (;;) {
      const r = pushOnce(twoPhase, len);
      if (r === 1) break;
      let ok;
      if (r === -L.R_FULL) ok = b.park(L.OFF_NOT_FULL_SEQ, L.OFF_PRODUCERS_WAITING, () => ops.usedCells() + need > capacity);
      else if (r === -L.R_BUSY) ok = b.yield();
      else return fail(`push of ${id}/${seq} returned ${r}`), slots;
      if (!ok) return fail(`no progress for ${stuckMs} ms at ${id}/${seq} (last result ${r})`), slots;
    }
    slots += need;
    b.progress();
  }
  return slots;
}

/** Retries `attempt` (a kernel result: >= 0 done, else a code) on FULL / BUSY within the bounded backoff; the result, or undefined after an error. */
function retry(b, need, what, attempt) {
  for (;;) {
    const r = attempt();
    if (r >= 0) return r;
    let ok;
    if (r === -L.R_FULL) ok = b.park(L.OFF_NOT_FULL_SEQ, L.OFF_PRODUCERS_WAITING, () => ops.usedCells() + need > capacity);
    else if (r === -L.R_BUSY) ok = b.yield();
    else return fail(`${what} returned ${r}`);
    if (!ok) return fail(`no progress for ${stuckMs} ms at ${what} (last result ${r})`);
  }
}

/** Writes messages first.. of this producer where a claimMany batch at `pos` puts them. */
function fillMany(pos, first, n, len) {
  const k = slotsFor(len);
  for (let i = 0; i < n; i++) {
    fillMessage(scratch, id, first + i, len);
    copyIn(pos + i * k, scratch, len);
  }
}

/** mix 'inplace': plays this producer's plan. Returns the cells claimed (withdrawn ones included). */
function produceInplace() {
  const b = new Backoff();
  let slots = 0;
  for (const g of plans[id].groups) {
    const need = slotsFor(g.len);
    if (g.kind !== 'many') {
      fillMessage(scratch, id, g.first, g.len);
      if (retry(b, need, `push of ${id}/${g.first}`, () => pushOnce(g.kind === 'two', g.len)) === undefined) return slots;
      bump(g.kind === 'two' ? 'twoPhase' : 'tryPush');
      slots += need;
      b.progress();
      continue;
    }
    if (g.withdraw) {
      // a fill that "throws": claimed, filled with the real messages (so a delivery would show as a duplicate), withdrawn
      const t = retry(b, need, `claimMany to withdraw ${id}/${g.first}`, () => ops.claimMany(g.len, g.n));
      if (t === undefined) return slots;
      const pos = t % TWO_32;
      const n = Math.floor(t / TWO_32);
      fillMany(pos, g.first, n, g.len);
      ops.withdrawMany(pos, n, g.len);
      bump('withdrawn', n);
      slots += n * need;
      b.progress();
    }
    for (let s = g.first; s < g.first + g.n; ) {
      const left = g.first + g.n - s;
      const t = retry(b, need, `claimMany of ${id}/${s}`, () => ops.claimMany(g.len, left));
      if (t === undefined) return slots;
      const pos = t % TWO_32;
      const n = Math.floor(t / TWO_32);
      if (n < 1 || n > left) return fail(`claimMany(${g.len}, ${left}) claimed ${n}`), slots;
      fillMany(pos, s, n, g.len);
      const r = ops.publishMany(pos, n, g.len); // 0 cannot happen: nothing reclaims here
      if (r !== n) return fail(`publishMany(${pos}, ${n}, ${g.len}) returned ${r}`), slots;
      bump('batches');
      bump('batched', n);
      if (n < left) bump('partial');
      slots += n * need;
      s += n;
      b.progress();
    }
  }
  return slots;
}

// ---- Consumer ----

/** A two-phase pop that broke the protocol (already reported): stop. */
const PROTOCOL = -1000;

function consume() {
  const seen = Array.from({ length: producers }, () => new Uint8Array(count));
  const last = new Array(producers).fill(-1);
  let taken = 0;
  const take = (at, len) => {
    const m = checkMessage(at, len);
    if (typeof m === 'string') return fail(m);
    if (seen[m.producer][m.seq]) fail(`duplicate ${m.producer}/${m.seq}`);
    seen[m.producer][m.seq] = 1;
    if (m.seq <= last[m.producer]) fail(`order: ${m.producer}/${m.seq} after ${last[m.producer]}`);
    last[m.producer] = m.seq;
    taken++;
  };
  /** One pop attempt: a length taken (>= 0), or the kernel's negative code. */
  const popOnce = (twoPhase) => {
    if (!twoPhase) {
      const r = ops.tryPop(scratch, scratchBytes);
      if (r >= 0) take(scratch, r);
      return r;
    }
    const pos = ops.claimRead();
    if (pos < 0) return pos;
    const len = ops.readLength(pos);
    if (len < 0 || len > scratchBytes) return fail(`readLength(${pos}) returned ${len}`), PROTOCOL;
    copyOut(pos, len, scratch); // the scratch area is this thread's private staging bytes
    const released = ops.releaseRead(pos);
    if (released !== 1) return fail(`releaseRead(${pos}) returned ${released}`), PROTOCOL;
    take(scratch, len);
    return len;
  };
  /** One takeMany of up to `max`: walk the cells from the token's position (skipping withdrawn claims), check each message, releaseMany. */
  const takeOnce = (max) => {
    const t = ops.takeMany(max);
    if (t < 0) return t;
    const pos = t % TWO_32;
    const n = Math.floor(t / TWO_32);
    if (n < 1 || n > max) return fail(`takeMany(${max}) took ${n}`), PROTOCOL;
    let p = pos;
    for (let j = 0, cells = 0; j < n; ) {
      const seq = u32[cellsIndex + (p & (capacity - 1)) * 2];
      const info = u32[cellsIndex + (p & (capacity - 1)) * 2 + 1];
      const value = info & L.VALUE_MASK;
      if (cells++ > capacity) return fail(`takeMany at ${pos}: walked past the ring`), PROTOCOL;
      if (seq === p >>> 0 && info >>> L.STATE_SHIFT === L.STATE_WITHDRAWN) {
        bump('skippedWithdrawn');
        p += value;
        continue;
      }
      if (seq !== (p + 1) >>> 0 || info >>> L.STATE_SHIFT !== L.STATE_READY || value > scratchBytes) {
        return fail(`takeMany at ${pos}: message ${j} at ${p >>> 0} has cell ${seq}/${info.toString(16)}`), PROTOCOL;
      }
      copyOut(p, value, scratch);
      take(scratch, value);
      p += slotsFor(value);
      j++;
    }
    const released = ops.releaseMany(pos, n);
    if (released !== n) return fail(`releaseMany(${pos}, ${n}) returned ${released}`), PROTOCOL;
    bump('takes');
    bump('takenByMany', n);
    return n;
  };
  const b = new Backoff();
  for (let step = 0; ; step++) {
    const r = mix !== 'inplace' ? popOnce((step & 1) === 1) : step % 3 === 2 ? takeOnce(1 + (step % 40)) : popOnce(step % 3 === 1);
    if (r >= 0) {
      b.progress();
      continue;
    }
    if (r === -L.R_CLOSED || r === PROTOCOL) break;
    let ok;
    if (r === -L.R_EMPTY) ok = b.park(L.OFF_NOT_EMPTY_SEQ, L.OFF_CONSUMERS_WAITING, () => ops.headLength() === -L.R_EMPTY);
    else if (r === -L.R_BUSY) ok = b.yield();
    else {
      fail(`pop returned ${r}`);
      break;
    }
    if (!ok) {
      fail(`no progress for ${stuckMs} ms after ${taken} messages (last result ${r})`);
      break;
    }
  }
  return { seen, taken };
}

if (status !== L.ATTACH_OK) fail(`attach returned ${status}`);
else if (area < 0) fail('no scratch area to lease');
if (role === 'producer') {
  const slots = errors.length === 0 ? (mix === 'inplace' ? produceInplace() : produce()) : 0;
  parentPort.postMessage({ role, id, errors, slots, counts });
} else {
  const result = errors.length === 0 ? consume() : { seen: [], taken: 0 };
  parentPort.postMessage({ role, id, errors, ...result, counts });
}
