// Mutation check (npm run check:mutants): proves the test suite notices when
// one of a few behaviours we depend on is broken on purpose.
//
// Each mutant below is data: `find` must occur exactly once in `file` (else
// this script fails loudly, naming the mutant, so that a later source change
// cannot turn a mutant into a silent no-op) and is replaced by `replace`;
// `tests` are the vitest files that should catch it. For each mutant, in a
// throw-away copy of this working tree (the files git knows about plus
// untracked, unignored ones, so uncommitted tests count; node_modules is
// symlinked), the script applies the replacement, builds (scripts/build.mjs),
// runs the tests (node project, --testTimeout=20000, a JSON report, and a
// hard time limit on the whole run) and reads which tests failed.
//   killed:   at least one test failed, or the run hit its time limit;
//   survived: every test passed (exit 1 at the end).
// First, the union of all mutants' tests runs on an unmutated copy and must
// pass, or the check means nothing (exit 2, as for a mutant that does not
// occur exactly once or does not build). Temp copies are removed on the way out.
//
//   node scripts/check-mutants.mjs            every mutant
//   node scripts/check-mutants.mjs NAME...    only these (while writing one)
//   --list                                    also name every test that killed each mutant
//
// To add a mutant: append { name, file, find, replace, tests } to MUTANTS. Make
// it a real change of behaviour on a path the tests exercise (read the code),
// pick test files that run in about a minute, and check that it is killed. If
// it survives because no test covers the behaviour, write that test; do not
// weaken the mutant.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync,
  rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MUTANTS = [
  {
    name: 'dropped-notify',
    file: 'assembly/push.ts',
    // tryPush publishes, then no longer wakes a consumer parked on NOT_EMPTY_SEQ.
    find: '    if (!publish(pos, slots, len)) continue;\n    wakeConsumers(1);',
    replace: '    if (!publish(pos, slots, len)) continue;',
    tests: ['test/kernel/close-wake.test.ts'],
  },
  {
    name: 'close-does-not-wake',
    file: 'assembly/setup.ts',
    // close() still sets the closed bit, but bumps and notifies no wake word.
    find: 'wakeEveryone();',
    replace: '/* mutant: no wakeEveryone() */',
    tests: ['test/kernel/close-wake.test.ts', 'test/queue/queue.test.ts'],
  },
  {
    name: 'release-off-by-one',
    file: 'assembly/pop.ts',
    // release() of a message of k slots frees k - 1 cells: its last continuation cell stays on the old lap.
    find: 'for (let i: u32 = 1; i < k; i++) {',
    replace: 'for (let i: u32 = 1; i < k - 1; i++) {',
    tests: ['test/kernel/cells.test.ts'],
  },
  {
    name: 'attach-ignores-codec',
    file: 'ts/queue/handle.ts',
    // attachQueue(handle) of a built-in-codec queue ('string', 'json') behaves as 'bytes'.
    find: 'return resolveCodec<T>(stored);',
    replace: "return resolveCodec<T>('bytes');",
    tests: ['test/queue/handle.test.ts'],
  },
  {
    name: 'popAsync-ignores-timeout',
    file: 'ts/queue/queue.ts',
    // popAsync validates timeoutMs but then waits forever.
    find: "const deadline = deadlineOf(timeoutMs, 'popAsync');",
    replace: "deadlineOf(timeoutMs, 'popAsync');\n    const deadline = Infinity;",
    tests: ['test/queue/queue.test.ts'],
  },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_LIMIT_MS = 240_000;
const TEST_LIMIT_MS = 180_000; // per vitest run; tests themselves get 20 s each
const copies = new Set();
let child;

class SetupError extends Error {}

function cleanUp() {
  if (child?.exitCode === null) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  copies.clear();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { cleanUp(); process.exit(130); });

const occurrences = (text, find) => text.split(find).length - 1;

/** Throws unless every mutant's `find` occurs exactly once in its file (in `dir`). */
function checkFinds(mutants, dir) {
  for (const m of mutants) {
    const path = join(dir, m.file);
    if (!existsSync(path)) throw new SetupError(`mutant ${m.name}: ${m.file} does not exist`);
    const n = occurrences(readFileSync(path, 'utf8'), m.find);
    if (n !== 1) throw new SetupError(`mutant ${m.name}: its find text occurs ${n} times in ${m.file} (must be exactly once); update the mutant`);
    for (const t of m.tests) if (!existsSync(join(dir, t))) throw new SetupError(`mutant ${m.name}: test file ${t} does not exist`);
  }
}

/** A throw-away copy of the working tree (git's files, tracked or untracked-unignored), node_modules symlinked. */
function makeCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'wasmq-mutant-'));
  copies.add(dir);
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    if (!file || file === 'node_modules' || file.startsWith('node_modules/')) continue;
    const src = join(root, file);
    if (!existsSync(src)) continue; // deleted in the working tree
    const dst = join(dir, file);
    mkdirSync(dirname(dst), { recursive: true });
    if (lstatSync(src).isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else copyFileSync(src, dst);
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

function dropCopy(dir) {
  rmSync(dir, { recursive: true, force: true });
  copies.delete(dir);
}

/** Runs a command in its own process group; kills the whole group after limitMs. */
function run(args, cwd, limitMs, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    child = spawn(process.execPath, args, { cwd, detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => { output = (output + chunk).slice(-20_000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output });
    });
  });
}

