// attachQueue refuses anything that is not a live wasmq queue, clearly, and never damages one.
import { describe, expect, it } from 'vitest';
import { attachQueue, createQueue } from '../../dist/index.js';
import { LAYOUT_VERSION, MAGIC, OFF_CAPACITY, OFF_MAGIC, OFF_VERSION } from '../../dist/kernel/layout.js';
import { runWorker } from '../helpers.js';

const bytes = (...xs: number[]) => new Uint8Array(xs);

describe('attachQueue with forged, truncated or foreign handles', () => {
  it('rejects non-objects and foreign objects', () => {
    expect(() => attachQueue(null as never)).toThrow(/expects a queue handle \(queue.handle\); got null/);
    expect(() => attachQueue(42 as never)).toThrow(TypeError);
    expect(() => attachQueue({} as never)).toThrow(/kind is undefined, expected "wasmq.queue"/);
  });

  it('rejects a handle of another layout version', () => {
    const q = createQueue();
    expect(() => attachQueue({ ...q.handle, version: 99 })).toThrow(`this wasmq reads layout version ${LAYOUT_VERSION}, but the handle is of version 99`);
  });

  it('rejects a handle whose memory or module is missing or of the wrong kind', () => {
    const q = createQueue();
    expect(() => attachQueue({ ...q.handle, memory: new WebAssembly.Memory({ initial: 1 }) })).toThrow(
      /must be a shared WebAssembly.Memory/,
    );
    expect(() => attachQueue({ ...q.handle, memory: undefined as never })).toThrow(TypeError);
    expect(() => attachQueue({ ...q.handle, module: {} as never })).toThrow(/must be a WebAssembly.Module/);
    const empty = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    expect(() => attachQueue({ ...q.handle, module: empty })).toThrow(/lacks the kernel function/);
  });

  it('rejects a shared memory that holds no queue', () => {
    const q = createQueue();
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    expect(() => attachQueue({ ...q.handle, memory })).toThrow(/does not start with the wasmq magic word/);
  });

  it('rejects a memory whose header was overwritten, and the original keeps working', () => {
    const q = createQueue();
    const u32 = new Uint32Array(q.handle.memory.buffer);
    q.tryPush(bytes(1));

    u32[OFF_VERSION >> 2] = 7;
    expect(() => attachQueue(q.handle)).toThrow(/queue memory is of version 7/);
    u32[OFF_VERSION >> 2] = LAYOUT_VERSION;

    const cap = u32[OFF_CAPACITY >> 2];
    u32[OFF_CAPACITY >> 2] = 1000; // not a power of two
    expect(() => attachQueue(q.handle)).toThrow(/header is inconsistent/);
    u32[OFF_CAPACITY >> 2] = 2 ** 27; // would run past the memory
    expect(() => attachQueue(q.handle)).toThrow(/header is inconsistent/);
    u32[OFF_CAPACITY >> 2] = cap;

    u32[OFF_MAGIC >> 2] = 0;
    expect(() => attachQueue(q.handle)).toThrow(/magic word/);
    u32[OFF_MAGIC >> 2] = MAGIC;

    expect(attachQueue(q.handle).tryPop()).toEqual(bytes(1));
  });

  it('a handle survives structured cloning', () => {
    const q = createQueue({ codec: 'string' });
    const clone = structuredClone(q.handle);
    attachQueue<string>(clone).tryPush('via clone');
    expect(q.tryPop()).toBe('via clone');
  });
});

describe('attachQueue on another thread', () => {
  it.each([
    ['json', { n: 1, list: ['a', null, { deep: true }] }, { reply: [2, 'b'] }],
    ['string', 'héllo, 世界', 'wörld'],
  ] as const)("a worker attaching a '%s' queue's handle without a codec option decodes and encodes with the queue's codec", async (codec, sent, reply) => {
    const q = createQueue<unknown>({ codec });
    expect(q.tryPush(sent)).toBe(true);
    const { worker, result } = runWorker<{ value?: unknown; error?: string }>('codec-echo.mjs', { handle: q.handle, reply });
    try {
      expect(await result).toEqual({ value: sent });
      expect(q.tryPop()).toEqual(reply);
    } finally {
      await worker.terminate();
    }
  });
});
