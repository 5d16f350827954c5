// Which worker of a test pool misbehaves: the first one to create the marker
// directory named by WASMQ_POOL_SABOTAGE_MARKER (its replacements find it there).
import { mkdirSync } from 'node:fs';

export function isFirstWorker() {
  try {
    mkdirSync(process.env.WASMQ_POOL_SABOTAGE_MARKER);
    return true;
  } catch {
    return false;
  }
}
