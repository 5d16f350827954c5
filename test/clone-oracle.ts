// structuredClone as the oracle for the serializer's tests: a strict
// comparison of a decoded value with structuredClone's result, and the
// pool's documented contract (ts/serialize.ts's table) as a model: which
// values it rejects, and the approximation it makes of the others.
import { expect } from 'vitest';

export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export function outcomeOf(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

export const errorName = (error: unknown) => (error as Error | undefined)?.name;

export interface CompareOptions {
  /** The pool's errors carry the receiver's stack (documented): leave `stack` out of the comparison. */
  readonly ignoreErrorStack?: boolean;
}

/**
 * Fails unless `actual` is `expected`, structurally and exactly: vitest's
 * toEqual, plus what it does not see: Object.is on every number (-0), array
 * holes, own-key lists in order, prototypes, error fields, typed-array
 * offsets, and the identity structure (shared references and cycles on one
 * side are the same ones on the other; views share buffers alike).
 */
export function expectSameClone(actual: unknown, expected: unknown, options: CompareOptions = {}): void {
  expect(actual).toEqual(expected);
  compare(actual, expected, '(root)', { e2a: new Map(), a2e: new Map(), options });
}

interface State {
  readonly e2a: Map<object, object>;
  readonly a2e: Map<object, object>;
  readonly options: CompareOptions;
}

function fail(path: string, what: string): never {
  throw new Error(`at ${path}: ${what}`);
}

const show = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : typeof v === 'string' ? JSON.stringify(v) : String(v));
const hasOwn = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);
const tagOf = (o: object) => Object.prototype.toString.call(o);
const bytesOf = (b: ArrayBufferLike) => Array.from(new Uint8Array(b));

function compare(a: unknown, e: unknown, path: string, st: State): void {
  if (typeof e !== 'object' || e === null) {
    if (!Object.is(a, e)) fail(path, `${show(a)} where structured clone has ${show(e)}`);
    return;
  }
  if (typeof a !== 'object' || a === null) fail(path, `${show(a)} where structured clone has an object`);
  const mapped = st.e2a.get(e);
  if (mapped !== undefined) {
    if (mapped !== a) fail(path, 'a distinct object where structured clone repeats a reference');
    return;
  }
  if (st.a2e.has(a)) fail(path, 'a repeated reference where structured clone has a distinct object');
  st.e2a.set(e, a);
  st.a2e.set(a, e);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) {
    fail(path, `prototype of ${tagOf(a)} ${a.constructor?.name} where structured clone has ${e.constructor?.name}`);
  }
  if (Array.isArray(e)) {
    const arr = a as unknown[];
    if (arr.length !== e.length) fail(path, `length ${arr.length} vs ${e.length}`);
    for (let i = 0; i < e.length; i++) {
      if (i in arr !== i in e) fail(`${path}[${i}]`, i in e ? 'a hole where structured clone has an element' : 'an element where structured clone has a hole');
    }
  } else if (e instanceof Map) {
    const ae = [...(a as Map<unknown, unknown>)];
    const ee = [...e];
    if (ae.length !== ee.length) fail(path, `Map size ${ae.length} vs ${ee.length}`);
    ee.forEach(([k, v], i) => {
      compare(ae[i]![0], k, `${path}.keys[${i}]`, st);
      compare(ae[i]![1], v, `${path}.get(${show(k)})`, st);
    });
    return;
  } else if (e instanceof Set) {
    const am = [...(a as Set<unknown>)];
    const em = [...e];
    if (am.length !== em.length) fail(path, `Set size ${am.length} vs ${em.length}`);
    em.forEach((v, i) => compare(am[i], v, `${path}.members[${i}]`, st));
    return;
  } else if (e instanceof Date) {
    if (!Object.is((a as Date).getTime(), e.getTime())) fail(path, `Date ${(a as Date).getTime()} vs ${e.getTime()}`);
  } else if (e instanceof RegExp) {
    const r = a as RegExp;
    if (r.source !== e.source || r.flags !== e.flags || r.lastIndex !== e.lastIndex) fail(path, `RegExp ${r} vs ${e}`);
  } else if (e instanceof ArrayBuffer || tagOf(e) === '[object SharedArrayBuffer]') {
    const b = a as ArrayBuffer;
    if (b.byteLength !== (e as ArrayBuffer).byteLength) fail(path, `byteLength ${b.byteLength} vs ${(e as ArrayBuffer).byteLength}`);
    expect(bytesOf(b), `${path} bytes`).toEqual(bytesOf(e as ArrayBuffer));
    return;
  } else if (ArrayBuffer.isView(e)) {
    const v = a as ArrayBufferView;
    if (v.byteOffset !== e.byteOffset || v.byteLength !== e.byteLength) {
      fail(path, `view at ${v.byteOffset}+${v.byteLength} vs ${e.byteOffset}+${e.byteLength}`);
    }
    compare(v.buffer, e.buffer, `${path}.buffer`, st);
    return;
  } else if (e instanceof Error) {
    const err = a as Error;
    if (err.name !== e.name) fail(path, `error name ${err.name} vs ${e.name}`);
    const fields = (x: Error) => Object.getOwnPropertyNames(x).filter((k) => !(st.options.ignoreErrorStack && k === 'stack')).sort();
    expect(fields(err), `${path} own error fields`).toEqual(fields(e));
    for (const k of fields(e)) compare((err as never)[k], (e as never)[k], `${path}.${k}`, st);
    return;
  } else if (tagOf(e) !== '[object Object]') {
    // Wrapper objects (String, Number, Boolean) and other platform objects the lane carries.
    if (tagOf(a) !== tagOf(e)) fail(path, `${tagOf(a)} vs ${tagOf(e)}`);
    if (typeof (e as { valueOf(): unknown }).valueOf === 'function') {
      compare((a as { valueOf(): unknown }).valueOf(), (e as { valueOf(): unknown }).valueOf(), `${path}.valueOf()`, st);
    }
  }
  const ak = Reflect.ownKeys(a).filter((k) => Object.getOwnPropertyDescriptor(a, k)!.enumerable);
  const ek = Reflect.ownKeys(e).filter((k) => Object.getOwnPropertyDescriptor(e, k)!.enumerable);
  expect(ak.map(String), `${path} own keys, in order`).toEqual(ek.map(String));
  for (const k of ek) {
    compare(Object.getOwnPropertyDescriptor(a, k)!.value, Object.getOwnPropertyDescriptor(e, k)!.value, `${path}[${show(k)}]`, st);
  }
}

