// require('wasmq/nats'): the same module instance that import('wasmq/nats') gives.
import esmOnly = require('../esm-only.cjs');

// As in ../require.cts: load or say why, then re-export the cached module.
try {
  require('./index.js');
} catch (error) {
  throw esmOnly(error, 'wasmq/nats');
}
import nats = require('./index.js');
export = nats;
