// Random structured-clone-family values (test/structured-values.ts: -0,
// holes, BigInts far beyond 1000 bits, own "__proto__" keys, toJSON,
// functions and symbols nested anywhere, platform objects, cycles) through
// both users of the serializer, with structuredClone as the oracle:
// - the channel: the lane when needsPlatformClone says so (the platform
//   clones: structuredClone itself), else serialize/deserialize; the outcome
//   must be structuredClone's exactly, or both throw DataCloneError;
// - the pool: encodeTaskInput/decodeTaskInput and encodeResult/decodeResult;
//   the outcome must be structuredClone's with exactly the documented
//   approximation, or a DataCloneError exactly where the documented
//   contract says so (test/clone-oracle.ts's poolRejects).
//
// A failure prints fast-check's seed and path; rerun that case with
// WASMQ_FUZZ_SEED=<seed> WASMQ_FUZZ_PATH=<path>. WASMQ_FUZZ_RUNS sets the runs.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { needsPlatformClone } from '../ts/clone-rule.js';
import { Serializer, deserialize, serialize } from '../ts/serialize.js';
import {
  RESULT_ERROR, RESULT_OK, TASK_HEADER_BYTES, decodeResult, decodeTaskInput, encodeResult, encodeTaskInput, writeTaskId,
} from '../ts/pool/task-codec.js';
import { SharedStructures } from '../ts/structures.js';
import { build, graphs } from './structured-values.js';
import { fuzzParameters } from './fuzz.js';
import { errorName, expectSameClone, outcomeOf, poolApproximation, poolRejects, type Outcome } from './clone-oracle.js';

const fuzz: fc.Parameters<unknown> = fuzzParameters(1000);

/** The two ends of a pool: the main thread's serializer and a worker's, over one table of shapes. */
const table = new SharedStructures();
const mainSide = new Serializer(table);
const workerSide = new Serializer(new SharedStructures(table.buffer));

/** The oracle: what structuredClone does with the value. */
const oracle = (value: unknown): Outcome => outcomeOf(() => structuredClone(value));

/**
 * V8's structuredClone cannot read back an Error that is part of a cycle
 * ("Unable to deserialize cloned data", a plain Error): there the oracle
 * has no answer, and the case is discarded (the pool's behaviour for it is
 * pinned in clone-rule.test.ts).
 */
function oracleAnswers(expected: Outcome): boolean {
  return expected.ok || errorName(expected.error) === 'DataCloneError';
}

function expectCloneError(outcome: Outcome, what: string): void {
  if (outcome.ok) throw new Error(`${what}: delivered a value where a DataCloneError was due`);
  expect(errorName(outcome.error), `${what}: ${(outcome.error as Error)?.message}`).toBe('DataCloneError');
}

/**
 * Checks the pool's outcome for `value`: a DataCloneError exactly where the
 * contract says so, else structuredClone's result with the documented
 * approximation.
 */
function expectPoolContract(value: unknown, expected: Outcome, pool: Outcome): void {
  if (poolRejects(value)) {
    expectCloneError(pool, 'the pool');
    return;
  }
  // Everything structured clone rejects, the contract rejects too.
  if (!expected.ok) throw new Error(`model gap: structuredClone threw ${errorName(expected.error)} but poolRejects is false`);
  if (!pool.ok) throw pool.error;
  expectSameClone(pool.value, poolApproximation(expected.value), { ignoreErrorStack: true });
}

describe('property: the channel delivers exactly what structuredClone delivers', () => {
  test('lane when needsPlatformClone, else bytes: equal to structuredClone, or both throw DataCloneError', () => {
    const routes = { lane: 0, bytes: 0, rejected: 0 };
    fc.assert(
      fc.property(graphs, (graph) => {
        const value = build(graph);
        const expected = oracle(value);
        fc.pre(oracleAnswers(expected));
        let channel: Outcome;
        if (needsPlatformClone(value)) {
          routes.lane++;
          channel = oracle(value); // MessagePort.postMessage clones with the same algorithm
        } else {
          routes.bytes++;
          channel = outcomeOf(() => deserialize(serialize(value)));
        }
        if (!expected.ok) {
          routes.rejected++;
          expect(errorName(expected.error)).toBe('DataCloneError');
          expectCloneError(channel, 'the channel');
        } else {
          if (!channel.ok) throw channel.error;
          expectSameClone(channel.value, expected.value);
        }
      }),
      fuzz,
    );
    // Each route was exercised, or the property proved little.
    expect(routes.bytes).toBeGreaterThan(fuzz.numRuns! / 10);
    expect(routes.lane).toBeGreaterThan(fuzz.numRuns! / 10);
    expect(routes.rejected).toBeGreaterThan(0);
  });
});

describe('property: the pool delivers structuredClone with the documented approximation, or a DataCloneError', () => {
  test('task inputs: encodeTaskInput, then decodeTaskInput behind a task header', () => {
    const seen = { delivered: 0, rejected: 0 };
    fc.assert(
      fc.property(graphs, fc.nat(), (graph, id) => {
        const value = build(graph);
        const expected = oracle(value);
        fc.pre(oracleAnswers(expected));
        const pool = outcomeOf(() => {
          const input = encodeTaskInput(mainSide, value);
          const message = new Uint8Array(TASK_HEADER_BYTES + input.length);
          message.set(input, TASK_HEADER_BYTES);
          writeTaskId(message, id, false);
          return decodeTaskInput(workerSide, message);
        });
        seen[pool.ok ? 'delivered' : 'rejected']++;
        expectPoolContract(value, expected, pool);
      }),
      fuzz,
    );
    expect(seen.delivered).toBeGreaterThan(fuzz.numRuns! / 10);
    expect(seen.rejected).toBeGreaterThan(fuzz.numRuns! / 10);
  });

  test('task results: encodeResult, then decodeResult (a failure to decode is the task\'s error, by id)', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: 1, max: 2 ** 32 - 1 }), (graph, id) => {
        const value = build(graph);
        const expected = oracle(value);
        fc.pre(oracleAnswers(expected));
        const pool = outcomeOf(() => {
          const [gotId, status, result] = decodeResult(mainSide, encodeResult(workerSide, id, RESULT_OK, value).slice());
          expect(gotId).toBe(id);
          if (status === RESULT_ERROR) throw result; // what the pool rejects run() with
          expect(status).toBe(RESULT_OK);
          return result;
        });
        expectPoolContract(value, expected, pool);
      }),
      fuzz,
    );
  });
});
