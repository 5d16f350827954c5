// The bench inside another runtime: bench/run.mjs starts this file with
// Deno's or Bun's binary (`deno run -A` / `bun --bun`), one process per
// runtime, and merges what it writes. It runs the named scenario modules
// here, so the harness and every Worker it starts run in that runtime, and
// writes {runtime, sections} as JSON to --out; its progress lines go to
// stdout, which the parent prefixes with the runtime's name.
//
//   <runtime> bench/lib/runtime-child.mjs --modules=throughput,latency --out=FILE [--quick]
import { writeFileSync } from 'node:fs';
import { currentRuntime } from './runtime.mjs';
import { loadScenarioModule, runScenarioModule } from './modules.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
if (!args.out || !args.modules) {
  console.error('usage: <runtime> bench/lib/runtime-child.mjs --modules=a,b --out=FILE [--quick]');
  process.exit(2);
}

const runtime = currentRuntime();
const log = (msg) => console.log(msg);
const sections = [];
for (const name of String(args.modules).split(',').filter(Boolean)) {
  let mod;
  try {
    mod = await loadScenarioModule(name);
  } catch (error) {
    log(`${name}: failed to load: ${error.message}`);
    sections.push({ module: name, title: name, error: `failed to load in ${runtime.name}: ${error.message}`, runtime: runtime.name, entries: [], skipped: [] });
    continue;
  }
  log(`== ${mod.title ?? name}`);
  sections.push(await runScenarioModule(name, mod, { quick: args.quick === true, log: (msg) => log(`  ${msg}`) }));
}
writeFileSync(String(args.out), JSON.stringify({ runtime, sections }));
// Workers a failed module left behind must not keep this process alive.
process.exit(0);