async function build(dir, what) {
  const r = await run(['scripts/build.mjs'], dir, BUILD_LIMIT_MS);
  if (r.code !== 0) throw new SetupError(`${what}: the build failed${r.timedOut ? ' (time limit)' : ''}:\n${r.output}`);
}

/** Runs `tests` in `dir`: { failed: ['file > test', ...], timedOut, crashed, output, ranFiles }. */
async function runTests(dir, tests) {
  const report = join(dir, 'test-output', 'mutant-report.json');
  const r = await run(
    ['node_modules/vitest/vitest.mjs', 'run', '--project', 'node', ...tests,
      '--testTimeout=20000', '--reporter=json', `--outputFile=${report}`],
    dir, TEST_LIMIT_MS,
    // vitest.config.ts names the JSON file itself (WASMQ_VITEST_JSON wins over --outputFile); no browser projects.
    { WASMQ_VITEST_JSON: report, WASMQ_SKIP_BROWSER: '1' },
  );
  const failed = [];
  const ranFiles = new Set();
  if (r.timedOut || !existsSync(report)) return { failed, timedOut: r.timedOut, crashed: !r.timedOut, code: r.code, output: r.output, ranFiles };
  for (const file of JSON.parse(readFileSync(report, 'utf8')).testResults) {
    const rel = relative(dir, file.name);
    ranFiles.add(rel);
    const bad = file.assertionResults.filter((a) => a.status === 'failed');
    for (const a of bad) failed.push(`${rel} > ${a.fullName}`);
    if (file.status === 'failed' && bad.length === 0) failed.push(`${rel} > (the file failed: ${String(file.message).split('\n')[0]})`);
  }
  return { failed, timedOut: false, crashed: false, code: r.code, output: r.output, ranFiles };
}

async function baseline(mutants) {
  const tests = [...new Set(mutants.flatMap((m) => m.tests))];
  const dir = makeCopy();
  try {
    await build(dir, 'the unmutated copy');
    const r = await runTests(dir, tests);
    const missing = tests.filter((t) => !r.ranFiles.has(t));
    if (r.timedOut || r.crashed || r.failed.length > 0 || missing.length > 0 || r.code !== 0) {
      const why = r.timedOut ? 'timed out' : r.crashed ? `crashed (exit ${r.code}, no report)`
        : r.failed.length ? `has ${r.failed.length} failing tests, e.g. ${r.failed[0]}`
        : missing.length ? `did not run ${missing.join(', ')}` : `exited ${r.code}`;
      throw new SetupError(`the unmutated code fails its own tests (${why}), so the mutation check means nothing:\n${r.output.slice(-4000)}`);
    }
    console.error(`baseline: ${tests.length} test files pass on the unmutated code`);
  } finally {
    dropCopy(dir);
  }
}

async function tryMutant(m) {
  const dir = makeCopy();
  try {
    checkFinds([m], dir);
    const path = join(dir, m.file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(m.find, () => m.replace));
    await build(dir, `mutant ${m.name}`);
    const r = await runTests(dir, m.tests);
    if (r.timedOut) return `mutant ${m.name}: killed (the test run hit its ${TEST_LIMIT_MS / 1000} s limit)`;
    if (r.crashed) return `mutant ${m.name}: killed (the test run crashed with exit ${r.code} and no report)`;
    if (r.failed.length === 0) return `mutant ${m.name}: SURVIVED`;
    const all = listAll ? r.failed.map((f) => `\n    ${f}`).join('') : '';
    return `mutant ${m.name}: killed by ${r.failed.length} tests, e.g. ${r.failed[0]}${all}`;
  } finally {
    dropCopy(dir);
  }
}

const listAll = process.argv.includes('--list');

async function main() {
  const names = process.argv.slice(2).filter((a) => a !== '--list');
  const unknown = names.filter((n) => !MUTANTS.some((m) => m.name === n));
  if (unknown.length) throw new SetupError(`no mutant named ${unknown.join(', ')}; known: ${MUTANTS.map((m) => m.name).join(', ')}`);
  const mutants = names.length ? MUTANTS.filter((m) => names.includes(m.name)) : MUTANTS;
  checkFinds(mutants, root);
  await baseline(mutants);
  let killed = 0;
  for (const m of mutants) {
    console.error(`mutant ${m.name}: ${m.file}, running ${m.tests.join(' ')} ...`);
    const line = await tryMutant(m);
    if (!line.includes(': SURVIVED')) killed++;
    console.log(line);
  }
  console.log(`mutants: ${killed} of ${mutants.length} killed`);
  return killed === mutants.length ? 0 : 1;
}

main().then(
  (code) => { cleanUp(); process.exitCode = code; },
  (error) => {
    cleanUp();
    console.error(error instanceof SetupError ? `check-mutants: ${error.message}` : error);
    process.exitCode = 2;
  },
);