// ------------------------------------------------------- the pool's contract

/** Typed arrays msgpackr rebuilds (by constructor name), and DataView. */
const CARRIED_VIEWS = new Set<unknown>(
  [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
    Float64Array, BigInt64Array, BigUint64Array, DataView].map((c) => c.prototype),
);

/** True when the pool must reject `value` with a DataCloneError (ts/serialize.ts's header). */
export function poolRejects(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return true;
  if (typeof value !== 'object' || value === null) return false;
  if (seen.has(value)) return false;
  seen.add(value);
  const some = (items: Iterable<unknown>) => [...items].some((item) => poolRejects(item, seen));
  if (Array.isArray(value)) return some(Array.from(value));
  if (value instanceof Map) return value.constructor !== Map || some([...value].flat());
  if (value instanceof Set) return some(value);
  if (value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer) return false;
  if (ArrayBuffer.isView(value)) return !CARRIED_VIEWS.has(Object.getPrototypeOf(value));
  if (value instanceof Error) return poolRejects(value.cause, seen);
  if (tagOf(value) !== '[object Object]') return true; // WeakMap, Promise, SharedArrayBuffer, wrappers, arguments ...
  return some(Object.keys(value).map((k) => (value as Record<string, unknown>)[k]));
}

/**
 * What the pool delivers for `value`, given `clone = structuredClone(value)`:
 * the clone with the documented approximations applied in place. -0 → 0;
 * holes → undefined and named array properties dropped; lone surrogates →
 * U+FFFD (in keys too); every view a compact copy in a buffer of its own;
 * errors with an own message and cause (stack: compare with ignoreErrorStack);
 * an Error met again inside its own cause or errors → {} (Node's V8 cannot
 * clone those at all, so this shows only where the engine can: Deno).
 */
/**
 * Whether `error` is reached again from its own cause (or AggregateError
 * errors) through objects not met before it (`before`: those the encoder has
 * written already, which it refers back to rather than writing again). Then
 * msgpackr meets the error inside itself before it exists, and gives {}.
 */
function reachesBack(error: Error, before: Map<object, unknown>): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [error.cause, (error as { errors?: unknown }).errors];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (v === error) return true;
    if (seen.has(v) || before.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else if (v instanceof Error) stack.push(v.cause, (v as { errors?: unknown }).errors);
    if (!ArrayBuffer.isView(v)) for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return false;
}

export function poolApproximation(clone: unknown): unknown {
  const done = new Map<object, unknown>();
  const approx = (v: unknown): unknown => {
    if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
    if (typeof v === 'string') return wellFormed(v);
    if (typeof v !== 'object' || v === null) return v;
    if (done.has(v)) return done.get(v);
    if (v instanceof Error && reachesBack(v, done)) {
      const empty = {};
      done.set(v, empty);
      return empty;
    }
    if (ArrayBuffer.isView(v)) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
      const copy = v instanceof DataView ? new DataView(bytes.buffer)
        : new (v.constructor as new (b: ArrayBuffer) => ArrayBufferView)(bytes.buffer);
      done.set(v, copy);
      return copy;
    }
    done.set(v, v);
    if (Array.isArray(v)) {
      for (const k of Object.keys(v)) if (!/^\d+$/.test(k)) delete (v as never)[k];
      for (let i = 0; i < v.length; i++) v[i] = approx(v[i]);
    } else if (v instanceof Map) {
      const entries = [...v].map(([k, x]) => [approx(k), approx(x)] as const);
      v.clear();
      for (const [k, x] of entries) v.set(k, x);
    } else if (v instanceof Set) {
      const members = [...v].map(approx);
      v.clear();
      for (const m of members) v.add(m);
    } else if (v instanceof Error) {
      if (!hasOwn(v, 'message')) define(v, 'message', '', false);
      v.message = wellFormed(v.message);
      if (hasOwn(v, 'cause')) v.cause = approx(v.cause);
      else define(v, 'cause', undefined, false);
    } else if (tagOf(v) === '[object Object]') {
      const entries = Object.keys(v).map((k) => [wellFormed(k), approx((v as Record<string, unknown>)[k])] as const);
      for (const k of Object.keys(v)) delete (v as Record<string, unknown>)[k];
      for (const [k, x] of entries) define(v, k, x, true);
    }
    return v;
  };
  return approx(clone);
}

function wellFormed(s: string): string {
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

function define(o: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable, configurable: true });
}
