// require('wasmq/pool'): the same module instance that import('wasmq/pool') gives.
import esmOnly = require('../esm-only.cjs');

// As in ../require.cts: load or say why, then re-export the cached module.
try {
  require('./index.js');
} catch (error) {
  throw esmOnly(error, 'wasmq/pool');
}
import pool = require('./index.js');
export = pool;
