#!/usr/bin/env node
// `npm run bench`: runs every scenario module in bench/scenarios/, side by
// side in this one process tree, and writes bench/results/latest.{json,md,svg}.
//
//   npm run bench                 full run (about 5-10 minutes on 2 cores)
//   npm run bench -- --quick      under a minute: fewer cells, shorter rounds
//   npm run bench -- --save       also copy the results to bench/results/reference.* (committed, used by the README)
//   npm run bench -- --only=throughput,latency   run only these modules (by file name)
//   npm run bench -- --runtime=node,deno,bun     the thread modules in each runtime (default: node), one after another
//
// With --runtime, Node's modules run in this process; Deno's and Bun's run in
// one child process each (bench/lib/runtime-child.mjs on that runtime's
// binary), whose Workers are that runtime's too. Modules that are Node only
// (no `runtimes` export) say so in the table.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.mjs';
import { medianLookup, mergeRuntimeSections, throughputSpreads } from './lib/summary.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { renderMarkdown } from './lib/format.mjs';
import { renderChart } from './lib/chart.mjs';
import { allScenarioModules, loadScenarioModule, runScenarioModule } from './lib/modules.mjs';
import { RUNTIME_LABEL, locateRuntime, missingRuntimeMessage, moduleRuntimes, parseRuntimes, runtimeCommand } from './lib/runtime.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const USAGE = 'usage: npm run bench [-- --quick] [--save] [--only=module,module] [--runtime=node,deno,bun]';

function parseArgs(argv) {
  const args = { quick: false, save: false, only: null, runtimes: ['node'] };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--save') args.save = true;
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--runtime' || a.startsWith('--runtime=')) {
      try {
        args.runtimes = parseRuntimes(a.slice('--runtime='.length));
      } catch (error) {
        console.error(error.message);
        process.exit(2);
      }
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown option ${a}; allowed: --quick, --save, --only=a,b, --runtime=node,deno,bun, --help`);
      process.exit(2);
    }
  }
  return args;
}

function scenarioModules(only) {
  const names = allScenarioModules();
  if (!only) return names;
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length) {
    console.error(`no scenario module ${unknown.join(', ')}; there are: ${names.join(', ')}`);
    process.exit(2);
  }
  return names.filter((n) => only.includes(n));
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(here('../dist/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first (`npm run bench` does it through its prebench script).');
  process.exit(2);
}
if (args.save && args.runtimes.join() !== 'node') {
  // The committed reference is Node's run, which the README's figures and targets describe.
  console.error('--save writes the Node reference run: leave out --runtime (or use --runtime=node) with --save');
  process.exit(2);
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (msg) => console.log(`[${elapsed()}] ${msg}`);
const machine = machineInfo();
const runtimesText = args.runtimes.map((r) => RUNTIME_LABEL[r]).join(', ');
log(`wasmq bench${args.quick ? ' --quick' : ''} on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; runtimes: ${runtimesText}`);

let failed = false;
const names = scenarioModules(args.only);
/** name -> the loaded module (in Node), or the error loading it. */
const loaded = new Map();
for (const name of names) {
  try {
    loaded.set(name, { mod: await loadScenarioModule(name) });
  } catch (error) {
    failed = true;
    log(`${name}: failed to load: ${error.message}`);
    loaded.set(name, { error });
  }
}

/** Runs `modules` in a Deno or Bun child process; resolves to its sections (failures included). */
async function runInChild(runtime, bin, modules) {
  const dir = mkdtempSync(join(tmpdir(), `wasmq-bench-${runtime}-`));
  const out = join(dir, 'result.json');
  const { command, args: argv } = runtimeCommand(runtime, bin, here('./lib/runtime-child.mjs'), [
    `--modules=${modules.join(',')}`, `--out=${out}`, ...(args.quick ? ['--quick'] : []),
  ]);
  const failAll = (why) => modules.map((module) => ({ module, title: loaded.get(module).mod?.title ?? module, error: why, entries: [], skipped: [] }));
  try {
    // cwd: the package root, where Deno finds package.json and node_modules (ringbuf.js, msgpackr).
    const child = spawn(command, argv, { cwd: here('..'), stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => log(`[${runtime}] ${line}`));
    const [code, signal] = await new Promise((resolve) => {
      child.on('error', (error) => resolve([null, error.message]));
      child.on('close', (c, s) => resolve([c, s]));
    });
    if (code !== 0 || !existsSync(out)) return failAll(`the ${RUNTIME_LABEL[runtime]} process (${command} ${argv.join(' ')}) ended with ${code ?? signal} before writing its results`);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    if (result.runtime?.name !== runtime) return failAll(`the process started as ${RUNTIME_LABEL[runtime]} reports that it runs in ${result.runtime?.name}`);
    return result.sections;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = [];
const notRun = [];
const runtimeInfo = [];
for (const runtime of args.runtimes) {
  const modules = [];
  for (const name of names) {
    const { mod } = loaded.get(name);
    if (!mod) continue;
    const { runtimes, reason } = moduleRuntimes(mod);
    if (runtimes.includes(runtime)) modules.push(name);
    else {
      notRun.push({ module: name, runtime, reason, title: mod.title });
      log(`${name}: not run in ${RUNTIME_LABEL[runtime]}: ${reason}`);
    }
  }
  const located = locateRuntime(runtime);
  if (!located) {
    failed = true;
    const message = missingRuntimeMessage(runtime);
    log(message);
    runtimeInfo.push({ name: runtime, version: null, missing: message });
    runs.push({ runtime, sections: modules.map((module) => ({ module, title: loaded.get(module).mod.title, error: message, entries: [], skipped: [] })) });
    continue;
  }
  runtimeInfo.push({ name: runtime, version: located.version, bin: located.bin });
  if (!modules.length) continue;
  log(`=== ${RUNTIME_LABEL[runtime]} ${located.version}: ${modules.join(', ')}`);
  const sections = [];
  if (runtime === 'node') {
    for (const name of modules) {
      const { mod } = loaded.get(name);
      log(`== ${mod.title ?? name}`);
      sections.push(await runScenarioModule(name, mod, { quick: args.quick, log: (msg) => log(`  ${msg}`) }));
    }
  } else {
    sections.push(...(await runInChild(runtime, located.bin, modules)));
  }
  if (sections.some((s) => s.error)) failed = true;
  runs.push({ runtime, sections });
}
for (const [name, { error }] of loaded) {
  if (error) runs.push({ runtime: 'node', sections: [{ module: name, title: name, error: `failed to load: ${error.message}`, entries: [], skipped: [] }] });
}
const sections = mergeRuntimeSections(runs, names, notRun);

const targets = evaluateTargets(medianLookup(sections), throughputSpreads(sections));
const durationS = (performance.now() - started) / 1000;
// Other work on the machine skews every figure: record the load at the end too.
machine.loadAverageAtEnd = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
machine.runtimes = runtimeInfo;
const report = { machine, quick: args.quick, runtimes: args.runtimes, only: args.only, durationS, sections, targets };
const markdown = renderMarkdown(report);

mkdirSync(here('./results'), { recursive: true });
writeFileSync(here('./results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(here('./results/latest.md'), markdown);
writeFileSync(here('./results/latest.svg'), renderChart(report));
if (args.save) {
  for (const ext of ['json', 'md', 'svg']) copyFileSync(here(`./results/latest.${ext}`), here(`./results/reference.${ext}`));
}
console.log(`\n${markdown}`);
log(`wrote bench/results/latest.{json,md,svg}${args.save ? ' and reference.{json,md,svg}' : ''}`);
process.exitCode = failed ? 1 : 0;
