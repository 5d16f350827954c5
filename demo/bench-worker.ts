// One demo worker: a producer or a consumer, for both transports. The same
// workers move messages through the wasmq queue in one round and through
// MessagePorts (postMessage) in the next, so the two are compared between
// the very same threads, with the same window of messages in flight.
import { attachQueue, TimeoutError, type Queue } from '../dist/index.js';
import {
  CTRL_IN_FLIGHT, CTRL_ROUND_OVER, CTRL_WAITING, ConsumerStats, Stamper, WINDOW, sharedNow,
  type InitRequest, type RunRequest, type WorkerReply, type WorkerRequest,
} from './protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

let init: InitRequest;
let queue: Queue;
let control: Int32Array;
let stats: Int32Array;
/** This consumer's counters for wasmq rounds (cumulative over the run, like the page expects). */
let wasmqStats: ConsumerStats;
/** Producers send in groups between clock reads. */
const GROUP = 32;
/** How long one wait may park before looking at the clock again (ms). */
const PARK_MS = 2;

scope.onmessage = ({ data }) => {
  try {
    if (data.type === 'init') start(data);
    else if (init.role === 'producer') scope.postMessage({ type: 'sent', count: produce(data) });
    else consume(data);
  } catch (e) {
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
};

function start(request: InitRequest): void {
  init = request;
  queue = attachQueue(request.queue);
  control = new Int32Array(request.control);
  stats = new Int32Array(request.stats);
  if (request.role === 'consumer') {
    wasmqStats = new ConsumerStats(stats, 'wasmq', request.index, request.consumers);
    // postMessage rounds: messages arrive on the ports whenever this worker
    // is idle in its event loop.
    const record = new ConsumerStats(stats, 'postMessage', request.index, request.consumers);
    for (const port of request.ports) {
      port.onmessage = ({ data }: MessageEvent<Uint8Array>) => {
        record.record(data);
        Atomics.sub(control, CTRL_IN_FLIGHT, 1);
        if (Atomics.load(control, CTRL_WAITING) > 0) Atomics.notify(control, CTRL_IN_FLIGHT);
      };
    }
  }
  scope.postMessage({ type: 'ready' });
}

/** Sends until endAt; returns how many messages went out. */
function produce({ transport, endAt }: RunRequest): number {
  const message = new Uint8Array(init.messageBytes);
  for (let i = 8; i < message.length; i++) message[i] = i;
  const stamper = new Stamper();
  let sent = 0;
  if (transport === 'wasmq') {
    while (sharedNow() < endAt) {
      for (let k = 0; k < GROUP; k++) {
        stamper.stamp(message);
        // The allocation-free path first; when the queue is full, the
        // blocking push spins briefly, then parks until a consumer makes room.
        if (queue.tryPushFrom(message) || pushOrTimeOut(message)) sent++;
        else break; // still full after PARK_MS: look at the clock
      }
    }
  } else {
    const ports = init.ports;
    let next = 0;
    while (sharedNow() < endAt) {
      for (let k = 0; k < GROUP; k++) {
        if (!waitForWindow()) break;
        stamper.stamp(message);
        Atomics.add(control, CTRL_IN_FLIGHT, 1);
        ports[next].postMessage(message); // structured clone: a copy per message
        next = next + 1 === ports.length ? 0 : next + 1;
        sent++;
      }
    }
  }
  return sent;
}

function pushOrTimeOut(message: Uint8Array): boolean {
  try {
    queue.push(message, PARK_MS);
    return true;
  } catch (e) {
    if (e instanceof TimeoutError) return false;
    throw e;
  }
}

/** postMessage has no back-pressure of its own: hold at WINDOW messages in flight, like the queue's capacity. */
function waitForWindow(): boolean {
  const seen = Atomics.load(control, CTRL_IN_FLIGHT);
  if (seen < WINDOW) return true;
  Atomics.add(control, CTRL_WAITING, 1);
  Atomics.wait(control, CTRL_IN_FLIGHT, seen, PARK_MS);
  Atomics.sub(control, CTRL_WAITING, 1);
  return Atomics.load(control, CTRL_IN_FLIGHT) < WINDOW;
}

function consume({ transport }: RunRequest): void {
  if (transport === 'postMessage') return; // the port handlers do the work
  const record = wasmqStats;
  const buffer = new Uint8Array(init.messageBytes);
  for (;;) {
    if (queue.tryPopInto(buffer) >= 0) {
      record.record(buffer);
      continue;
    }
    // Empty. The page ends the round once all that was sent was received.
    if (Atomics.load(control, CTRL_ROUND_OVER) !== 0) break;
    try {
      record.record(queue.pop(PARK_MS));
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }
  }
  scope.postMessage({ type: 'idle' });
}
