// require('wasmq'): the same module instance that import('wasmq') gives (Node's
// require(esm)), so classes, instanceof and queues agree between the two.
import esmOnly = require('./esm-only.cjs');

// The first require loads (or fails, then says why); the import below takes
// the cached module, and gives the .d.cts every export, types included.
try {
  require('./index.js');
} catch (error) {
  throw esmOnly(error, 'wasmq');
}
import wasmq = require('./index.js');
export = wasmq;
