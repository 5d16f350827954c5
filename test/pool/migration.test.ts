// The README's "From Piscina" table, run: each row's example must give what
// its last column says, against a pool of 2 workers serving named.mjs. A row
// whose example stops working fails here, so the table stays true.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createPool as realCreatePool, move, type Pool, type PoolOptions } from '../../dist/pool/index.js';
import { nodeWorkerThreads, resourceLimitsApply } from '../../ts/pool/thread-host.js';
import { pool as testPool, workerFile } from './helpers.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('<!-- migration:start -->'), readme.indexOf('<!-- migration:end -->'));
/** [piscina, wasmq, example, gives] of each body row. */
const rows = table
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| Piscina |'))
  .map((line) => line.slice(2, -2).split(' | '));
const codeOf = (cell: string) => {
  const m = /^`(.*)`$/.exec(cell.trim());
  if (!m) throw new Error(`expected one code span, got: ${cell}`);
  return m[1];
};

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
const worker = workerFile('named.mjs');
const limitsApply = resourceLimitsApply(nodeWorkerThreads()!);
/** The error's name, for rows whose example is a refusal. */
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).name;
  }
  throw new Error('it was not refused');
};

describe('the README migration table from Piscina', () => {
  it('has rows, each with an example and what it gives', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const row of rows) expect(row, row.join(' | ')).toHaveLength(4);
  });

  it.each(rows.map((row) => [row[0], row] as const))('%s', async (_piscina, row) => {
    const [, , example, gives] = row;
    const pool = testPool({ worker, threads: 2 });
    const created: Pool[] = [];
    // Pools an example creates are closed after it, like the test's own.
    const createPool = (options: PoolOptions) => {
      const p = realCreatePool(options);
      created.push(p);
      return p;
    };
    const scope = { createPool, pool, worker, move, refused, limitsApply };
    const names = Object.keys(scope);
    const values = Object.values(scope);
    const run = async (code: string) => {
      try {
        return await new AsyncFunction(...names, `return await (${code});`)(...values);
      } catch (e) {
        return refused(() => {
          throw e;
        });
      }
    };
    try {
      const got = await run(codeOf(example));
      const expected = await new AsyncFunction(...names, `return (${codeOf(gives)});`)(...values);
      expect(got, codeOf(example)).toEqual(expected);
    } finally {
      await Promise.all(created.map((p) => p.close({ force: true })));
    }
  });
});
