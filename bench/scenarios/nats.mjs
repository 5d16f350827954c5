// Going remote over NATS (wasmq/nats), against a nats-server started here
// (JetStream, loopback, a temporary store):
//   tasks: tiny tasks (x => x + 1) through remotePool to 2 "machines" (child
//     processes, each serving a 1-thread wasmq/pool), against one local
//     wasmq/pool and Piscina of 2 threads: the cost of going remote;
//   stream: 64-byte messages from a queue through forward → NATS → receive
//     (durable) into another queue, against the NATS client alone doing the
//     same JetStream work its own fastest way (publish with up to 1024
//     unacknowledged; consume(), which pulls ahead, acking each). Target:
//     wasmq adds at most 10%.
// Every connection is opened with noAsyncTraces, the client's fastest
// setting: without it each request (a JetStream publish is one) captures a
// stack trace, about half of this process's CPU per streamed message.
// Rounds interleaved, the order rotated each round. Machines of 2 cores
// share them with the server and the client here: absolute figures are low.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Piscina } from 'piscina';
import { createQueue } from '../../dist/index.js';
import { createPool } from '../../dist/pool/index.js';
import { forward, receive, remotePool } from '../../dist/nats/index.js';
import { startNats } from '../lib/nats-server.mjs';
import { idAt, stamp } from '../lib/messages.mjs';
import { NATS_POOL, NATS_POOL_IMPL, NATS_STREAM, NATS_STREAM_IMPL } from '../lib/names.mjs';

export const title = 'Across machines over NATS (wasmq/nats)';
export const nodeOnly = 'Node only: its machines are Node processes and its Piscina row is Node\'s';

const taskFile = new URL('../workers/pool-tasks.mjs', import.meta.url);
const IN_FLIGHT = 256;

export function rows() {
  return [
    ...Object.values(NATS_POOL_IMPL).map((impl) => ({ scenario: NATS_POOL, impl })),
    ...Object.values(NATS_STREAM_IMPL).map((impl) => ({ scenario: NATS_STREAM, impl })),
  ];
}

/** Tasks/s over `ms` with IN_FLIGHT outstanding (each settled one submits the next); checks every answer. */
function windowed(run, ms) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let submitted = 0;
    let settled = 0;
    const launch = () => {
      const i = submitted++;
      run(i).then((out) => {
        if (out !== i + 1) return reject(new Error(`a pool answered ${out} to ${i}`));
        settled++;
        if (performance.now() - start < ms) launch();
        else if (settled === submitted) resolve((settled / (performance.now() - start)) * 1000);
      }, reject);
    };
    for (let k = 0; k < IN_FLIGHT; k++) launch();
  });
}

