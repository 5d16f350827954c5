// `npm pack` yields a package that installs into a fresh project and works in
// Node, under TypeScript's NodeNext resolution, and bundled by esbuild.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sh = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

let dir: string;
let files: string[];

/** Type-checks one file of the consumer project as its user would: strict NodeNext, the package's .d.ts included. */
function typeChecks(file: string) {
  const config = `tsconfig.${file}.json`;
  writeFileSync(
    join(dir, config),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, lib: ['ES2023', 'DOM'], skipLibCheck: false, types: [] },
      files: [file],
    }),
  );
  const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', config], { cwd: dir, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`, `tsc on ${file}`).toBe('');
  expect(r.status).toBe(0);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmq-pack-'));
  // dist/ was built by `pretest`; --ignore-scripts packs exactly that.
  const out = JSON.parse(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root));
  files = out[0].files.map((f: { path: string }) => f.path);
  const tarball = join(dir, out[0].filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], dir);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the built JavaScript with types and the embedded kernel, and no sources or tests', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    type Target = string | { [condition: string]: Target };
    const paths = (t: Target): string[] => (typeof t === 'string' ? [t] : Object.values(t).flatMap(paths));
    for (const [entry, target] of Object.entries(pkg.exports as Record<string, Target>)) {
      if (entry === './package.json') continue;
      for (const path of paths(target)) expect(files, path).toContain(path.replace(/^\.\//, ''));
    }
    expect(files).toContain('dist/kernel/wasm.js');
    expect(files.some((f) => f.startsWith('assembly/') || f.startsWith('test/') || f.startsWith('ts/'))).toBe(false);
    expect(readFileSync(join(dir, 'node_modules/wasmq/dist/kernel/wasm.js'), 'utf8')).toMatch(/KERNEL_WASM_BASE64 = 'AGFzbQ/);
  });

  it('works in Node from a fresh project: a worker pushes, the main thread pops', () => {
    writeFileSync(
      join(dir, 'main.mjs'),
      `import { Worker } from 'node:worker_threads';
       import { createQueue } from 'wasmq';
       const q = createQueue({ codec: 'string' });
       const w = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: q.handle });
       const got = [];
       for (let i = 0; i < 1000; i++) got.push(q.pop(10000));
       await w.terminate();
       console.log(JSON.stringify({ n: got.length, last: got.at(-1) }));`,
    );
    writeFileSync(
      join(dir, 'worker.mjs'),
      `import { workerData } from 'node:worker_threads';
       import { attachQueue } from 'wasmq';
       const q = attachQueue(workerData);
       for (let i = 0; i < 1000; i++) q.push('msg ' + i);`,
    );
    expect(JSON.parse(sh('node', ['main.mjs'], dir))).toEqual({ n: 1000, last: 'msg 999' });
  });

  it('loads with require() from CommonJS as the very module import() gives: a worker pushes, the main thread pops, a pool runs a task', () => {
    writeFileSync(
      join(dir, 'main.cjs'),
      `const { Worker } = require('node:worker_threads');
       const { join } = require('node:path');
       const wasmq = require('wasmq');
       const { createPool } = require('wasmq/pool');
       (async () => {
         const esm = await import('wasmq');
         const esmPool = await import('wasmq/pool');
         const q = wasmq.createQueue({ codec: 'string' });
         const w = new Worker(join(__dirname, 'worker.cjs'), { workerData: q.handle });
         const got = [];
         for (let i = 0; i < 1000; i++) got.push(q.pop(10000));
         await w.terminate();
         const pool = createPool({ worker: join(__dirname, 'task.cjs'), threads: 1 });
         const doubled = await pool.run(21);
         await pool.close();
         console.log(JSON.stringify({
           same: wasmq === esm || (wasmq.Queue === esm.Queue && wasmq.QueueClosedError === esm.QueueClosedError),
           samePool: createPool === esmPool.createPool,
           n: got.length, last: got.at(-1), doubled,
         }));
       })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    writeFileSync(
      join(dir, 'worker.cjs'),
      `const { workerData } = require('node:worker_threads');
       const { attachQueue } = require('wasmq');
       const q = attachQueue(workerData);
       for (let i = 0; i < 1000; i++) q.push('msg ' + i);`,
    );
    writeFileSync(join(dir, 'task.cjs'), `const { serve } = require('wasmq/pool');\nserve((n) => n * 2);`);
    expect(JSON.parse(sh('node', ['main.cjs'], dir))).toEqual({ same: true, samePool: true, n: 1000, last: 'msg 999', doubled: 42 });
  });

  it('tells a CommonJS caller to use import() where Node refuses to require() an ES module (--no-experimental-require-module)', () => {
    for (const specifier of ['wasmq', 'wasmq/pool', 'wasmq/nats']) {
      const r = spawnSync('node', ['--no-experimental-require-module', '-e', `require('${specifier}')`], { cwd: dir, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`require('${specifier}') failed: ${specifier} is an ES module, and this Node (${process.version}) refused to load it with require() (ERR_REQUIRE_ESM). Use import('${specifier}')`);
    }
  });

  it('type-checks a CommonJS caller (.cts) under TypeScript NodeNext resolution', () => {
    writeFileSync(
      join(dir, 'check-cjs.cts'),
      `import wasmq = require('wasmq');
       import pool = require('wasmq/pool');
       const q: wasmq.Queue<string> = wasmq.createQueue<string>({ codec: 'string', capacity: 8 });
       const ok: boolean = q.tryPush('x');
       const p: pool.Pool = pool.createPool({ worker: 'task.cjs' });
       // @ts-expect-error a string queue does not take numbers
       q.tryPush(1);
       export = { ok, p };`,
    );
    typeChecks('check-cjs.cts');
  });

  it('passes publint --strict and arethetypeswrong, within the size budgets of the tarball and the embedded Wasm', () => {
    const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    const r = spawnSync('node', [join(root, 'scripts/check-package.mjs'), tarball], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/publint --strict: All good!\nattw: No problems found/);
  });

  it('fails the packaging check, naming the figure, when the embedded Wasm is over its budget', () => {
    const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    const r = spawnSync('node', [join(root, 'scripts/check-package.mjs'), tarball, '--wasm-budget=1000'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the embedded kernel Wasm is \d+ bytes, over its budget of 1000/);
  });

  it('type-checks under TypeScript NodeNext resolution through the exports map', () => {
    writeFileSync(
      join(dir, 'check.ts'),
      `import { createQueue, attachQueue, QueueClosedError, TimeoutError, type Queue, type QueueHandle } from 'wasmq';
       const q: Queue<string> = createQueue<string>({ codec: 'string', capacity: 8 });
       const h: QueueHandle = q.handle;
       const ok: boolean = attachQueue<string>(h).tryPush('x');
       const e: Error = new QueueClosedError();
       const t: Error = new TimeoutError('pop', 1);
       // @ts-expect-error a string queue does not take numbers
       q.tryPush(1);
       export { ok, e, t };`,
    );
    typeChecks('check.ts');
  });

  it('bundles with esbuild for the browser with no loader configuration, and the bundle runs', async () => {
    writeFileSync(
      join(dir, 'entry.js'),
      `import { createQueue } from 'wasmq';
       const q = createQueue({ codec: 'json' });
       q.tryPush({ hello: 'bundle' });
       globalThis.__result = q.tryPop();`,
    );
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [join(dir, 'entry.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'bundle.js'),
      absWorkingDir: dir,
      logLevel: 'silent',
    });
    expect(readdirSync(dir).filter((f) => f.endsWith('.wasm'))).toEqual([]);
    expect(sh('node', ['-e', `await import('./bundle.js'); console.log(JSON.stringify(globalThis.__result))`], dir).trim()).toBe(
      '{"hello":"bundle"}',
    );
  });
});
