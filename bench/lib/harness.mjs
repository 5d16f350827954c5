// The cross-thread harness: starts one worker per role of a peer, runs
// warm-up and measured rounds in lock step, and always terminates every
// worker it started (also when a round fails or hangs).
import { Worker } from 'node:worker_threads';
import { RUNTIME_LABEL, currentRuntime } from './runtime.mjs';

const ENDPOINT = new URL('../workers/endpoint.mjs', import.meta.url);

export class BenchError extends Error {
  name = 'BenchError';
}

/**
 * A transport that cannot run in this runtime: the row is skipped with
 * `reason`, not failed. Only ever for a missing capability, never for a
 * transport that ran and lost or duplicated a message.
 */
export class UnsupportedError extends Error {
  name = 'UnsupportedError';
}

/**
 * Why `transport` cannot run here as `kind` ('throughput' | 'latency'), or
 * null: the peer's own capability check (its optional `unsupported(kind,
 * runtime)` export), or the peer module failing to load in this runtime.
 */
export async function unsupportedReason(transport, kind) {
  const runtime = currentRuntime();
  let module;
  try {
    module = await import(transport.peer.href);
  } catch (error) {
    if (runtime.name === 'node') throw error;
    return `its peer module does not load in ${RUNTIME_LABEL[runtime.name]} ${runtime.version}: ${error?.message ?? error}`;
  }
  // What every peer needs: shared memory, and blocking waits in Workers.
  if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer in this runtime';
  if (typeof Atomics?.wait !== 'function') return 'no Atomics.wait in this runtime';
  return module.unsupported?.(kind, runtime) ?? null;
}

/**
 * A row labelled Deno or Bun must have been measured there, threads
 * included: throws unless every worker's 'ready' message says it runs in
 * `here` (the harness's runtime).
 */
export function checkWorkerRuntimes(ready, here, what = 'harness') {
  const elsewhere = ready.find((m) => m.runtime?.name !== here);
  if (elsewhere) {
    throw new BenchError(
      `a ${what} worker runs in ${RUNTIME_LABEL[elsewhere.runtime?.name] ?? 'an unknown runtime'}, not in ${RUNTIME_LABEL[here]} as its harness does`,
    );
  }
}

/** How many Workers reported each runtime ("deno 2.9.6") since the last call to takeWorkerRuntimes(). */
const workerRuntimes = new Map();
/** The runtimes the Workers started since the last call reported, {"deno 2.9.6": count}, and resets the tally. */
export function takeWorkerRuntimes() {
  const seen = Object.fromEntries(workerRuntimes);
  workerRuntimes.clear();
  return seen;
}

/**
 * @param {object} options
 * @param {URL} options.peer            the peer module
 * @param {string} options.kind         'throughput' | 'latency' (passed to peer.prepare)
 * @param {object} options.config       passed to peer.prepare
 * @param {{role: string, ctx: object}[]} options.roles  one worker each
 * @param {object[]} options.rounds     the messages for each round (warm-up included)
 * @param {number} options.timeoutMs    a round taking longer than this fails the bench
 * @returns {Promise<object[][]>}       per round, the results in `roles` order
 */
export async function runWorkers({ peer, kind, config, roles, rounds, timeoutMs }) {
  const module = await import(peer.href);
  const prepared = module.prepare(kind, config);
  const workers = [];
  const counters = {};
  try {
    const here = currentRuntime().name;
    let ready;
    try {
      for (const { role, ctx } of roles) {
        const index = (counters[role] = (counters[role] ?? -1) + 1);
        const { data, transfer } = prepared.forWorker(role, index);
        workers.push(
          new Worker(ENDPOINT, { workerData: { peerUrl: peer.href, role, data, ctx: { ...ctx, index } }, transferList: transfer }),
        );
      }
      ready = await Promise.all(workers.map((w) => nextMessage(w, 'ready', timeoutMs)));
    } catch (error) {
      // Outside Node, a worker that cannot start or open its role is a
      // capability this runtime lacks: the row is skipped, saying why. In
      // Node (the reference) it stays a failure.
      if (here !== 'node' && (error.opening || !(error instanceof BenchError))) {
        throw new UnsupportedError(`its workers do not start in ${RUNTIME_LABEL[here]}: ${error.message}`);
      }
      throw error;
    }
    for (const m of ready) {
      const key = `${m.runtime?.name} ${m.runtime?.version}`;
      workerRuntimes.set(key, (workerRuntimes.get(key) ?? 0) + 1);
    }
    checkWorkerRuntimes(ready, here, peer.pathname.split('/').pop());
    const results = [];
    for (let r = 0; r < rounds.length; r++) {
      const replies = workers.map((w) => nextMessage(w, 'result', timeoutMs));
      for (const w of workers) w.postMessage({ ...rounds[r], round: r });
      results.push((await Promise.all(replies)).map((m) => m.result));
    }
    return results;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The next message of `type` from a worker; rejects on error, exit or timeout. */
function nextMessage(worker, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new BenchError(`a worker sent no '${type}' within ${timeoutMs} ms (hung transport?)`)), timeoutMs);
    const onMessage = (msg) => {
      if (msg.type === 'error') finish(Object.assign(new BenchError(msg.message), { opening: msg.opening === true }));
      else if (msg.type === type) finish(null, msg);
    };
    const onError = (e) => finish(e);
    const onExit = (code) => finish(new BenchError(`a worker exited (code ${code}) before sending '${type}'`));
    function finish(error, msg) {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (error) reject(error);
      else resolve(msg);
    }
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Runs `measure()` unless `transport` cannot run in this runtime (its
 * capability check, or its workers failing to start outside Node): then
 * logs why, reports each of its `rows` ({scenario, impl}) through `skip`
 * (the bench's run() option; the table lists skipped rows) and returns
 * undefined. Every other failure, a lost message above all, still throws.
 */
export async function measureOrSkip({ transport, kind, rows, skip, log }, measure) {
  let reason = await unsupportedReason(transport, kind);
  if (reason === null) {
    try {
      return await measure();
    } catch (error) {
      if (!(error instanceof UnsupportedError)) throw error;
      reason = error.message;
    }
  }
  const runtime = currentRuntime();
  log?.(`${[...new Set(rows.map((r) => r.scenario))].join(', ')}  ${transport.impl}: skipped in ${RUNTIME_LABEL[runtime.name]} ${runtime.version}: ${reason}`);
  for (const row of rows) skip?.({ ...row, runtime: runtime.name, reason });
  return undefined;
}
