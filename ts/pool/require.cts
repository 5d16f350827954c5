// require('wasmq/pool'): the same module instance that import('wasmq/pool') gives.
import esmOnly = require('../esm-only.cjs');

let pool: typeof import('./index.js');
try {
  pool = require('./index.js');
} catch (error) {
  throw esmOnly(error, 'wasmq/pool');
}
export = pool;
