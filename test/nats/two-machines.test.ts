// Two machines (OS processes, each with its own pool) serve one subject; this
// process submits thousands of tasks and SIGKILLs one machine mid-run. Every
// run settles once with the right result, both machines did work, and the
// dead machine's unacked tasks were redelivered to the live one.
import { fork, type ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { remotePool } from '../../dist/nats/index.js';
import { useNats } from './server.js';

const nats = useNats();
const machines: ChildProcess[] = [];
afterAll(async () => {
  for (const m of machines) if (m.exitCode === null && m.signalCode === null) m.kill('SIGKILL');
});

/** Starts a machine process; resolves once it serves. */
function machine(subject: string, name: string): Promise<ChildProcess> {
  const child = fork(new URL('./workers/machine.mjs', import.meta.url), [nats.server.url, subject, name], { stdio: 'inherit' });
  machines.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (m: { ready?: boolean }) => (m.ready ? resolve(child) : reject(new Error(`machine ${name}: ${JSON.stringify(m)}`))));
    child.once('exit', (code) => reject(new Error(`machine ${name} exited with ${code} before serving`)));
  });
}

const ask = <T>(child: ChildProcess, what: string): Promise<T> =>
  new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(what);
  });

it('survives a machine killed mid-run: every task settles once with its result, the dead machine\'s tasks move to the live one', async () => {
  const subject = `test.machines.${process.pid}`;
  const [a, b] = await Promise.all([machine(subject, 'A'), machine(subject, 'B')]);
  const remote = remotePool<{ n: number; slowMs?: number }, { value: number; machine: string }>({ connection: nats.nc, subject, timeoutMs: 60_000 });
  const total = 4000;
  let settled = 0;
  const byMachine = new Map<string, number>();
  // Every 250th task holds its machine for 1.5 s (its pool runs 4 at once).
  const runs = Array.from({ length: total }, (_, n) =>
    remote.run({ n, slowMs: n % 250 === 0 ? 1500 : 0 }).then((r) => {
      settled++;
      byMachine.set(r.machine, (byMachine.get(r.machine) ?? 0) + 1);
      return r;
    }));
  const deadline = Date.now() + 30_000;
  while ((byMachine.get('A') ?? 0) < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const { stats: beforeKill } = await ask<{ stats: { running: number } }>(a, 'stats');
  a.kill('SIGKILL');
  const results = await Promise.all(runs);
  results.forEach((r, n) => expect(r.value).toBe(n * 3 + 1));
  expect(settled).toBe(total);
  expect(byMachine.get('A')).toBeGreaterThan(0);
  expect(byMachine.get('B')).toBeGreaterThan(0);
  const { stats } = await ask<{ stats: { completed: number; redelivered: number } }>(b, 'stats');
  expect(beforeKill.running).toBeGreaterThan(0);
  expect(stats.redelivered).toBeGreaterThan(0);
  expect(remote.stats).toMatchObject({ pending: 0, completed: total });
  // What the closing note reports: tasks, redeliveries, duplicates suppressed.
  console.log(`two machines: ${total} tasks, A answered ${byMachine.get('A')}, B ${byMachine.get('B')}; ` +
    `B got ${stats.redelivered} redelivered; ${remote.stats.duplicates} duplicate results suppressed, ${remote.stats.late} late`);
  await remote.close();
  await ask(b, 'close');
}, 120_000);
