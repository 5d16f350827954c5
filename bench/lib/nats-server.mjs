// A real nats-server, for the NATS tests (test/nats) and the NATS bench
// module: JetStream on, a free loopback port, a temporary store, started
// here and stopped (its store removed) by stop(). Debian's nats-server
// package provides the binary (.ci/run installs it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './browsers.mjs';

const BINARIES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', 'nats-server'];

/** Starts nats-server -js; resolves to { url, port, stop(hard?) } once it accepts clients. Extra `args` go to the server. */
export async function startNats(args = []) {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'wasmq-nats-'));
  let child;
  let lastError;
  for (const bin of BINARIES) {
    try {
      child = await launch(bin, ['-js', '-sd', store, '-a', '127.0.0.1', '-p', String(port), ...args]);
      break;
    } catch (e) {
      lastError = e;
      if (e.code !== 'ENOENT') break;
    }
  }
  if (!child) {
    rmSync(store, { recursive: true, force: true });
    throw new Error(`could not start nats-server (apt-get install nats-server): ${lastError?.message}`);
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    /** Kills the server (SIGKILL when `hard`) and removes its store. */
    async stop(hard = false) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(hard ? 'SIGKILL' : 'SIGTERM');
        await exited;
      }
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/** Spawns the server and waits for its "Server is ready" line (10 s at most). */
function launch(bin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not get ready within 10 s; its log:\n${log}`));
    }, 10_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code} before it was ready; its log:\n${log}`));
    });
    child.stderr.on('data', (chunk) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
  });
}
