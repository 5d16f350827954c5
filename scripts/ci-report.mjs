// .ci/run's closing check, over vitest's JSON reports in test-output/ (or the
// directory given): one line per run, then `tests: N passed, N failed, N
// skipped`. Exits 1, saying why, when a report is missing or empty, a test
// failed or was skipped (a skip in CI hides what it was meant to prove), or a
// browser engine did not run every file of test/browser/.
//
//   node scripts/ci-report.mjs [dir] [--root DIR]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every run CI makes: npm test's (node + the browser projects; Deno and Bun, each twice) and the Node matrix. */
export const RUNS = ['vitest', 'vitest-deno', 'vitest-deno-web', 'vitest-bun', 'vitest-bun-web', 'vitest-node22', 'vitest-node24', 'vitest-node26'];
/** The browser projects of vitest.config.ts: each runs every file of test/browser/. */
export const BROWSER_ENGINES = 3;

function browserFiles(root, dir = join(root, 'test', 'browser')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? browserFiles(root, join(dir, e.name)) : e.name.endsWith('.test.ts') ? [relative(root, join(dir, e.name))] : [],
  );
}

export function report(dir, root) {
  const problems = [];
  const lines = [];
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const name of RUNS) {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) {
      problems.push(`${name}: no report (${relative(root, file)}): that run did not happen`);
      continue;
    }
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const skipped = j.numPendingTests + j.numTodoTests;
    lines.push(`  ${name}: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`);
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += skipped;
    if (j.numTotalTests === 0) problems.push(`${name}: ran no tests`);
    const brokenFiles = j.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
    for (const f of brokenFiles) problems.push(`${name}: ${relative(root, f.name)} failed to run: ${(f.message ?? '').split('\n')[0]}`);
    for (const f of j.testResults) {
      for (const a of f.assertionResults) {
        if (a.status === 'failed') problems.push(`${name}: failed: ${relative(root, f.name)} > ${a.fullName ?? a.title}`);
        if (a.status === 'skipped' || a.status === 'pending' || a.status === 'todo') {
          problems.push(`${name}: skipped: ${relative(root, f.name)} > ${a.fullName ?? a.title}`);
        }
      }
    }
    if (name === 'vitest') {
      for (const f of browserFiles(root)) {
        const runs = j.testResults.filter((r) => relative(root, r.name) === f && r.status === 'passed').length;
        if (runs !== BROWSER_ENGINES) problems.push(`vitest: ${f} passed in ${runs} of the ${BROWSER_ENGINES} browser engines`);
      }
    }
  }
  return { lines, totals, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? args[rootAt + 1] : join(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--root') ?? join(root, 'test-output');
  const { lines, totals, problems } = report(dir, root);
  for (const line of lines) console.log(line);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  if (problems.length > 0) {
    console.error(`ci: ${problems.length} problem(s):\n${problems.slice(0, 50).map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
}
