// The checking build of the kernel: the compiled release kernel
// (build/kernel.wasm, or a mutant's build of the same sources) with a call to
// an imported step hook in front of every access to shared memory that
// another thread could race with, then Binaryen's asyncify pass, so that the
// hook can unwind the kernel's stack and the scheduler can resume it later.
//
// Instrumented: every atomic load, store, read-modify-write, cmpxchg, wait
// and notify; every plain store (the kernel's plain stores are ordered
// stores to cell words, which the protocol reasons about: release()'s
// continuation cells, publishMany's later cells); memory.copy and
// memory.fill. Not instrumented: plain loads (the kernel reads only the
// read-only header and a thread's own scratch area with them).
//
// The hook is inserted into the pointer operand: `op(ptr, ...)` becomes
// `op(step(site, ptr, offset), ...)`. The hook runs after the pointer is
// computed and before the op; the op's other operands never read shared
// memory except through their own (instrumented) atomics, so between a
// thread's last yield and its op nothing shared happens.
//
// The shipped kernel is not touched: this runs on a copy of its bytes.
import binaryen from 'binaryen';

/** What one instrumented site does: its kind and access width. */
export interface Site {
  kind: 'load' | 'store' | 'rmw' | 'cmpxchg' | 'wait' | 'notify' | 'copy' | 'fill';
  bytes: number;
}

export interface CheckingKernel {
  module: WebAssembly.Module;
  sites: Site[];
}

const STEP = 'wasmq_step';

export function checkingKernel(release: Uint8Array): CheckingKernel {
  const mod = binaryen.readBinary(release);
  mod.setFeatures(binaryen.Features.All);
  mod.addFunctionImport(STEP, 'check', 'step', binaryen.createType([binaryen.i32, binaryen.i32, binaryen.i32]), binaryen.i32);
  const sites: Site[] = [];
  const hook = (site: Site, ptr: number, offset: number) => {
    sites.push(site);
    return mod.call(STEP, [mod.i32.const(sites.length - 1), ptr, mod.i32.const(offset)], binaryen.i32);
  };
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
    if (!info.module) walk(info.name, info.body, hook); // not an import
  }
  if (sites.length === 0) throw new Error('checking build: no shared-memory access found to instrument');
  binaryen.setPassArgument('asyncify-imports', `check.step`);
  mod.runPasses(['asyncify']);
  mod.optimize();
  if (!mod.validate()) throw new Error('checking build: the instrumented module does not validate');
  const bytes = mod.emitBinary();
  mod.dispose();
  return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), sites };
}

type Hook = (site: Site, ptr: number, offset: number) => number;

/** Visits every expression under `e`, instrumenting memory accesses; throws on an expression kind it does not know. */
function walk(fn: string, e: number, hook: Hook): void {
  if (e === 0) return;
  const B = binaryen;
  // binaryen.js has setters for expression fields (Load.setPtr, …) that its typings do not declare.
  const X = binaryen as unknown as Record<string, { setPtr(e: number, p: number): void; setDest(e: number, p: number): void }>;
  const info = B.getExpressionInfo(e) as any;
  const kids = (...xs: number[]) => { for (const x of xs) walk(fn, x, hook); };
  switch (info.id) {
    case B.BlockId: return kids(...info.children);
    case B.IfId: return kids(info.condition, info.ifTrue, info.ifFalse);
    case B.LoopId: return kids(info.body);
    case B.BreakId: return kids(info.condition, info.value);
    case B.SwitchId: return kids(info.condition, info.value);
    case B.CallId: return kids(...info.operands);
    case B.LocalSetId: case B.GlobalSetId: case B.DropId: case B.ReturnId: case B.UnaryId:
      return kids(info.value);
    case B.MemoryGrowId: return kids(info.delta);
    case B.BinaryId: return kids(info.left, info.right);
    case B.SelectId: return kids(info.ifTrue, info.ifFalse, info.condition);
    case B.LocalGetId: case B.GlobalGetId: case B.ConstId: case B.NopId: case B.UnreachableId:
    case B.MemorySizeId: case B.AtomicFenceId:
      return;
    case B.LoadId:
      kids(info.ptr);
      if (info.isAtomic) X.Load.setPtr(e, hook({ kind: 'load', bytes: info.bytes }, info.ptr, info.offset));
      return;
    case B.StoreId:
      kids(info.ptr, info.value);
      X.Store.setPtr(e, hook({ kind: 'store', bytes: info.bytes }, info.ptr, info.offset));
      return;
    case B.AtomicRMWId:
      kids(info.ptr, info.value);
      X.AtomicRMW.setPtr(e, hook({ kind: 'rmw', bytes: info.bytes }, info.ptr, info.offset));
      return;
    case B.AtomicCmpxchgId:
      kids(info.ptr, info.expected, info.replacement);
      X.AtomicCmpxchg.setPtr(e, hook({ kind: 'cmpxchg', bytes: info.bytes }, info.ptr, info.offset));
      return;
    case B.AtomicWaitId:
      kids(info.ptr, info.expected, info.timeout);
      X.AtomicWait.setPtr(e, hook({ kind: 'wait', bytes: 4 }, info.ptr, info.offset ?? 0));
      return;
    case B.AtomicNotifyId:
      kids(info.ptr, info.notifyCount);
      X.AtomicNotify.setPtr(e, hook({ kind: 'notify', bytes: 4 }, info.ptr, info.offset ?? 0));
      return;
    case B.MemoryCopyId:
      kids(info.dest, info.source, info.size);
      X.MemoryCopy.setDest(e, hook({ kind: 'copy', bytes: 0 }, info.dest, 0));
      return;
    case B.MemoryFillId:
      kids(info.dest, info.value, info.size);
      X.MemoryFill.setDest(e, hook({ kind: 'fill', bytes: 0 }, info.dest, 0));
      return;
    default:
      throw new Error(`checking build: ${fn} has an expression of kind ${info.id} that the instrumenter does not know; teach walk() its children`);
  }
}
