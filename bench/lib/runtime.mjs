// The JavaScript runtimes the bench can run its thread scenarios in: Node
// (the harness's own process), Deno and Bun (child processes started on the
// devDependency's binary, scripts/engines.mjs finds it). Each runtime's rows
// are measured entirely inside it: the process that prepares the transports
// and every Worker it starts (the endpoint reports the runtime it runs in,
// and the harness refuses a mismatch).
import { ENGINE_VERSIONS, findEngine } from '../../scripts/engines.mjs';

/** Every runtime, in table order. */
export const RUNTIMES = ['node', 'deno', 'bun'];

/** How a runtime is named in the table. */
export const RUNTIME_LABEL = { node: 'Node', deno: 'Deno', bun: 'Bun' };

/** The runtime this code runs in (Deno and Bun also define `process`, so they are asked first). */
export function currentRuntime() {
  if (typeof globalThis.Deno !== 'undefined') return { name: 'deno', version: globalThis.Deno.version.deno };
  if (typeof process !== 'undefined' && process.versions?.bun) return { name: 'bun', version: process.versions.bun };
  return { name: 'node', version: process.versions.node };
}

/**
 * Parses the value of --runtime ("deno", "node,deno,bun"): the runtimes in
 * table order, without duplicates. Throws a RangeError that names the
 * allowed values for anything else.
 */
export function parseRuntimes(value) {
  const given = String(value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const allowed = `allowed: ${RUNTIMES.join(', ')} (several separated by commas, e.g. --runtime=${RUNTIMES.join(',')})`;
  if (!given.length) throw new RangeError(`--runtime needs a value; ${allowed}`);
  const unknown = given.filter((r) => !RUNTIMES.includes(r));
  if (unknown.length) throw new RangeError(`unknown runtime ${unknown.map((r) => `"${r}"`).join(', ')} in --runtime; ${allowed}`);
  return RUNTIMES.filter((r) => given.includes(r));
}

/** The command line that runs `script` with `args` in `runtime` (deno and bun from `bin`). */
export function runtimeCommand(runtime, bin, script, args) {
  switch (runtime) {
    // -A: the harness reads files, starts Workers and reads the environment.
    case 'deno': return { command: bin, args: ['run', '-A', script, ...args] };
    // --bun: Bun itself, never a node on PATH.
    case 'bun': return { command: bin, args: ['--bun', script, ...args] };
    case 'node': return { command: bin, args: [script, ...args] };
  }
  throw new RangeError(`no command for runtime ${runtime}`);
}

/** What to do when a runtime's binary is missing: the commands that install it. */
export function missingRuntimeMessage(runtime) {
  const version = ENGINE_VERSIONS[runtime];
  return (
    `${RUNTIME_LABEL[runtime]} is not installed, so the bench cannot run in it. Install it with \`npm install\` ` +
    `(${runtime}@${version} is a devDependency; its binary lands in node_modules/.bin/${runtime}), ` +
    `or \`npm install --no-save ${runtime}@${version}\`, or put a ${runtime} ${version} on PATH.`
  );
}

/** The binary and version of `runtime` (Node: this process), or undefined when it is not installed. */
export function locateRuntime(runtime, find = findEngine) {
  if (runtime === 'node') return { bin: process.execPath, version: process.versions.node };
  const found = find(runtime);
  // `deno --version` says "deno 2.9.6 (stable, ...)", `bun --version` "1.4.5": keep the number.
  return found ? { bin: found.bin, version: found.version.match(/\d+\.\d+\.\d+\S*/)?.[0] ?? found.version } : undefined;
}

/**
 * Which runtimes a scenario module runs in: its `runtimes` export (the
 * modules whose peers and harness work everywhere), else Node only, with its
 * `nodeOnly` export as the reason when it gives one.
 */
export function moduleRuntimes(mod) {
  const runtimes = Array.isArray(mod.runtimes) ? mod.runtimes.filter((r) => RUNTIMES.includes(r)) : ['node'];
  const reason = typeof mod.nodeOnly === 'string' ? mod.nodeOnly : 'the module does not declare other runtimes (no `runtimes` export)';
  return { runtimes, reason };
}
