// The checks after every schedule. The harness instance first drains what
// the run left (reclaiming past dead threads, as a live consumer would after
// the stall timeout) and then fills and empties the whole ring once, so a
// schedule that leaked cells or wedged the queue shows. Then:
//   exactly once   every completed push was received once; the only losses
//                  allowed are the message(s) a consumer killed inside a pop
//                  held, and, where the scheduler makes live threads too slow,
//                  one per two-phase pop whose release failed (the consumer
//                  was taken for dead and dropped its copy);
//   order          each receiver got each producer's messages in order;
//   intact         no torn or misplaced message;
//   progress       no producer was left waiting forever;
//   linearizable   (scenarios without reclaim) the history has a linearization.
import * as L from '../../ts/kernel/layout.js';
import { linearizable } from './linearizability.js';
import type { Machine } from './machine.js';
import { Log, receive, slotsFor, writeMessage } from './programs.js';

export interface Verdict {
  ok: boolean;
  problems: string[];
}

export interface CheckOptions {
  linearizable: boolean;
  /** Messages a killed consumer may have taken with it. */
  heldByDead: number;
  /** Whether a live consumer may be taken for dead (each of its pops that notices loses its message). */
  liveReclaims: boolean;
}

export function check(m: Machine, log: Log, opts: CheckOptions): Verdict {
  const problems: string[] = [];
  const h = m.harness;
  const me = m.threads.length;
  const dst = m.scratch(me);
  // 1. Drain what is left. BUSY means a thread holds the head: the run is
  // over, so whoever holds it never finishes; reclaim after the "timeout".
  let lastBusy = -1;
  for (let guard = 0; ; guard++) {
    if (guard > 4 * m.geometry.capacity + 16) { problems.push('the final drain does not end'); break; }
    const r = h.tryPop(dst, 256);
    if (r >= 0) { receive(m, log, me, dst, r); lastBusy = -1; continue; }
    if (r === -L.R_EMPTY || r === -L.R_CLOSED) break;
    if (r !== -L.R_BUSY) { problems.push(`the final drain's tryPop returned ${r}`); break; }
    const pos = h.stallPosition() >>> 0;
    if (pos === lastBusy) {
      problems.push(`the queue is wedged: the head cell at position ${pos} stays BUSY after reclaimWrite`);
      break;
    }
    lastBusy = pos;
    h.reclaimWrite(pos);
  }
  // 2. The whole ring is usable again (unless closed).
  if (!h.isClosed() && problems.length === 0) {
    const cap = m.geometry.capacity;
    const probe = 0xff00;
    log.lengths.set(probe, 2);
    let pushed = 0;
    for (let i = 0; i < cap; i++) {
      writeMessage(m.u8, dst, probe, 2);
      let r = h.tryPush(dst, 2);
      // A cell still held by a dead consumer: reclaim it as a producer would after the timeout.
      if (r === -L.R_BUSY) { h.reclaimRead(h.stallPosition() >>> 0); r = h.tryPush(dst, 2); }
      if (r !== 1) break;
      pushed++;
    }
    let popped = 0;
    while (h.tryPop(dst, 256) >= 0) popped++;
    if (pushed !== cap || popped !== cap) {
      problems.push(`after the run the queue takes only ${pushed} of ${cap} one-cell messages (and gives back ${popped}): cells were lost`);
    }
    log.lengths.delete(probe);
  }
  // 3. Exactly once, in order, intact.
  problems.push(...log.torn);
  const count = new Map<number, number>();
  log.received.forEach((got, thread) => {
    const last = new Map<number, number>();
    for (const id of got) {
      count.set(id, (count.get(id) ?? 0) + 1);
      const p = id >> 8;
      const prev = last.get(p);
      if (prev !== undefined && (id & 255) <= prev) {
        problems.push(`${thread === me ? 'the final drain' : `T${thread}`} got ${p}:${id & 255} after ${p}:${prev}: out of order`);
      }
      last.set(p, id & 255);
    }
  });
  for (const [id, c] of count) {
    if (c > 1) problems.push(`message ${id >> 8}:${id & 255} was received ${c} times`);
    if (!log.lengths.has(id)) problems.push(`a message nobody pushed was received (id ${id})`);
  }
  const lost = [...log.pushed].filter((id) => !count.has(id));
  const liveReclaimed = opts.liveReclaims ? log.liveReclaimed : 0;
  const allowed = opts.heldByDead + liveReclaimed;
  if (lost.length > allowed) {
    problems.push(
      `${lost.length} completed push(es) never received (${lost.map((id) => `${id >> 8}:${id & 255}`).join(' ')}); ` +
        `allowed: ${opts.heldByDead} held by a killed consumer + ${liveReclaimed} pops of live consumers taken for dead`,
    );
  }
  // 4. Progress: every live producer finished.
  for (const t of m.threads) {
    if (t.status === 'blocked' && t.wait!.kind !== 'empty') {
      problems.push(`${t.name} waits forever (on ${t.wait!.kind}) with every other thread idle`);
    }
  }
  // 5. Linearizability.
  if (opts.linearizable && problems.length === 0) {
    const why = linearizable(log.ops, m.geometry.capacity, (id) => slotsFor(m, log.lengths.get(id)!));
    if (why) problems.push(why);
  }
  return { ok: problems.length === 0, problems };
}
