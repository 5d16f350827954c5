// servePool and remotePool against a real nats-server (JetStream): results,
// named handlers, errors that keep their name, message and stack, abort,
// timeouts that name the subject, and clear errors for bad input.
import { describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { TimeoutError } from '../../dist/index.js';
import { PoolClosedError } from '../../dist/pool/index.js';
import { remotePool, servePool } from '../../dist/nats/index.js';
import { pool, workerFile } from '../pool/helpers.js';
import { startNats, useNats } from './server.js';

const nats = useNats();

let subjects = 0;
const freshSubject = () => `test.pool.${process.pid}.${++subjects}`;
const named = workerFile('named.mjs');

describe('remotePool over servePool', () => {
  it('answers every run with its own result, with named handlers, and both ends count what they did', async () => {
    const subject = freshSubject();
    const local = pool({ worker: named, threads: 2 });
    const serving = await servePool(local, { connection: nats.nc, subject });
    const remote = remotePool<number, number>({ connection: nats.nc, subject });
    const n = 2000;
    const plain = await Promise.all(Array.from({ length: n }, (_, i) => remote.run(i)));
    expect(plain).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const doubled = await Promise.all(Array.from({ length: 100 }, (_, i) => remote.run(i, { name: 'double' })));
    expect(doubled).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(remote.stats).toEqual({ pending: 0, completed: n + 100, duplicates: 0, late: 0 });
    expect(serving.stats).toMatchObject({ running: 0, completed: n + 100, redelivered: 0, expired: 0 });
    await remote.close();
    await serving.close();
  });

  it('rejects with the task error, keeping its name, message and stack, and an unknown name names the known ones', async () => {
    const subject = freshSubject();
    const serving = await servePool(pool({ worker: named, threads: 1 }), { connection: nats.nc, subject });
    const remote = remotePool({ connection: nats.nc, subject });
    const error = await remote.run('bad input', { name: 'fail' }).catch((e: unknown) => e) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TypeError');
    expect(error.message).toBe('bad input');
    expect(error.stack).toContain('named.mjs'); // the worker's stack, where the task threw
    const unknown = await remote.run(1, { name: 'nope' }).catch((e: unknown) => e) as Error;
    expect(unknown.message).toMatch(/nope/);
    expect(unknown.message).toMatch(/double/);
    await remote.close();
    await serving.close();
  });

  it('rejects after timeoutMs with a TimeoutError naming the subject when no machine serves it', async () => {
    const subject = freshSubject();
    const remote = remotePool({ connection: nats.nc, subject, timeoutMs: 300 });
    const error = await remote.run(1).catch((e: unknown) => e) as Error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain(`"${subject}"`);
    expect(error.message).toContain('300 ms');
    expect(remote.stats.pending).toBe(0);
    // A machine that starts later skips the expired task instead of running it for nobody.
    const serving = await servePool(pool({ worker: named, threads: 1 }), { connection: nats.nc, subject });
    await expect(remotePool<number, number>({ connection: nats.nc, subject }).run(41)).resolves.toBe(42);
    expect(serving.stats.expired).toBe(1);
    expect(serving.stats.completed).toBe(1);
    await serving.close();
  });

  it('rejects with the signal reason on abort, and drops the result that comes later', async () => {
    const subject = freshSubject();
    const serving = await servePool(pool({ worker: named, threads: 1 }), { connection: nats.nc, subject });
    const remote = remotePool({ connection: nats.nc, subject });
    const controller = new AbortController();
    const running = remote.run({ ms: 300, value: 'late' }, { name: 'sleep', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('changed my mind')), 50);
    await expect(running).rejects.toThrow('changed my mind');
    const deadline = Date.now() + 10_000;
    while (remote.stats.late === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(remote.stats).toMatchObject({ pending: 0, completed: 0, late: 1, duplicates: 0 });
    await expect(remote.run(1, { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    await remote.close();
    await serving.close();
  });

  it('holds a long task past the ack wait with in-progress acks, so it runs once', async () => {
    const subject = freshSubject();
    const serving = await servePool(pool({ worker: named, threads: 1 }), { connection: nats.nc, subject, ackWaitMs: 300 });
    const remote = remotePool({ connection: nats.nc, subject });
    await expect(remote.run({ ms: 1500, value: 'done' }, { name: 'sleep' })).resolves.toBe('done');
    await new Promise((r) => setTimeout(r, 500)); // a redelivery would have come by now
    expect(serving.stats).toMatchObject({ completed: 1, redelivered: 0 });
    expect(remote.stats.duplicates + remote.stats.late).toBe(0);
    await remote.close();
    await serving.close();
  });

  it('close() waits for pending runs; run() after close rejects with PoolClosedError', async () => {
    const subject = freshSubject();
    const serving = await servePool(pool({ worker: named, threads: 1 }), { connection: nats.nc, subject });
    const remote = remotePool({ connection: nats.nc, subject });
    const running = remote.run({ ms: 200, value: 'kept' }, { name: 'sleep' });
    await new Promise((r) => setTimeout(r, 20));
    await remote.close();
    await expect(running).resolves.toBe('kept');
    await expect(remote.run(1)).rejects.toBeInstanceOf(PoolClosedError);
    await serving.close();
  });
});

describe('failures', () => {
  it('rejects pending runs with a clear error when the server goes away mid-run and the connection closes', async () => {
    const own = await startNats();
    const conn = await connect({ servers: own.url, reconnect: false });
    const subject = freshSubject();
    const serving = await servePool(pool({ worker: named, threads: 1 }), { connection: conn, subject });
    const remote = remotePool({ connection: conn, subject });
    await expect(remote.run(1)).resolves.toBe(2);
    const running = expect(remote.run({ ms: 2000, value: 'never' }, { name: 'sleep' }))
      .rejects.toThrow(/remotePool ".*": the NATS connection closed before the result came/);
    await new Promise((r) => setTimeout(r, 200));
    await own.stop(true);
    await running;
    expect(remote.stats.pending).toBe(0);
    await expect(remote.run(1)).rejects.toThrow(/could not hand the task to NATS/);
    await serving.close();
  });
});

describe('bad input', () => {
  it('refuses bad options, saying what is allowed', async () => {
    expect(() => remotePool({ connection: nats.nc, subject: 'a.*' })).toThrow(/NATS subject.*'\*'/);
    expect(() => remotePool({ connection: {} as NatsConnection, subject: 'x' })).toThrow(/open NATS connection/);
    expect(() => remotePool({ connection: nats.nc, subject: 'x', timeoutMs: 0 })).toThrow(/timeoutMs must be a finite number of milliseconds > 0/);
    const remote = remotePool({ connection: nats.nc, subject: freshSubject() });
    await expect(remote.run(1, { transferList: [] } as never)).rejects.toThrow(/transferList has no meaning across machines/);
    await expect(remote.run(() => 1)).rejects.toMatchObject({ name: 'DataCloneError' });
    await remote.close();
    const local = pool({ worker: named, threads: 1 });
    await expect(servePool(local, { connection: nats.nc, subject: 'x', concurrency: 0 })).rejects.toThrow(/concurrency must be an integer >= 1/);
    await expect(servePool({} as never, { connection: nats.nc, subject: 'x' })).rejects.toThrow(/takes a pool/);
  });

  it('refuses a stream or consumer of another shape instead of reconfiguring it', async () => {
    const subject = freshSubject();
    const jsm = await jetstreamManager(nats.nc);
    const stream = `WASMQ_POOL_${subject.replace(/\./g, '_2E')}`;
    await jsm.streams.add({ name: stream, subjects: [`wasmq.pool.${subject}`], retention: 'limits' });
    const local = pool({ worker: named, threads: 1 });
    await expect(servePool(local, { connection: nats.nc, subject })).rejects.toThrow(new RegExp(`stream ${stream} exists with another shape: its retention is 'limits', not 'workqueue'`));
    await jsm.streams.delete(stream);
    const first = await servePool(local, { connection: nats.nc, subject, ackWaitMs: 1000 });
    await expect(servePool(local, { connection: nats.nc, subject, ackWaitMs: 2000 })).rejects.toThrow(/ack wait is 1000 ms, not the 2000 ms asked for/);
    await first.close();
  });
});
