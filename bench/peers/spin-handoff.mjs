// The latency floor: a bare Atomics spin hand-off of one word between two
// threads, with no queue and no payload. Nothing that moves a message
// between threads through memory can round-trip faster on this machine.
// Protocol on word 0: the pinger stores an odd value v; the echoer, spinning,
// answers v + 1; -1 ends the round (the echoer answers 0).
export const name = 'Atomics spin hand-off';

export function prepare() {
  const sab = new SharedArrayBuffer(4);
  return { forWorker: () => ({ data: { sab }, transfer: [] }) };
}

export function open(role, { sab }) {
  const word = new Int32Array(sab);
  if (role === 'pinger') {
    return {
      run({ roundTrips }) {
        const rtt = new Float64Array(roundTrips);
        for (let i = 0; i < roundTrips; i++) {
          const t0 = performance.now();
          const v = 2 * i + 1;
          Atomics.store(word, 0, v);
          while (Atomics.load(word, 0) !== v + 1);
          rtt[i] = performance.now() - t0;
        }
        Atomics.store(word, 0, -1);
        while (Atomics.load(word, 0) !== 0);
        return { rtt };
      },
    };
  }
  if (role === 'echoer') {
    return {
      run() {
        for (;;) {
          const v = Atomics.load(word, 0);
          if (v === -1) {
            Atomics.store(word, 0, 0);
            return {};
          }
          if (v & 1) Atomics.store(word, 0, v + 1);
        }
      },
    };
  }
  throw new Error(`spin hand-off has no role ${role}`);
}
