// scripts/ci-report.mjs, .ci/run's closing check: a clean set of reports
// passes; a skip, a failure, a missing run, or a browser engine that did not
// run a file of test/browser/ fails, naming it.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_ENGINES, RUNS, report } from '../../scripts/ci-report.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function browserFiles(dir = join(root, 'test', 'browser')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? browserFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

type Status = 'passed' | 'failed' | 'skipped';
const file = (name: string, statuses: Status[]) => ({
  name, status: statuses.includes('failed') ? 'failed' : 'passed', message: '',
  assertionResults: statuses.map((status, i) => ({ status, title: `t${i}`, fullName: `suite t${i}` })),
});
function write(dir: string, run: string, files: ReturnType<typeof file>[]) {
  const all = files.flatMap((f) => f.assertionResults);
  const n = (s: string) => all.filter((a) => a.status === s).length;
  writeFileSync(join(dir, `${run}.json`), JSON.stringify({
    numTotalTests: all.length, numPassedTests: n('passed'), numFailedTests: n('failed'), numPendingTests: n('skipped'), numTodoTests: 0,
    testResults: files,
  }));
}
/** Every run's report, all passing; the node report has each browser file once per engine. */
function clean(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasmq-ci-report-'));
  dirs.push(dir);
  for (const run of RUNS) {
    const browser = run === 'vitest' ? browserFiles().flatMap((f) => Array.from({ length: BROWSER_ENGINES }, () => file(f, ['passed']))) : [];
    write(dir, run, [file(join(root, 'test/queue/queue.test.ts'), ['passed', 'passed']), ...browser]);
  }
  return dir;
}

describe('ci-report', () => {
  it('passes a complete set of reports with nothing failed or skipped, and sums them', () => {
    const r = report(clean(), root);
    expect(r.problems).toEqual([]);
    expect(r.totals).toEqual({ passed: RUNS.length * 2 + browserFiles().length * BROWSER_ENGINES, failed: 0, skipped: 0 });
  });

  it('fails on a skipped test, naming the run, the file and the test', () => {
    const dir = clean();
    write(dir, 'vitest-bun', [file(join(root, 'test/pool/pool.test.ts'), ['passed', 'skipped'])]);
    expect(report(dir, root).problems).toEqual(['vitest-bun: skipped: test/pool/pool.test.ts > suite t1']);
  });

  it('fails on a failed test and on a run that left no report', () => {
    const dir = clean();
    write(dir, 'vitest-deno', [file(join(root, 'test/wait.test.ts'), ['failed'])]);
    rmSync(join(dir, 'vitest-node24.json'));
    expect(report(dir, root).problems).toEqual([
      'vitest-deno: failed: test/wait.test.ts > suite t0',
      `vitest-node24: no report (${relative(root, join(dir, 'vitest-node24.json'))}): that run did not happen`,
    ]);
  });

  it('fails when a browser engine did not run a file of test/browser/', () => {
    const dir = clean();
    const [first, ...rest] = browserFiles();
    write(dir, 'vitest', [
      file(join(root, 'test/queue/queue.test.ts'), ['passed']),
      ...Array.from({ length: BROWSER_ENGINES - 1 }, () => file(first, ['passed'])),
      ...rest.flatMap((f) => Array.from({ length: BROWSER_ENGINES }, () => file(f, ['passed']))),
    ]);
    expect(report(dir, root).problems).toEqual([`vitest: ${relative(root, first)} passed in ${BROWSER_ENGINES - 1} of the ${BROWSER_ENGINES} browser engines`]);
  });
});
