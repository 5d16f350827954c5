import { describe, expect, it } from 'vitest';
import { measureLatency, transports } from '../../../bench/scenarios/latency.mjs';

// Every latency transport must echo each ping (the pinger checks the id of
// every reply) and time every round trip, or its figure is void.
describe('latency harness', () => {
  for (const transport of transports) {
    it(`${transport.impl} echoes every ping and times every round trip`, async () => {
      const rounds = await measureLatency({ transport, roundTrips: 300, rounds: 2 });
      expect(rounds).toHaveLength(2);
      for (const p of rounds) {
        expect(p.p50).toBeGreaterThan(0);
        expect(p.p99).toBeGreaterThanOrEqual(p.p50);
      }
    });
  }
});
