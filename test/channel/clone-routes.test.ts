// Through a real SharedChannel (both ends in this thread): random
// structured-clone-family values arrive exactly as structuredClone delivers
// them, whichever route they take (the shared queue's bytes or the platform
// lane), and what structured clone rejects throws a DataCloneError at
// postMessage with nothing sent. Random values: test/structured-values.ts.
//
// A failure prints fast-check's seed and path; rerun that case with
// WASMQ_FUZZ_SEED=<seed> WASMQ_FUZZ_PATH=<path>.
import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SharedChannel, type SharedPort } from '../../ts/index.js';
import { needsPlatformClone } from '../../ts/clone-rule.js';
import { build, graphs } from '../structured-values.js';
import { errorName, expectSameClone, outcomeOf } from '../clone-oracle.js';

const { port1, port2 } = new SharedChannel();
afterAll(() => port1.close());

/** The next message event's data on `port` (which is started by setting onmessage). */
function nextData(port: SharedPort): Promise<unknown> {
  return new Promise((resolve, reject) => {
    port.onmessage = (event) => resolve(event.data);
    port.onmessageerror = () => reject(new Error('messageerror'));
  });
}

describe('property: a SharedChannel delivers what structuredClone delivers', () => {
  test('random values, by either route, arrive equal to structuredClone, or postMessage throws DataCloneError', async () => {
    const routes = { lane: 0, bytes: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(graphs, async (graph) => {
        const value = build(graph);
        const expected = outcomeOf(() => structuredClone(value));
        // V8's structuredClone cannot read back an Error in a cycle: no oracle there.
        fc.pre(expected.ok || errorName(expected.error) === 'DataCloneError');
        routes[needsPlatformClone(value) ? 'lane' : 'bytes']++;
        const arrived = nextData(port2);
        const posted = outcomeOf(() => port1.postMessage(value));
        if (!expected.ok) {
          routes.rejected++;
          expect(posted.ok).toBe(false);
          expect(errorName(!posted.ok && posted.error)).toBe('DataCloneError');
          port1.postMessage('nothing was sent before this'); // proves the channel is in step
          expect(await arrived).toBe('nothing was sent before this');
          return;
        }
        if (!posted.ok) throw posted.error;
        expectSameClone(await arrived, expected.value);
      }),
      {
        numRuns: Number(process.env.WASMQ_FUZZ_RUNS ?? 300),
        ...(process.env.WASMQ_FUZZ_SEED ? { seed: Number(process.env.WASMQ_FUZZ_SEED) } : {}),
        ...(process.env.WASMQ_FUZZ_PATH ? { path: process.env.WASMQ_FUZZ_PATH } : {}),
      },
    );
    expect(routes.bytes).toBeGreaterThan(20);
    expect(routes.lane).toBeGreaterThan(20);
    expect(routes.rejected).toBeGreaterThan(0);
  }, 60_000);
});

/** Which event a real MessagePort of this engine delivers for `value`. */
async function platformEvent(value: unknown): Promise<string> {
  const { port1: a, port2: b } = new MessageChannel();
  try {
    const event = new Promise<string>((resolve) => {
      b.onmessage = () => resolve('message');
      b.onmessageerror = () => resolve('messageerror');
    });
    a.postMessage(value);
    return await event;
  } finally {
    a.close();
    b.close();
  }
}

describe('an Error that is part of a cycle (Node\'s V8 cannot read it back)', () => {
  test('takes the lane, and the receiver gets the event a MessagePort gives (Node: messageerror)', async () => {
    const error = new Error('loops');
    error.cause = { error };
    expect(needsPlatformClone(error)).toBe(true);
    const failed = new Promise<string>((resolve) => {
      port2.onmessage = () => resolve('message');
      port2.onmessageerror = () => resolve('messageerror');
    });
    port1.postMessage(error);
    // Node 20's V8 fails to read it back (messageerror); Deno's newer V8 and Bun's JSC deliver it.
    expect(await failed).toBe(await platformEvent(error));
    const next = nextData(port2);
    port1.postMessage('still in step');
    expect(await next).toBe('still in step');
  });
});
