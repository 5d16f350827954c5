// Mutants of the kernel that the scheduler must catch: each is one source
// edit (`find` must occur exactly once in `file`), built with the release
// options into a temporary directory, then instrumented like the real one.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkingKernel, type CheckingKernel } from './instrument.js';

export interface Mutant {
  name: string;
  what: string;
  file: string;
  find: string;
  replace: string;
  /** The scenario the test checks it in, and the check expected to catch it. */
  scenario: string;
  caughtBy: RegExp;
}

export const MUTANTS: Mutant[] = [
  {
    name: 'tail-cas-as-load-store',
    what: 'claimCells takes the tail with a load and a store instead of one CAS',
    file: 'assembly/push.ts',
    find: '    // tail == t: nobody claimed since our snapshot, and the queue is open.\n    const seen = atomic.cmpxchg<u64>(OFF_TAIL, t, <u64>(pos + slots));\n',
    replace: '    const seen = atomic.load<u64>(OFF_TAIL);\n    if (seen == t) atomic.store<u64>(OFF_TAIL, <u64>(pos + slots));\n',
    scenario: 'push-pop',
    // Two producers take the same cells: one's markWriting then fails forever, or both write.
    caughtBy: /livelock|never received|received 2 times|not an intact message|no linearization/,
  },
  {
    name: 'publish-before-copy',
    what: 'tryPush publishes the cell before it copies the message in (the data store and the publishing store swapped)',
    file: 'assembly/push.ts',
    find: '    copyIn(pos, src, len);\n    if (!publish(pos, slots, len)) continue;\n',
    replace: '    if (!publish(pos, slots, len)) continue;\n    copyIn(pos, src, len);\n',
    scenario: 'push-pop',
    // The consumer copies what the cell held before: a torn message, or an older one again.
    caughtBy: /not an intact message|received 2 times|out of order/,
  },
  {
    name: 'taken-cell-check-off-by-one',
    what: 'fullOrBusy looks for seq == prev instead of prev + 1, so a cell a dead consumer holds reads as full, never busy',
    file: 'assembly/push.ts',
    find: '  if (seq == prev + 1 && state == STATE_READY) {',
    replace: '  if (seq == prev && state == STATE_READY) {',
    scenario: 'dead-consumer',
    caughtBy: /waits forever \(on full\)|takes only/,
  },
  {
    name: 'mark-writing-plain-store',
    what: 'markWriting stores WRITING instead of CAS-ing FREE to WRITING, so a producer resuming after its claim was declared dead overwrites ABANDONED and publishes behind the head',
    file: 'assembly/push.ts',
    find: '  return atomic.cmpxchg<u64>(cellAt(pos), free, cellWord(pos, STATE_WRITING, slots)) == free;',
    replace: '  atomic.store<u64>(cellAt(pos), cellWord(pos, STATE_WRITING, slots));\n  return true;',
    scenario: 'slow-producer',
    caughtBy: /never received/,
  },
  {
    name: 'reclaim-without-grace',
    what: 'reclaimWrite recycles a stalled claim at once instead of leaving it ABANDONED until its producer or a stall timeout frees it',
    file: 'assembly/reclaim.ts',
    find: '  atomic.cmpxchg<u32>(OFF_HEAD, pos, pos + slots);\n  // Producers may be waiting for these cells; they recycle them after a grace period.\n',
    replace: '  atomic.cmpxchg<u32>(OFF_HEAD, pos, pos + slots);\n  recycleClaim(pos, STATE_ABANDONED);\n',
    scenario: 'slow-producer',
    caughtBy: /not an intact message|never received|received 2 times/,
  },
];

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds `mu` from a copy of assembly/ with the release options and instruments it. */
export function mutantKernel(mu: Mutant): CheckingKernel {
  const dir = mkdtempSync(join(tmpdir(), `wasmq-mutant-${mu.name}-`));
  try {
    cpSync(join(root, 'assembly'), join(dir, 'assembly'), { recursive: true });
    cpSync(join(root, 'asconfig.json'), join(dir, 'asconfig.json'));
    const path = join(dir, mu.file);
    const source = readFileSync(path, 'utf8');
    const at = source.indexOf(mu.find);
    if (at < 0 || source.indexOf(mu.find, at + 1) >= 0) {
      throw new Error(`mutant ${mu.name}: its text must occur exactly once in ${mu.file}; update the mutant to the source`);
    }
    writeFileSync(path, source.slice(0, at) + mu.replace + source.slice(at + mu.find.length));
    const out = join(dir, 'kernel.wasm');
    execFileSync(join(root, 'node_modules/.bin/asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', 'release', '--outFile', out, '--textFile', join(dir, 'kernel.wat')], { cwd: dir, stdio: 'pipe' });
    return checkingKernel(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
