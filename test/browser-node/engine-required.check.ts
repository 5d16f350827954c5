// Stands in for the browser suite in an engine that is not installed (see
// vitest.config.ts), so that `npm test` fails and prints the install command.
import { test } from 'vitest';
import { engineById, missingEngineMessage } from './engines.js';

const engine = engineById(process.env.WASMQ_REQUIRED_ENGINE ?? '');

test(`${engine.name} is installed, so the browser suite can run in it`, () => {
  throw new Error(missingEngineMessage(engine));
});
