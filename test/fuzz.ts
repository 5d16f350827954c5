// fast-check parameters for every property test: the run count, and the
// replay of a failure. fast-check prints a failing run's seed and path;
// WASMQ_FUZZ_SEED=<seed> WASMQ_FUZZ_PATH=<path> run it again, exactly (the
// single-thread ones; a two-thread run also depends on thread timing).
// WASMQ_FUZZ_RUNS overrides the count.
import type fc from 'fast-check';

export function fuzzParameters<T>(numRuns: number): fc.Parameters<T> {
  return {
    numRuns: Number(process.env.WASMQ_FUZZ_RUNS ?? numRuns),
    ...(process.env.WASMQ_FUZZ_SEED ? { seed: Number(process.env.WASMQ_FUZZ_SEED) } : {}),
    ...(process.env.WASMQ_FUZZ_PATH ? { path: process.env.WASMQ_FUZZ_PATH } : {}),
  };
}
