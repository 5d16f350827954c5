// The deterministic scheduler (scripts/schedules/): the checking build is the
// real kernel with every shared-memory step hooked, the quick search finds no
// violation in any scenario, each mutant of the kernel is caught by the check
// it should trip, and the documented slow-release hazard is found and replays.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario } from '../../scripts/schedules/check.js';
import { decodeSchedule, encodeSchedule, replay } from '../../scripts/schedules/explore.js';
import { checkingKernel } from '../../scripts/schedules/instrument.js';
import { Machine } from '../../scripts/schedules/machine.js';
import { MUTANTS, mutantKernel } from '../../scripts/schedules/mutants.js';
import { HAZARDS, SCENARIOS } from '../../scripts/schedules/scenarios.js';

const release = readFileSync(new URL('../../build/kernel.wasm', import.meta.url));
const kernel = checkingKernel(release);

describe('checking build', () => {
  it('hooks every atomic access, plain store and bulk copy of the release kernel, and keeps its exports', () => {
    const kinds = new Set(kernel.sites.map((s) => s.kind));
    for (const k of ['load', 'store', 'rmw', 'cmpxchg', 'notify', 'copy']) expect(kinds).toContain(k);
    const names = (m: WebAssembly.Module) => WebAssembly.Module.exports(m).map((e) => e.name);
    const shipped = names(new WebAssembly.Module(release));
    expect(names(kernel.module)).toEqual(expect.arrayContaining(shipped));
    expect(names(kernel.module)).toContain('asyncify_start_unwind');
    // The shipped kernel is not instrumented: it imports only its memory.
    expect(WebAssembly.Module.imports(new WebAssembly.Module(release)).map((i) => i.kind)).toEqual(['memory']);
  });

  it('replays a schedule exactly and refuses one that does not fit the scenario', () => {
    const sc = SCENARIOS.find((s) => s.name === 'push-pop')!;
    const m = new Machine(kernel, sc.spec, sc.threads.length);
    // T0 pushes its three messages (the third blocks on a full 2-cell ring), then T2 pops, then T1.
    const first = checkScenario(kernel, sc, { quick: true, maxSchedules: 1 });
    expect(first.violations).toEqual([]);
    const lines: string[] = [];
    expect(() => replay(m, sc, ['1', '1', '9'], (l) => lines.push(l))).toThrow(/step 3 of the schedule is 9, but the options here are 0 1 2/);
    expect(lines[0]).toMatch(/^ +1 T1 load64 TAIL in tryPush$/);
  });
});

describe('quick search of every scenario (npm run check:schedules -- --quick)', () => {
  let explored = 0;
  let violations = 0;
  afterAll(() => console.log(`schedules: ${explored} explored, ${violations} violations`));
  for (const sc of SCENARIOS) {
    const how = sc.quick === null ? `${sc.pct! / 10} random PCT schedules` : `any schedule with at most ${sc.quick} preemption(s)`;
    it(`${sc.name}: no violation in ${how} (${sc.what})`, () => {
      const r = checkScenario(kernel, sc, { quick: true });
      explored += r.explored;
      violations += r.violations.length;
      expect(r.violations.map((v) => v.verdict.problems.join('; ') + ` [${encodeSchedule(v.schedule)}]`)).toEqual([]);
      expect(r.complete).toBe(true);
      expect(r.explored).toBeGreaterThan(500);
    }, 120_000);
  }
});

describe('mutants of the kernel are caught', () => {
  for (const mu of MUTANTS) {
    it(`${mu.name} (${mu.what}) is caught in ${mu.scenario}`, () => {
      const sc = [...SCENARIOS, ...HAZARDS].find((s) => s.name === mu.scenario)!;
      const r = checkScenario(mutantKernel(mu), sc, { quick: true, stopAtFirst: true });
      expect(r.violations.length).toBeGreaterThan(0);
      expect(r.violations[0].verdict.problems.join('\n')).toMatch(mu.caughtBy);
    }, 120_000);
  }
});

describe('the known slow-release hazard (docs/DESIGN.md, "Release")', () => {
  it('is found, and its schedule replays step by step to the same violation', () => {
    const sc = HAZARDS.find((s) => s.name === 'slow-release')!;
    const found = checkScenario(kernel, sc, { quick: true, stopAtFirst: true });
    expect(found.violations.length).toBe(1);
    const v = found.violations[0];
    expect(v.verdict.problems.join('\n')).toMatch(/never received/);
    const lines: string[] = [];
    const again = replay(new Machine(kernel, sc.spec, sc.threads.length), sc, decodeSchedule(encodeSchedule(v.schedule)), (l) => lines.push(l));
    expect(again.verdict.problems).toEqual(v.verdict.problems);
    expect(lines.some((l) => /the stall timeout elapses/.test(l))).toBe(true);
    expect(lines.some((l) => /store32 cell\[\d\] in releaseRead/.test(l))).toBe(true);
  }, 120_000);
});
