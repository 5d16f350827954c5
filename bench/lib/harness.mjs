// The cross-thread harness: starts one worker per role of a peer, runs
// warm-up and measured rounds in lock step, and always terminates every
// worker it started (also when a round fails or hangs).
import { Worker } from 'node:worker_threads';

const ENDPOINT = new URL('../workers/endpoint.mjs', import.meta.url);

export class BenchError extends Error {
  name = 'BenchError';
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
    for (const { role, ctx } of roles) {
      const index = (counters[role] = (counters[role] ?? -1) + 1);
      const { data, transfer } = prepared.forWorker(role, index);
      workers.push(
        new Worker(ENDPOINT, { workerData: { peerUrl: peer.href, role, data, ctx: { ...ctx, index } }, transferList: transfer }),
      );
    }
    await Promise.all(workers.map((w) => nextMessage(w, 'ready', timeoutMs)));
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
      if (msg.type === 'error') finish(new BenchError(msg.message));
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
