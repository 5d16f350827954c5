// Runs the Node suite's real-thread tests, the pool and SharedChannel tests
// (the same files, the same vitest) inside Deno or Bun:
//
//   node scripts/engines.mjs deno [--web] [vitest args...]
//   node scripts/engines.mjs bun  [--web] [vitest args...]
//
// --web: the real-thread tests again, their threads started as the engine's
// module Web Workers instead of node:worker_threads (WASMQ_TEST_WORKERS=web,
// see test/thread.ts). The pool picks worker_threads itself wherever the
// engine has them, and the fault test needs 'exit' events, so those run with
// worker_threads only.
//
// vitest itself runs under the engine, and so do its test processes (vitest
// forks them with process.execPath, which is the engine's binary) and every
// worker_threads Worker they start; test/engines/engine.test.ts checks that.
// The engine comes from its devDependency (node_modules/.bin), else from PATH.
// Without it, this fails and says the command that installs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The test files that run in every engine (a directory means all its *.test.ts). */
export const ENGINE_TESTS = [
  'test/engines',
  'test/queue/threads.test.ts',
  'test/queue/inplace.threads.test.ts',
  'test/queue/faults.threads.test.ts',
  'test/queue/transfer.threads.test.ts',
  'test/queue/kills.threads.test.ts',
  'test/queue/leases.threads.test.ts',
  'test/queue/property.test.ts',
  'test/kernel/threads.test.ts',
  'test/wait.test.ts',
  'test/clone-rule.test.ts',
  'test/structures.test.ts',
  'test/structures.threads.test.ts',
  'test/select.test.ts',
  'test/select.property.test.ts',
  'test/select.threads.test.ts',
  'test/broadcast',
  'test/pool',
  'test/channel',
];

/** The files whose threads start through test/thread.ts, so that they can be Web Workers. */
export const WEB_WORKER_TESTS = [
  'test/engines',
  'test/queue/threads.test.ts',
  'test/queue/inplace.threads.test.ts',
  'test/queue/transfer.threads.test.ts',
  'test/queue/property.test.ts',
  'test/kernel/threads.test.ts',
  'test/structures.threads.test.ts',
  'test/select.threads.test.ts',
  'test/broadcast/broadcast.threads.test.ts',
  'test/channel/comlink.test.ts',
];

const ENGINES = {
  deno: {
    version: '2.9.6',
    // The channel's and the pool's clone fuzzer, whose oracle is the engine's
    // own structuredClone. Not in Bun: JSC's drops Error.cause (and a
    // function cause does not throw), so that oracle is not structured clone's.
    extraTests: ['test/serialize.property.test.ts'],
    // Deno runs vitest's CLI as a Node program; -A: its test processes read files, spawn, and use env.
    argv: (vitest) => ['run', '-A', vitest],
    platformBins: () => packageBins('@deno', (dir) => join(dir, 'deno')),
  },
  bun: {
    version: '1.4.5',
    // --bun: run vitest's `#!/usr/bin/env node` CLI with Bun itself, not a node on PATH.
    argv: (vitest) => ['--bun', vitest],
    platformBins: () => packageBins('@oven', (dir) => join(dir, 'bin', 'bun')),
  },
};

function packageBins(scope, binOf) {
  const dir = join(root, 'node_modules', scope);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((name) => binOf(join(dir, name)));
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

/** The engine binary that answers --version, or undefined. */
export function findEngine(name) {
  const engine = ENGINES[name];
  const candidates = [join(root, 'node_modules', '.bin', name), ...engine.platformBins(), onPath(name)];
  for (const bin of candidates) {
    if (!bin || !existsSync(bin)) continue;
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { bin, version: r.stdout.trim().split('\n')[0] };
  }
  return undefined;
}

/** The version of each engine's devDependency (the bench's runtimes use them too). */
export const ENGINE_VERSIONS = Object.fromEntries(Object.entries(ENGINES).map(([name, e]) => [name, e.version]));

export function missingEngineMessage(name) {
  const { version } = ENGINES[name];
  return (
    `${name} is not installed, so the ${name} test run cannot start. Install it with ` +
    `\`npm install\` (${name}@${version} is a devDependency; its binary lands in node_modules/.bin/${name}), ` +
    `or \`npm install --no-save ${name}@${version}\`, or put a ${name} ${version} on PATH.`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [name, ...given] = process.argv.slice(2);
  const web = given.includes('--web');
  const rest = given.filter((a) => a !== '--web');
  if (!(name in ENGINES)) {
    console.error(`usage: node scripts/engines.mjs <${Object.keys(ENGINES).join('|')}> [vitest args...]`);
    process.exit(2);
  }
  const found = findEngine(name);
  if (!found) {
    console.error(missingEngineMessage(name));
    process.exit(1);
  }
  console.log(`engine: ${found.bin} (${found.version}); test threads: ${web ? 'Web Workers' : 'node:worker_threads'}`);
  const report = `test-output/vitest-${name}${web ? '-web' : ''}.json`;
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  // Files given on the command line replace the default list.
  const files = rest.filter((a) => !a.startsWith('-'));
  const flags = rest.filter((a) => a.startsWith('-'));
  const args = [
    ...ENGINES[name].argv(vitest),
    'run',
    '--project',
    'node',
    ...flags,
    ...(files.length > 0 ? files : web ? WEB_WORKER_TESTS : [...ENGINE_TESTS, ...(ENGINES[name].extraTests ?? [])]),
  ];
  const r = spawnSync(found.bin, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WASMQ_EXPECT_ENGINE: name, WASMQ_TEST_WORKERS: web ? 'web' : 'node', WASMQ_VITEST_JSON: report },
  });
  process.exit(r.status ?? 1);
}
