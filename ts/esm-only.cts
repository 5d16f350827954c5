// The error a CommonJS caller gets where this Node will not require() an ES
// module: wasmq is ESM only, and on Node 20.19+ / 22.12+ require() loads it.

/** Replaces Node's ERR_REQUIRE_ESM with one that names the way out; passes anything else through. */
function esmOnly(error: unknown, specifier: string): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_REQUIRE_ESM') return error;
  return new Error(
    `require('${specifier}') failed: ${specifier} is an ES module, and this Node (${process.version}) ` +
      `refused to load it with require() (ERR_REQUIRE_ESM). Use import('${specifier}') or an import ` +
      `statement; Node 20.19+ and 22.12+ can require() ES modules unless started with --no-experimental-require-module.`,
    { cause: error },
  );
}
export = esmOnly;
