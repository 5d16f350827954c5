// The browser bench page's main thread: the consumer. It starts two producer
// Web Workers (worker.mjs) and, per round, takes their records by one
// transport and checks them as a user would process them: every record is
// read where it lies, in the drainAsync handler or in onmessage, and
// checked against the next sequence number due from its producer.
//
// The driver (bench/scenarios/browser.mjs, or the test) calls, through
// page.evaluate:
//   wasmqBench.setup({ capacity?, drainMax? })  starts the workers
//   wasmqBench.round({ transport, ms } | { transport, records, fault? })
//       one round: a time (ms) or a fixed number of records per producer;
//       resolves to the round's figures and its correctness verdict
//   wasmqBench.teardown()
//
// Nothing here blocks the main thread: drainAsync and popAsync wait with
// Atomics.waitAsync, and postMessage's credits are an Atomics.store plus
// Atomics.notify (both allowed on a browser main thread; only Atomics.wait is not).
import { createQueue } from '../../dist/index.js';
import { END, PRODUCERS, RECORD_BYTES, TRANSPORTS, expectedChecksum, idAt, isQueue } from './protocol.mjs';

/** The most problems a round reports in full (it counts them all). */
const PROBLEMS_SHOWN = 8;

let queue;
let workers = [];
let ports = [];
/** flow[p]: how many of producer p's records this round the main thread has handled (postMessage credits). */
let flow;
let notifyEvery = 1;
let drainMax;
/** Per worker: the resolvers of the control replies it owes ('ready', 'done'), in order. */
let pending = [];
/** Aborts the running round (a worker failed); set while a round runs. */
let abortRound = null;
let workerFailure = null;

// ------------------------------------------------------------ round state

const next = new Uint32Array(PRODUCERS);
const received = new Uint32Array(PRODUCERS);
const acked = new Uint32Array(PRODUCERS);
const ends = new Float64Array(PRODUCERS);
let checksum = 0;
let markers = 0;
let endedAt = 0;
let problemCount = 0;
let problems = [];
let roundEnded = null;

function resetRound() {
  next.fill(0);
  received.fill(0);
  acked.fill(0);
  ends.fill(-1);
  checksum = 0;
  markers = 0;
  endedAt = 0;
  problemCount = 0;
  problems = [];
  roundEnded = null;
}

function problem(text) {
  problemCount++;
  if (problems.length < PROBLEMS_SHOWN) problems.push(text);
}

/** Processes one record, in place: what every transport's consumer calls per record. */
function onRecord(bytes, offset) {
  const p = idAt(bytes, offset);
  const seq = idAt(bytes, offset + 4);
  if (p >= PRODUCERS) return problem(`a record from unknown producer ${p}`);
  if (seq === END) return ended(p, idAt(bytes, offset + 8));
  if (ends[p] >= 0) problem(`producer ${p}: record ${seq} after its END record`);
  else if (seq !== next[p]) problem(`producer ${p}: record ${seq} arrived where ${next[p]} was due`);
  next[p] = seq + 1;
  received[p]++;
  checksum += 2 * seq + p;
}

function ended(p, sent) {
  if (ends[p] >= 0) return problem(`producer ${p}: a second END record`);
  ends[p] = sent;
  if (++markers === PRODUCERS) {
    endedAt = performance.now();
    roundEnded?.();
  }
}

/** The drainAsync handler: the record is bytes[offset, offset + length), valid only during this call. */
function drainHandler(bytes, offset, length) {
  if (length !== RECORD_BYTES) problem(`a message of ${length} bytes, expected ${RECORD_BYTES}`);
  onRecord(bytes, offset);
}

/** postMessage: the records of one message from producer p, then its credits. */
function portHandler(p) {
  return ({ data }) => {
    const n = data.length / RECORD_BYTES;
    for (let j = 0; j < n; j++) onRecord(data, j * RECORD_BYTES);
    const before = acked[p];
    const after = before + n;
    acked[p] = after;
    Atomics.store(flow, p, after);
    if (Math.floor(after / notifyEvery) !== Math.floor(before / notifyEvery)) Atomics.notify(flow, p);
  };
}

// ------------------------------------------------------------ consumers

async function consumeDrainAsync(signal) {
  const options = { max: drainMax, signal };
  while (markers < PRODUCERS) {
    if ((await queue.drainAsync(drainHandler, options)) === 0) throw new Error('the queue was closed');
  }
}

async function consumePopAsync(signal) {
  const options = { signal };
  while (markers < PRODUCERS) {
    const message = await queue.popAsync(options);
    if (message.length !== RECORD_BYTES) problem(`a message of ${message.length} bytes, expected ${RECORD_BYTES}`);
    onRecord(message, 0);
  }
}

