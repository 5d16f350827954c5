// Codecs in each browser engine. Chromium's and Firefox's TextEncoder/
// TextDecoder refuse views of shared memory, WebKit's accept them: the string
// codec probes which (no engine-name tests) and copies only where it must.
// Either way strings and JSON must round-trip exactly, across threads.
import { expect, test } from 'vitest';
import { createQueue } from '../../ts/index.js';
import { sharedViews } from '../../ts/codecs.js';
import { createPool } from '../../ts/pool/index.js';
import { queueWorker } from './support/queue-workers.js';
import { senderOf, textOf } from './support/texts.js';

function works(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

test('the string codec knows whether this engine decodes and encodes into shared views (it copies where not)', () => {
  const shared = () => new Uint8Array(new SharedArrayBuffer(8));
  expect(sharedViews.decode).toBe(works(() => new TextDecoder().decode(shared())));
  expect(sharedViews.encodeInto).toBe(works(() => new TextEncoder().encodeInto('a', shared())));
});

/** Runs `fn` with the codecs' copying path forced on this thread, whatever this engine accepts. */
async function withCopyingCodecs<T>(fn: () => Promise<T> | T): Promise<T> {
  const saved = { ...sharedViews };
  sharedViews.decode = false;
  sharedViews.encodeInto = false;
  try {
    return await fn();
  } finally {
    Object.assign(sharedViews, saved);
  }
}

test('with the copying path forced (as in engines that refuse shared views), strings and JSON round-trip on this thread', async () => {
  await withCopyingCodecs(() => {
    const texts = [0, 1, 2, 36, 49].map((seq) => textOf(4, seq)); // 36: over 8 KiB of UTF-8
    const q = createQueue<string>({ codec: 'string', capacity: 1024, slotBytes: 32 });
    for (const t of texts) expect(q.tryPush(t)).toBe(true);
    expect(texts.map(() => q.tryPop())).toEqual(texts);
    const j = createQueue<unknown>({ codec: 'json', capacity: 64, slotBytes: 64 });
    const value = { text: textOf(5, 3), n: [1, 2.5, null] };
    expect(j.tryPush(value)).toBe(true);
    expect(j.tryPop()).toEqual(value);
  });
});

test('with the copying path forced, the pool still returns every result intact (copied out of shared memory first)', async () => {
  await withCopyingCodecs(async () => {
    const pool = createPool<{ op: 'echo'; value: unknown }, unknown>({
      worker: new URL('./pool/workers/behaviours.worker.ts', import.meta.url),
      threads: 2,
    });
    try {
      const inputs = Array.from({ length: 300 }, (_, i) => ({ i, text: textOf(6, i % 40) }));
      await expect(Promise.all(inputs.map((value) => pool.run({ op: 'echo', value })))).resolves.toEqual(inputs);
    } finally {
      await pool.close();
    }
  });
});

test('non-ASCII strings pushed by two workers reach the main thread (popAsync) intact and in per-producer order', async () => {
  const PER_PRODUCER = 2_000;
  const q = createQueue<string>({ codec: 'string', capacity: 512, slotBytes: 64 });
  const producing = [0, 1].map((p) =>
    queueWorker().call<number>({ op: 'produceStrings', handle: q.handle, producer: p, count: PER_PRODUCER }),
  );
  const next = [0, 0];
  for (let i = 0; i < 2 * PER_PRODUCER; i++) {
    const text = await q.popAsync({ timeoutMs: 20_000 });
    const { producer, seq } = senderOf(text);
    expect(seq).toBe(next[producer]); // in order, none lost or repeated
    expect(text).toBe(textOf(producer, seq)); // every code unit intact
    next[producer]++;
  }
  await Promise.all(producing);
  expect(next).toEqual([PER_PRODUCER, PER_PRODUCER]);
});

test('non-ASCII strings pushed by the main thread (pushAsync) reach a worker intact and in order', async () => {
  const COUNT = 2_000;
  const q = createQueue<string>({ codec: 'string', capacity: 512, slotBytes: 64 });
  const consuming = queueWorker().call<string[]>({ op: 'consumeStrings', handle: q.handle });
  const sent = Array.from({ length: COUNT }, (_, seq) => textOf(0, seq));
  for (const text of sent) await q.pushAsync(text);
  q.close();
  const received = await consuming;
  expect(received.length).toBe(COUNT);
  expect(received).toEqual(sent);
});

test('strings round-trip on the main thread itself through tryPush/tryPop and pushBatch/popBatch', () => {
  const q = createQueue<string>({ codec: 'string', capacity: 1024, slotBytes: 32 });
  const texts = [0, 1, 2, 36, 49].map((seq) => textOf(3, seq)); // 36: over 8 KiB of UTF-8
  for (const t of texts) expect(q.tryPush(t)).toBe(true);
  expect(texts.map(() => q.tryPop())).toEqual(texts);
  expect(q.pushBatch(texts)).toBe(texts.length);
  expect(q.popBatch(10)).toEqual(texts);
});

test('JSON values with non-ASCII strings round-trip between a worker and the main thread', async () => {
  const q = createQueue<unknown>({ codec: 'json' });
  const value = { text: textOf(1, 7), nested: [1, 'Ω', { e: '🚀' }], n: -0.5 };
  await q.pushAsync(value);
  // A worker pops it (decoding it there) and sends it back by postMessage.
  expect(await queueWorker().call({ op: 'popOnce', handle: q.handle })).toEqual(value);
});
