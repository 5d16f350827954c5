// Global setup of the browser projects: a nats-server (JetStream on) with a
// WebSocket listener on loopback, for test/browser/nats.test.ts, whose page
// and Web Worker connect to it with nats-core's wsconnect. Its URL reaches
// the tests through inject('natsWebSocket'). Stopped after the project.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../bench/lib/browsers.mjs';
import { startNats } from '../../bench/lib/nats-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** ws://127.0.0.1:PORT of the test nats-server's WebSocket listener. */
    natsWebSocket: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wasmq-nats-ws-'));
  const conf = join(dir, 'ws.conf');
  writeFileSync(conf, `websocket {\n  listen: "127.0.0.1:${wsPort}"\n  no_tls: true\n}\n`);
  const server = await startNats(['-c', conf]);
  project.provide('natsWebSocket', `ws://127.0.0.1:${wsPort}`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
