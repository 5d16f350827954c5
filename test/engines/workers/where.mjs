// Reports which engine runs this thread, and how it got its workerData.
import { isMainThread, workerData as nodeWorkerData } from 'node:worker_threads';
import { parentPort, workerData } from '../../workers/thread-port.mjs';

const engine = typeof Deno === 'object' ? 'deno' : globalThis.process?.versions?.bun ? 'bun' : 'node';
parentPort.postMessage({ engine, echo: workerData.echo, viaWorkerThreads: !isMainThread && nodeWorkerData?.echo === workerData.echo });
