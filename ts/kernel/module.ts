// Compiling the embedded kernel once per realm, and instantiating it over a
// shared memory. Instantiation is synchronous: the compiled module travels in
// the queue handle (a WebAssembly.Module is structured-cloneable).
import { KERNEL_FUNCTIONS, type KernelExports } from './exports.js';
import { KERNEL_WASM_BASE64 } from './wasm.js';

let compiled: WebAssembly.Module | undefined;

/** The kernel module, compiled on first use from the bytes in this bundle. */
export function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    const text = atob(KERNEL_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

/**
 * Instantiates `module` over `memory`. Throws TypeError, saying what is
 * missing, if it does not instantiate or lacks a kernel function.
 */
export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory } });
  } catch (cause) {
    throw new TypeError(`the module does not instantiate over the memory as a wasmq kernel (${String(cause)})`, { cause });
  }
  const exports = instance.exports as Record<string, unknown>;
  for (const name of KERNEL_FUNCTIONS) {
    if (typeof exports[name] !== 'function') {
      throw new TypeError(`the module lacks the kernel function "${name}"`);
    }
  }
  return exports as unknown as KernelExports;
}