function machine(url, subject) {
  const child = fork(fileURLToPath(new URL('../workers/nats-machine.mjs', import.meta.url)), [url, subject], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`a NATS bench machine exited with ${code} before serving`)));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function interleaved(list, rounds, measure) {
  const samples = new Map(list.map((p) => [p.impl, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < list.length; k++) {
      const p = list[(k + r) % list.length];
      samples.get(p.impl).push(await measure(p));
    }
  }
  return samples;
}

async function tasks({ quick, log }, url, nc) {
  const subject = `bench.tasks.${process.pid}`;
  const machines = await Promise.all([machine(url, subject), machine(url, subject)]);
  const remote = remotePool({ connection: nc, subject });
  const local = createPool({ worker: taskFile, threads: 2 });
  const piscina = new Piscina({ filename: fileURLToPath(taskFile), minThreads: 2, maxThreads: 2 });
  const list = [
    { impl: NATS_POOL_IMPL.piscina, baseline: true, run: (x) => piscina.run(x) },
    { impl: NATS_POOL_IMPL.local, run: (x) => local.run(x) },
    { impl: NATS_POOL_IMPL.remote, run: (x) => remote.run(x) },
  ];
  try {
    const ms = quick ? 300 : 800;
    for (const p of list) await windowed(p.run, ms / 2); // warm-up
    const samples = await interleaved(list, quick ? 3 : 5, (p) => windowed(p.run, ms));
    log(`${NATS_POOL}: ${list.map((p) => `${p.impl} ${median(samples.get(p.impl)).toPrecision(4)}`).join(', ')}`);
    return list.map((p) => ({ scenario: NATS_POOL, impl: p.impl, unit: 'tasks/s', higherIsBetter: true, ...(p.baseline ? { baseline: true } : {}), samples: samples.get(p.impl) }));
  } finally {
    await remote.close();
    for (const m of machines) m.send('close');
    await Promise.all(machines.map((m) => new Promise((r) => (m.exitCode !== null ? r() : m.once('exit', r)))));
    await local.close();
    await piscina.destroy();
  }
}

let streams = 0;
/** queue → forward → NATS → receive (durable) → queue: msg/s from the first push to the last message taken. */
async function wasmqStream(nc, count) {
  const subject = `bench.stream.${process.pid}.${++streams}`;
  const from = createQueue({ capacity: 4096, slotBytes: 64, codec: 'bytes' });
  const to = createQueue({ capacity: 4096, slotBytes: 64, codec: 'bytes' });
  const rx = await receive({ connection: nc, subject, durable: 'bench' }, to);
  const tx = await forward(from, { connection: nc, subject });
  const message = new Uint8Array(64);
  const start = performance.now();
  const sending = (async () => {
    for (let i = 1; i <= count; i++) {
      stamp(message, i);
      if (!from.tryPush(message)) await from.pushAsync(message);
    }
  })();
  let got = 0;
  let expect = 1;
  while (got < count) {
    got += await to.drainAsync((bytes, offset) => {
      if (idAt(bytes, offset) !== expect++) throw new Error('wasmq/nats stream: a message out of order');
    }, { max: 512, timeoutMs: 60_000 });
  }
  const rate = (count / (performance.now() - start)) * 1000;
  await sending;
  await tx.close();
  await rx.close();
  return rate;
}

/** The NATS client alone doing the same JetStream work on the same payloads. */
async function bareStream(nc, count) {
  const subject = `bench.bare.${process.pid}.${++streams}`;
  const jsm = await jetstreamManager(nc);
  const stream = `BENCH_${process.pid}_${streams}`;
  await jsm.streams.add({ name: stream, subjects: [subject], retention: 'workqueue', storage: 'file' });
  await jsm.consumers.add(stream, { durable_name: 'bench', ack_policy: 'explicit' });
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, 'bench');
  const message = new Uint8Array(64);
  const start = performance.now();
  const sending = (async () => {
    let acks = [];
    for (let i = 1; i <= count; i++) {
      stamp(message, i);
      acks.push(js.publish(subject, message.slice()));
      if (acks.length >= 1024) await Promise.all(acks.splice(0));
    }
    await Promise.all(acks);
  })();
  let got = 0;
  let expect = 1;
  // consume(): the client's own pipelined pulls, its fastest way to read a stream.
  const messages = await consumer.consume({ max_messages: 256 });
  for await (const m of messages) {
    if (idAt(m.data, 0) !== expect++) throw new Error('bare NATS stream: a message out of order');
    m.ack();
    if (++got === count) break;
  }
  await messages.close();
  const rate = (count / (performance.now() - start)) * 1000;
  await sending;
  await jsm.streams.delete(stream);
  return rate;
}

async function stream({ quick, log }, nc) {
  const count = quick ? 20_000 : 100_000;
  const list = [
    { impl: NATS_STREAM_IMPL.bare, baseline: true, run: () => bareStream(nc, count) },
    { impl: NATS_STREAM_IMPL.wasmq, run: () => wasmqStream(nc, count) },
  ];
  for (const p of list) await p.run(); // warm-up
  const samples = await interleaved(list, quick ? 3 : 5, (p) => p.run());
  log(`${NATS_STREAM}: ${list.map((p) => `${p.impl} ${median(samples.get(p.impl)).toPrecision(4)}`).join(', ')}`);
  return list.map((p) => ({ scenario: NATS_STREAM, impl: p.impl, unit: 'msg/s', higherIsBetter: true, ...(p.baseline ? { baseline: true } : {}), samples: samples.get(p.impl) }));
}

export async function run(ctx) {
  const server = await startNats();
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  try {
    return [...(await tasks(ctx, server.url, nc)), ...(await stream(ctx, nc))];
  } finally {
    await nc.close();
    await server.stop();
  }
}
