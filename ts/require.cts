// require('wasmq'): the same module instance that import('wasmq') gives (Node's
// require(esm)), so classes, instanceof and queues agree between the two.
import esmOnly = require('./esm-only.cjs');

let wasmq: typeof import('./index.js');
try {
  wasmq = require('./index.js');
} catch (error) {
  throw esmOnly(error, 'wasmq');
}
export = wasmq;
