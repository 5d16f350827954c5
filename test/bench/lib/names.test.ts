import { describe, expect, it } from 'vitest';
import { BATCH, IMPL, jsRingImpl, throughputScenario } from '../../../bench/lib/names.mjs';
import { evaluateTargets } from '../../../bench/lib/targets.mjs';
import * as throughput from '../../../bench/scenarios/throughput.mjs';
import * as latency from '../../../bench/scenarios/latency.mjs';
import * as bandwidth from '../../../bench/scenarios/bandwidth.mjs';
import * as comlink from '../../../bench/scenarios/comlink.mjs';
import * as coldStart from '../../../bench/scenarios/cold-start.mjs';
import * as browser from '../../../bench/scenarios/browser.mjs';
import * as browserEngines from '../../../bench/scenarios/browser-engines.mjs';
import * as pool from '../../../bench/scenarios/pool.mjs';
import * as fanout from '../../../bench/scenarios/broadcast.mjs';
import * as selecting from '../../../bench/scenarios/select.mjs';
import * as nats from '../../../bench/scenarios/nats.mjs';

/** Every (scenario, impl) figure the targets read, found by evaluating them with a recording lookup. */
function figuresTargetsRead() {
  const read: string[] = [];
  evaluateTargets((scenario, impl) => {
    read.push(`${scenario} / ${impl}`);
    return 1;
  });
  return [...new Set(read)];
}

const produced = (quick: boolean) =>
  new Set([...throughput.rows(quick), ...latency.rows(), ...bandwidth.rows(), ...comlink.rows(), ...coldStart.rows(), ...browser.rows(), ...browserEngines.rows(), ...pool.rows(), ...pool.crashedRows(), ...fanout.rows(), ...selecting.rows(), ...nats.rows()].map((r) => `${r.scenario} / ${r.impl}`));

describe('bench names', () => {
  it('gives every implementation its own name', () => {
    const names = Object.values(IMPL);
    expect(new Set(names).size).toBe(names.length);
    expect(jsRingImpl(BATCH)).toBe(IMPL.jsRing);
    for (const module of [throughput, latency, browser, browserEngines]) {
      const impls = module.transports.map((t) => t.impl);
      expect(new Set(impls).size).toBe(impls.length);
    }
  });

  for (const quick of [true, false]) {
    it(`measures every figure a target reads, in a ${quick ? 'quick' : 'full'} run`, () => {
      const rows = produced(quick);
      expect(figuresTargetsRead().filter((f) => !rows.has(f))).toEqual([]);
    });

    it(`has the in-place rows in a ${quick ? 'quick' : 'full'} run, in the cells the issue asks for`, () => {
      const rows = throughput.rows(quick);
      const cellsOf = (impl: string) => rows.filter((r) => r.impl === impl).map((r) => r.scenario);
      const t64 = throughputScenario(1, 1, 64);
      expect(cellsOf(IMPL.postMessageBatch)).toEqual([t64]);
      for (const batch of [16, 64, 256]) expect(cellsOf(jsRingImpl(batch))).toEqual([t64]);
      expect(cellsOf(IMPL.wasmqInPlace)).toEqual([
        throughputScenario(1, 1, 8), t64, throughputScenario(2, 2, 64), throughputScenario(4, 4, 64),
      ]);
      const lat = latency.rows().map((r) => r.impl);
      expect(lat).toContain(IMPL.wasmqInPlaceSpin);
      expect(lat).toContain(IMPL.wasmqInPlaceLatency);
    });
  }
});
