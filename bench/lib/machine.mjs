// Machine and run information recorded with every result.
import os from 'node:os';
import { execFileSync } from 'node:child_process';

export function machineInfo() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    const git = (...args) => execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    commit = git('rev-parse', '--short', 'HEAD');
    // The figures describe the code that was built: say when it differs from the commit.
    if (git('status', '--porcelain', '--', 'assembly', 'ts', 'scripts')) commit += ' + uncommitted changes to assembly/ts/scripts';
  } catch {
    // not a git checkout (e.g. an npm tarball): leave it unknown
  }
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    commit,
    date: new Date().toISOString(),
  };
}