/** postMessage: the port handlers do the work; this waits for both END records. */
function portsEnded(signal) {
  return new Promise((resolve, reject) => {
    if (markers === PRODUCERS) return resolve();
    roundEnded = resolve;
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

// ------------------------------------------------------------ workers

function reply(p, type) {
  return new Promise((resolve, reject) => pending[p].push({ type, resolve, reject }));
}

function workerFailed(error) {
  workerFailure ??= error;
  abortRound?.(error);
  for (const queued of pending) for (const { reject } of queued.splice(0)) reject(error);
}

function onControl(p) {
  return ({ data }) => {
    if (data.type === 'error') return workerFailed(new Error(data.message));
    const waiter = pending[p].shift();
    if (!waiter || waiter.type !== data.type) return workerFailed(new Error(`producer ${p} replied '${data.type}' unasked`));
    waiter.resolve(data);
  };
}

async function setup({ capacity = 1024, drainMax: max = capacity >> 2 } = {}) {
  if (!crossOriginIsolated) {
    throw new Error('the bench page is not cross-origin isolated (crossOriginIsolated is false): serve it with COOP same-origin and COEP require-corp');
  }
  if (queue) throw new Error('setup() was called twice');
  queue = createQueue({ capacity, slotBytes: 64 });
  drainMax = max;
  flow = new Int32Array(new SharedArrayBuffer(4 * PRODUCERS));
  notifyEvery = Math.max(1, capacity >> 2);
  pending = Array.from({ length: PRODUCERS }, () => []);
  const ready = [];
  for (let p = 0; p < PRODUCERS; p++) {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `producer ${p}` });
    worker.onmessage = onControl(p);
    worker.onerror = (e) => workerFailed(new Error(`producer ${p} failed: ${e.message ?? e}`));
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = portHandler(p);
    ready.push(reply(p, 'ready'));
    worker.postMessage({ type: 'init', index: p, handle: queue.handle, port: port2, flow: flow.buffer, window: capacity }, [port2]);
    workers.push(worker);
    ports.push(port1);
  }
  await Promise.all(ready);
  return info();
}

function info() {
  return {
    crossOriginIsolated,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    waitAsync: typeof Atomics.waitAsync === 'function',
    capacity: queue?.capacity,
    drainMax,
  };
}

/** One round; resolves to its figures and problems (never rejects for a transport's fault: it reports it). */
async function round({ transport, ms, records, fault, timeoutMs = 30_000 }) {
  if (!queue) throw new Error('call setup() first');
  if (!TRANSPORTS.includes(transport)) throw new Error(`unknown transport ${transport}; there are ${TRANSPORTS.join(', ')}`);
  if ((ms === undefined) === (records === undefined)) throw new Error('a round takes either ms or records');
  if (workerFailure) throw workerFailure;
  resetRound();
  for (let p = 0; p < PRODUCERS; p++) Atomics.store(flow, p, 0);
  const controller = new AbortController();
  abortRound = (error) => controller.abort(error);
  const watchdog = setTimeout(
    () => controller.abort(new Error(`the round did not end within ${timeoutMs} ms (END records seen: ${markers} of ${PRODUCERS})`)),
    timeoutMs,
  );
  const done = workers.map((_, p) => reply(p, 'done'));
  const t0 = performance.now();
  const go = { type: 'go', transport, endAt: ms === undefined ? undefined : performance.timeOrigin + t0 + ms, records, fault };
  for (const worker of workers) worker.postMessage(go);
  let replies = [];
  try {
    if (transport === 'drainAsync') await consumeDrainAsync(controller.signal);
    else if (transport === 'popAsync') await consumePopAsync(controller.signal);
    else await portsEnded(controller.signal);
    replies = await Promise.all(done);
  } catch (error) {
    problem(`the round failed: ${error?.message ?? error}`);
  } finally {
    clearTimeout(watchdog);
    abortRound = null;
  }
  return verdict(transport, t0, replies);
}

function verdict(transport, t0, replies) {
  let expected = 0;
  for (let p = 0; p < PRODUCERS; p++) {
    if (ends[p] < 0) {
      problem(`producer ${p}: no END record arrived`);
      continue;
    }
    if (received[p] !== ends[p]) problem(`producer ${p} sent ${ends[p]} records; the main thread received ${received[p]}`);
    if (replies.length && replies[p].sent !== ends[p]) problem(`producer ${p} says it sent ${replies[p].sent}, its END record says ${ends[p]}`);
    expected += expectedChecksum(p, ends[p]);
  }
  if (checksum !== expected) problem(`checksum ${checksum}, expected ${expected} for the records the producers sent`);
  if (isQueue(transport) && queue.size !== 0) problem(`${queue.size} slots still queued after both END records`);
  const records = received.reduce((a, b) => a + b, 0);
  const elapsedMs = endedAt > 0 ? endedAt - t0 : NaN;
  return {
    transport,
    ok: problemCount === 0,
    problems,
    problemCount,
    records,
    perProducer: Array.from(received, (r, p) => ({ received: r, sent: ends[p], maxAhead: replies[p]?.maxAhead })),
    checksum,
    expectedChecksum: expected,
    elapsedMs,
    recordsPerSecond: (records / elapsedMs) * 1000,
  };
}

function teardown() {
  for (const worker of workers) worker.terminate();
  for (const port of ports) port.close();
  queue?.close();
  workers = [];
  ports = [];
  queue = undefined;
}

globalThis.wasmqBench = { setup, round, teardown, info, loaded: true };
