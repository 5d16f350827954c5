#!/usr/bin/env node
// `npm run bench`: runs every scenario module in bench/scenarios/, side by
// side in this one process tree, and writes bench/results/latest.{json,md,svg}.
//
//   npm run bench                 full run (about 5-10 minutes on 2 cores)
//   npm run bench -- --quick      under a minute: fewer cells, shorter rounds
//   npm run bench -- --save       also copy the results to bench/results/reference.* (committed, used by the README)
//   npm run bench -- --only=throughput,latency   run only these modules (by file name)
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.mjs';
import { contractProblems, medianLookup, summarizeEntries, throughputSpreads } from './lib/summary.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { renderMarkdown } from './lib/format.mjs';
import { renderChart } from './lib/chart.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
/** Our own modules first, in reading order; other helpers' modules after, by name. */
const ORDER = ['single-thread', 'throughput', 'cold-start', 'latency', 'bandwidth'];

function parseArgs(argv) {
  const args = { quick: false, save: false, only: null };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--save') args.save = true;
    else if (a.startsWith('--only=')) args.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench [-- --quick] [--save] [--only=module,module]');
      process.exit(0);
    } else {
      console.error(`unknown option ${a}; allowed: --quick, --save, --only=a,b, --help`);
      process.exit(2);
    }
  }
  return args;
}

function scenarioModules(only) {
  const names = readdirSync(here('./scenarios'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -4))
    .sort((a, b) => {
      const ia = ORDER.indexOf(a) < 0 ? ORDER.length : ORDER.indexOf(a);
      const ib = ORDER.indexOf(b) < 0 ? ORDER.length : ORDER.indexOf(b);
      return ia - ib || a.localeCompare(b);
    });
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

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (msg) => console.log(`[${elapsed()}] ${msg}`);
const machine = machineInfo();
log(`wasmq bench${args.quick ? ' --quick' : ''} on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`);

const sections = [];
let failed = false;
for (const name of scenarioModules(args.only)) {
  let mod;
  try {
    mod = await import(new URL(`./scenarios/${name}.mjs`, import.meta.url).href);
  } catch (error) {
    failed = true;
    log(`${name}: failed to load: ${error.message}`);
    sections.push({ module: name, title: name, error: `failed to load: ${error.message}`, entries: [] });
    continue;
  }
  const title = mod.title ?? name;
  log(`== ${title}`);
  try {
    const entries = await mod.run({ quick: args.quick, log: (msg) => log(`  ${msg}`) });
    const problems = contractProblems(entries, 3);
    if (problems.length) throw new Error(`result breaks the bench contract: ${problems.join('; ')}`);
    sections.push({ module: name, title, entries: summarizeEntries(entries) });
  } catch (error) {
    // One broken module must not hide the others' figures; the exit code reports it.
    failed = true;
    log(`${name} FAILED: ${error.stack ?? error}`);
    sections.push({ module: name, title, error: String(error.message ?? error), entries: [] });
  }
}

const targets = evaluateTargets(medianLookup(sections), throughputSpreads(sections));
const durationS = (performance.now() - started) / 1000;
// Other work on the machine skews every figure: record the load at the end too.
machine.loadAverageAtEnd = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
const report = { machine, quick: args.quick, durationS, sections, targets };
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
