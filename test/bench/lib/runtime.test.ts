import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  RUNTIMES, currentRuntime, locateRuntime, missingRuntimeMessage, moduleRuntimes, parseRuntimes, runtimeCommand,
} from '../../../bench/lib/runtime.mjs';
import { BenchError, checkWorkerRuntimes, measureOrSkip } from '../../../bench/lib/harness.mjs';
import * as throughput from '../../../bench/scenarios/throughput.mjs';
import * as latency from '../../../bench/scenarios/latency.mjs';
import * as coldStart from '../../../bench/scenarios/cold-start.mjs';
import * as bandwidth from '../../../bench/scenarios/bandwidth.mjs';

const RUN = fileURLToPath(new URL('../../../bench/run.mjs', import.meta.url));

describe('bench --runtime', () => {
  it('parses one runtime or several, in table order, once each, whatever the case', () => {
    expect(parseRuntimes('deno')).toEqual(['deno']);
    expect(parseRuntimes('bun,Node,deno,node')).toEqual(['node', 'deno', 'bun']);
    expect(parseRuntimes(' node , bun ')).toEqual(['node', 'bun']);
    expect(RUNTIMES).toEqual(['node', 'deno', 'bun']);
  });

  it('rejects an unknown or empty value, naming the allowed ones', () => {
    expect(() => parseRuntimes('deno,firefox')).toThrow(/unknown runtime "firefox" in --runtime; allowed: node, deno, bun/);
    expect(() => parseRuntimes('')).toThrow(/--runtime needs a value; allowed: node, deno, bun/);
    expect(() => parseRuntimes(undefined)).toThrow(RangeError);
  });

  it('makes `npm run bench` exit 2 on an unknown runtime, before measuring anything, saying what is allowed', () => {
    const r = spawnSync(process.execPath, [RUN, '--runtime=firefox'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown runtime "firefox"');
    expect(r.stderr).toContain('allowed: node, deno, bun');
    const save = spawnSync(process.execPath, [RUN, '--runtime=deno', '--save'], { encoding: 'utf8' });
    expect(save.status).toBe(2);
    expect(save.stderr).toMatch(/--save writes the Node reference run/);
  });

  it('gives the commands that install a missing runtime', () => {
    expect(locateRuntime('deno', () => undefined)).toBeUndefined();
    const message = missingRuntimeMessage('deno');
    expect(message).toMatch(/^Deno is not installed, so the bench cannot run in it/);
    expect(message).toContain('`npm install`');
    expect(message).toMatch(/`npm install --no-save deno@\d+\.\d+\.\d+`/);
    expect(message).toContain('node_modules/.bin/deno');
    expect(missingRuntimeMessage('bun')).toMatch(/`npm install --no-save bun@\d+\.\d+\.\d+`/);
  });

  it('keeps only the version number of what the binary says, and runs Node as this process', () => {
    const found = locateRuntime('deno', () => ({ bin: '/x/deno', version: 'deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)' }));
    expect(found).toEqual({ bin: '/x/deno', version: '2.9.6' });
    expect(locateRuntime('bun', () => ({ bin: '/x/bun', version: '1.4.5' }))?.version).toBe('1.4.5');
    expect(locateRuntime('node')).toEqual({ bin: process.execPath, version: process.versions.node });
    expect(currentRuntime()).toEqual({ name: 'node', version: process.versions.node });
  });

  it('starts Deno with -A and Bun with --bun, never a node on PATH', () => {
    expect(runtimeCommand('deno', '/d', 's.mjs', ['--quick'])).toEqual({ command: '/d', args: ['run', '-A', 's.mjs', '--quick'] });
    expect(runtimeCommand('bun', '/b', 's.mjs', [])).toEqual({ command: '/b', args: ['--bun', 's.mjs'] });
  });

  it('runs the thread modules in every runtime and the others in Node only, with the reason', () => {
    for (const mod of [throughput, latency, coldStart, bandwidth]) expect(moduleRuntimes(mod).runtimes).toEqual(['node', 'deno', 'bun']);
    expect(moduleRuntimes({ nodeOnly: 'Piscina is a Node library' })).toEqual({ runtimes: ['node'], reason: 'Piscina is a Node library' });
    expect(moduleRuntimes({}).runtimes).toEqual(['node']);
    expect(moduleRuntimes({ runtimes: ['node', 'quickjs'] }).runtimes).toEqual(['node']);
  });
});

describe("the harness's runtime check", () => {
  it('refuses rows whose Workers ran in another runtime than the harness', () => {
    const deno = { runtime: { name: 'deno', version: '2.9.6' } };
    expect(() => checkWorkerRuntimes([deno, deno], 'deno')).not.toThrow();
    expect(() => checkWorkerRuntimes([deno, { runtime: { name: 'node', version: '20' } }], 'deno', 'wasmq.mjs'))
      .toThrow('a wasmq.mjs worker runs in Node, not in Deno as its harness does');
    expect(() => checkWorkerRuntimes([{}], 'bun')).toThrow(/runs in an unknown runtime, not in Bun/);
  });
});

describe('a transport the runtime lacks', () => {
  const transport = { impl: 'frobnicated', peer: new URL('../scenarios/unsupported-peer.mjs', import.meta.url) };
  const rows = [{ scenario: 'round trip p50, 64 B', impl: 'frobnicated' }, { scenario: 'round trip p99, 64 B', impl: 'frobnicated' }];

  it('is skipped row by row with its reason, and never measured', async () => {
    const skipped: unknown[] = [];
    const logged: string[] = [];
    let measured = false;
    const result = await measureOrSkip(
      { transport, kind: 'latency', rows, skip: (row) => skipped.push(row), log: (m) => logged.push(m) },
      async () => {
        measured = true;
        return [1];
      },
    );
    expect(result).toBeUndefined();
    expect(measured).toBe(false);
    expect(skipped).toEqual(rows.map((r) => ({ ...r, runtime: 'node', reason: 'no frobnicator for latency in node' })));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/round trip p50, 64 B, round trip p99, 64 B {2}frobnicated: skipped in Node .*: no frobnicator/);
  });

  it('is no excuse for a transport that runs and fails: that still throws', async () => {
    const wasmq = throughput.transports.find((t) => t.impl === 'wasmq push/pop')!;
    await expect(
      measureOrSkip({ transport: wasmq, kind: 'throughput', rows: [], skip: () => {} }, async () => {
        throw new BenchError('delivered 99 messages');
      }),
    ).rejects.toThrow(/delivered 99 messages/);
    expect(await measureOrSkip({ transport: wasmq, kind: 'throughput', rows: [] }, async () => [5])).toEqual([5]);
  });
});
