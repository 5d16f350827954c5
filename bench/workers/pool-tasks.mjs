// Tasks for the pool bench, shared by all three pools: wasmq/pool (serve),
// Piscina and tinypool (default export, and the named exports below that
// only Piscina or tinypool call). One handler for every row; it tells the
// rows apart by the input's shape, the same few checks for every pool.
import { isMainThread, workerData } from 'node:worker_threads';

/** Busy CPU work for about `ms` milliseconds (a fixed spin, like a real compute task). */
function cpu(ms) {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x = (x * 1103515245 + 12345) | 0;
  return x;
}

// ---- 1 KiB JSON row: an order record in, a priced one out (both about 1 KiB as JSON) ----
/** Prices each line, upper-cases the customer's name, and totals the order: a new object, the input untouched. */
export function transformOrder(order) {
  let total = 0;
  const lines = order.lines.map(({ sku, qty, price }) => {
    const amount = Math.round(qty * price * 100) / 100;
    total += amount;
    return { sku, qty, amount };
  });
  return {
    id: order.id,
    customer: { name: order.customer.name.toUpperCase(), country: order.customer.country },
    lines,
    total: Math.round(total * 100) / 100,
    tags: order.tags,
    note: order.note,
  };
}
// ---- end 1 KiB JSON row ----

// ---- 1 MiB Float64Array row: every element doubled in place, the same array returned ----
export function scaleF64(array) {
  for (let i = 0; i < array.length; i++) array[i] *= 2;
  return array;
}
let piscinaMove;
let tinypoolMove;
/** Piscina's idiom: the result's buffer is transferred back (Piscina.move), not cloned. */
export async function scaleF64Piscina(array) {
  piscinaMove ??= (await import('piscina')).move;
  return piscinaMove(scaleF64(array));
}
/** tinypool's idiom: the same, with Tinypool.move. */
export async function scaleF64Tinypool(array) {
  tinypoolMove ??= (await import('tinypool')).Tinypool.move;
  return tinypoolMove(scaleF64(array));
}
let wasmqMove;
/** wasmq/pool's idiom: the same, with move() from 'wasmq/pool' (run with transferList: the transfer lane). */
export async function scaleF64Wasmq(array) {
  wasmqMove ??= (await import('../../dist/pool/index.js')).move;
  return wasmqMove(scaleF64(array));
}
// ---- end 1 MiB Float64Array row ----

// ---- async row: a handler that awaits I/O (a timer) before it answers ----
/** Waits `ioMs` on a timer (a stand-in for a network or disk round trip that uses no CPU), then answers. */
async function io({ ioMs, id }) {
  await new Promise((resolve) => setTimeout(resolve, ioMs));
  return id + 1;
}
// ---- end async row ----

export default function task(input) {
  if (typeof input === 'number') return input + 1;
  if (input instanceof Float64Array) return scaleF64(input);
  // The crashed-workers row (scenarios/pool.mjs): this worker dies, by process.exit or an uncaught
  // throw, now (running the task) or, '-idle', 10 ms after it returned (parked, waiting for the next task).
  if (input.crash !== undefined) {
    const die = input.crash.startsWith('exit')
      ? () => process.exit(1)
      : () => {
          throw new Error('pool bench: a task crashes its worker on purpose');
        };
    if (input.crash.endsWith('-idle')) {
      setTimeout(die, 10);
      return 0;
    }
    if (input.crash === 'exit') die();
    setTimeout(die);
    return new Promise(() => {});
  }
  if (input.cpuMs !== undefined) return cpu(input.cpuMs);
  if (input.ioMs !== undefined) return io(input);
  return transformOrder(input);
}

// Started by createPool (its workerData is the pool init): serve the same task.
if (!isMainThread && workerData?.kind === 'wasmq.pool.init') {
  const { serve } = await import('../../dist/pool/index.js');
  serve({ default: task, scaleF64Wasmq });
}
