// Linearizability of a run's history against the sequential model queue
// (the one test/queue/property.test.ts runs the real queue against): is
// there an order of the completed operations, each placed somewhere between
// its call and its return, in which the model gives every result the run
// got? Wing & Gong's search, with Lowe's memo of (done set, model state).
//
// The model: FIFO messages that use slotsFor(length) cells each, out of
// `capacity`; push is ok when the message fits and the queue is open, full
// when it does not fit, closed once closed; pop takes a prefix (one message,
// or a batch) or reports empty (open) / closed (closed and empty). A push
// may also be refused as full while a pop that overlaps it still holds the
// cells it took: the kernel frees a message's cells at the end of its pop,
// not at the pop's linearization point, and says BUSY or FULL meanwhile.
// A withdrawn claim (a fill that threw) is a ghost entry: it holds its cells
// and no pop returns it. A consumer frees it when it finds it at the head,
// whatever that consumer's own pop then returns, so a ghost at the head may
// leave the model at any point; a batch pop frees those between its messages.
import type { Op } from './programs.js';

interface State {
  items: number[];
  used: number;
  closed: boolean;
}

export function linearizable(ops: Op[], capacity: number, slots: (id: number) => number): string | null {
  const n = ops.length;
  const seen = new Set<string>();
  const order: number[] = [];
  const lin: boolean[] = new Array(n).fill(false);
  /** Cells of ghosts that pop j skipped, on the current path. */
  const skipped: number[] = new Array(n).fill(0);
  const size = (id: number) => (id < 0 ? -id : slots(id));

  const apply = (s: State, j: number): State | null => {
    const op = ops[j];
    if (op.kind === 'close') return { ...s, closed: true };
    if (op.kind === 'withdraw') return { items: [...s.items, op.msgs[0]], used: s.used - op.msgs[0], closed: s.closed };
    if (op.kind === 'push') {
      const need = op.msgs.reduce((a, id) => a + slots(id), 0);
      if (op.result === 'closed') return s.closed ? s : null;
      if (s.closed) return null;
      if (op.result === 'ok') return s.used + need <= capacity ? { items: [...s.items, ...op.msgs], used: s.used + need, closed: false } : null;
      // full: does not fit, counting the cells that overlapping pops still hold.
      let held = 0;
      for (let k = 0; k < n; k++) {
        const o = ops[k];
        if (lin[k] && o.kind === 'pop' && o.ret > op.call) held += o.msgs.reduce((a, id) => a + slots(id), 0) + skipped[k];
      }
      return s.used + held + need > capacity ? s : null;
    }
    // A pop skips the ghosts at the head (and a batch those between its messages), freeing their cells.
    let ghosts = 0;
    let i = 0;
    const skipGhosts = () => {
      while (i < s.items.length && s.items[i] < 0) ghosts -= s.items[i++];
    };
    if (op.result === 'empty' || op.result === 'closed') {
      skipGhosts();
      if (i !== s.items.length || s.closed !== (op.result === 'closed')) return null;
    } else {
      for (let k = 0; k < op.msgs.length; k++) {
        skipGhosts();
        if (s.items[i] !== op.msgs[k]) return null;
        i++;
      }
    }
    skipped[j] = ghosts;
    const freed = ghosts + op.msgs.reduce((a, id) => a + slots(id), 0);
    return { items: s.items.slice(i), used: s.used - freed, closed: s.closed };
  };

  const search = (s: State, done: number): boolean => {
    if (done === n) return true;
    const key = lin.map((b) => (b ? 1 : 0)).join('') + '|' + s.items.join(',') + '|' + (s.closed ? 1 : 0);
    if (seen.has(key)) return false;
    seen.add(key);
    // The earliest return among the pending ops: nothing that is called after it may go first.
    let minRet = Infinity;
    for (let j = 0; j < n; j++) if (!lin[j] && ops[j].ret < minRet) minRet = ops[j].ret;
    for (let j = 0; j < n; j++) {
      if (lin[j] || ops[j].call >= minRet) continue;
      const next = apply(s, j);
      if (!next) continue;
      lin[j] = true;
      order.push(j);
      if (search(next, done + 1)) return true;
      order.pop();
      lin[j] = false;
    }
    // A consumer skips the ghost at the head.
    if (s.items.length && s.items[0] < 0) {
      return search({ items: s.items.slice(1), used: s.used + s.items[0], closed: s.closed }, done);
    }
    return false;
  };

  if (search({ items: [], used: 0, closed: false }, 0)) return null;
  const show = (o: Op) => `T${o.thread} ${o.kind}${o.msgs.length ? `(${o.msgs.map((id) => `${id >> 8}:${id & 255}`).join(' ')})` : ''} → ${o.result} [${o.call}..${o.ret}]`;
  return `no linearization of the history against the model queue:\n      ${ops.map(show).join('\n      ')}`;
}
