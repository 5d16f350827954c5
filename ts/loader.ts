// Compiles the embedded kernel once per realm and instantiates it over a
// shared memory. Instantiation is synchronous: the compiled module travels in
// the queue handle (a WebAssembly.Module is structured-cloneable).
import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

/** The kernel's exports (see assembly/index.ts for the contracts). */
export interface Kernel {
  init(
    capacity: number, slotBytes: number, maxMessageBytes: number,
    cellsOffset: number, dataOffset: number, scratchOffset: number, scratchBytes: number,
    scratchCount: number, stallTimeoutMs: number, codec: number, totalBytes: number, startPos: number,
  ): void;
  attach(): number;
  leaseScratch(): number;
  releaseScratch(index: number): void;
  tryPush(src: number, len: number): number;
  claimWrite(len: number): number;
  publishWrite(): number;
  pushBatch(src: number, count: number): number;
  tryPop(dst: number, max: number): number;
  claimRead(): number;
  releaseRead(): number;
  popBatch(dst: number, dstBytes: number, max: number): number;
  close(): void;
  isClosed(): number;
  usedCells(): number;
  reclaimWrite(pos: number): number;
  reclaimRead(pos: number): number;
  lastLength(): number;
  stallPosition(): number;
}

const KERNEL_FUNCTIONS: readonly (keyof Kernel)[] = [
  'init', 'attach', 'leaseScratch', 'releaseScratch', 'tryPush', 'claimWrite', 'publishWrite',
  'pushBatch', 'tryPop', 'claimRead', 'releaseRead', 'popBatch', 'close', 'isClosed',
  'usedCells', 'reclaimWrite', 'reclaimRead', 'lastLength', 'stallPosition',
];

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

/** Instantiates `module` over `memory`; throws TypeError if it is not a wasmq kernel. */
export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernel {
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory } });
  } catch (cause) {
    throw new TypeError(`not a wasmq queue handle: its module does not instantiate over its memory (${String(cause)})`, {
      cause,
    });
  }
  const exports = instance.exports as Record<string, unknown>;
  for (const name of KERNEL_FUNCTIONS) {
    if (typeof exports[name] !== 'function') {
      throw new TypeError(`not a wasmq queue handle: its module lacks the kernel function "${name}"`);
    }
  }
  return exports as unknown as Kernel;
}
