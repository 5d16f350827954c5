// Random structured-clone-family values for the serializer's property tests,
// tricky cases included: -0, NaN, array holes and named array properties,
// lone surrogates, BigInts far beyond 1000 bits, own "__proto__" keys,
// objects with toJSON, class instances, null-prototype objects, errors with
// causes, typed-array views (partial, over shared memory, sharing a buffer),
// cycles and shared references, and things structured clone rejects
// (functions, symbols, WeakMap, Promise) or only the platform carries
// (SharedArrayBuffer, wrapper objects, Map and typed-array subclasses).
//
// fast-check generates a description (plain, immutable data) and `build`
// makes a fresh value from it on every call, so shrinking never sees a value
// that an earlier run mutated and a failing case can be rebuilt at will.
import fc from 'fast-check';

export type Spec =
  | { readonly k: 'prim'; readonly v: string | number | boolean | null | undefined | bigint }
  | { readonly k: 'leaf'; readonly kind: LeafKind; readonly n: number }
  | { readonly k: 'array'; readonly items: readonly Spec[]; readonly holes: readonly number[]; readonly named: boolean }
  | { readonly k: 'object'; readonly shape: ObjectShape; readonly entries: readonly (readonly [string, Spec])[] }
  | { readonly k: 'map'; readonly entries: readonly (readonly [Spec, Spec])[] }
  | { readonly k: 'set'; readonly items: readonly Spec[] }
  | { readonly k: 'error'; readonly type: number; readonly message: string; readonly cause: Spec | undefined };

/** A value plus references added after building: [from container, to node] by index in build order. */
export interface Graph {
  readonly root: Spec;
  readonly links: readonly (readonly [number, number])[];
}

type ObjectShape = 'plain' | 'null-proto' | 'class' | 'class-with-toJSON';

const LEAF_KINDS = [
  'date', 'invalid-date', 'regexp', 'u8', 'f64', 'i32', 'big64', 'dataview', 'arraybuffer',
  'partial-view', 'shared-view', 'views-sharing-a-buffer', 'view-and-its-buffer',
  'function', 'named-function', 'symbol', 'own-toJSON-function', 'weakmap', 'promise',
  'sharedarraybuffer', 'string-wrapper', 'number-wrapper', 'map-subclass', 'typed-array-subclass',
] as const;
type LeafKind = (typeof LEAF_KINDS)[number];

const ERROR_TYPES = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];

class Point {
  constructor(readonly x: unknown) {}
}
class WithToJSON {
  constructor(readonly x: unknown) {}
  toJSON(): string {
    return 'toJSON must never be called';
  }
}
class MapSubclass extends Map<unknown, unknown> {}
class BytesSubclass extends Uint8Array {}

const bigints = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  // beyond the ~1000 bits msgpackr's README promises, up to 12000 bits
  fc.tuple(fc.integer({ min: 900, max: 12000 }), fc.boolean(), fc.bigInt({ min: 0n, max: 2n ** 64n })).map(
    ([bits, negative, low]) => (negative ? -1n : 1n) * (2n ** BigInt(bits) - low),
  ),
);

const strings = fc.oneof(
  { weight: 4, arbitrary: fc.string() },
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\ud800', 'a\udc00b', '\udbff\udfff', '__proto__', 'toJSON', ''),
);

const primitive: fc.Arbitrary<Spec> = fc
  .oneof(
    strings,
    fc.integer(),
    fc.double(),
    fc.constantFrom(-0, NaN, Infinity, 2 ** 53, -(2 ** 31)),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    bigints,
  )
  .map((v) => ({ k: 'prim', v }) as const);

const keys = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
  fc.constantFrom('__proto__', '__proto_', 'constructor', 'callee', 'toJSON', 'hasOwnProperty', '0', '7', '\ud800'),
);

const leaf: fc.Arbitrary<Spec> = fc
  .tuple(fc.constantFrom(...LEAF_KINDS), fc.integer({ min: 0, max: 24 }))
  .map(([kind, n]) => ({ k: 'leaf', kind, n }) as const);

/** Structured-clone-family value descriptions. */
export const specs: fc.Arbitrary<Spec> = fc.letrec<{ value: Spec }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: primitive },
    { weight: 2, arbitrary: leaf },
    fc
      .tuple(fc.array(tie('value'), { maxLength: 5 }), fc.array(fc.nat(6), { maxLength: 2 }), fc.boolean())
      .map(([items, holes, named]) => ({ k: 'array', items, holes, named: named && items.length % 3 === 0 }) as const),
    fc
      .tuple(
        fc.constantFrom<ObjectShape>('plain', 'plain', 'plain', 'null-proto', 'class', 'class-with-toJSON'),
        fc.array(fc.tuple(keys, tie('value')), { maxLength: 5 }),
      )
      .map(([shape, entries]) => ({ k: 'object', shape, entries }) as const),
    fc
      .array(fc.tuple(fc.oneof(primitive, tie('value')), tie('value')), { maxLength: 4 })
      .map((entries) => ({ k: 'map', entries }) as const),
    fc.array(fc.oneof(primitive, tie('value')), { maxLength: 4 }).map((items) => ({ k: 'set', items }) as const),
    fc
      .tuple(fc.nat(ERROR_TYPES.length - 1), fc.string({ maxLength: 8 }), fc.option(tie('value'), { nil: undefined }))
      .map(([type, message, cause]) => ({ k: 'error', type, message, cause }) as const),
  ),
})).value;

/** Values with extra references: shared subobjects and cycles. */
export const graphs: fc.Arbitrary<Graph> = fc.record({
  root: specs,
  links: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
});

/** Makes a fresh value from a description. */
export function build(graph: Graph | Spec): unknown {
  const containers: object[] = [];
  const nodes: object[] = [];
  const root = 'root' in graph ? graph.root : graph;
  const value = make(root, containers, nodes);
  if ('links' in graph && containers.length > 0 && nodes.length > 0) {
    graph.links.forEach(([from, to], i) => link(containers[from % containers.length]!, nodes[to % nodes.length]!, i));
  }
  return value;
}

function make(spec: Spec, containers: object[], nodes: object[]): unknown {
  const made = makeOne(spec, containers, nodes);
  if (typeof made === 'object' && made !== null) nodes.push(made);
  return made;
}

function makeOne(spec: Spec, containers: object[], nodes: object[]): unknown {
  switch (spec.k) {
    case 'prim':
      return spec.v;
    case 'leaf':
      return makeLeaf(spec.kind, spec.n);
    case 'array': {
      const array = spec.items.map((item) => make(item, containers, nodes));
      for (const hole of spec.holes) if (hole < array.length) delete array[hole];
      if (spec.named) Object.assign(array, { extra: spec.items.length });
      containers.push(array);
      return array;
    }
    case 'object': {
      const object =
        spec.shape === 'null-proto' ? Object.create(null)
        : spec.shape === 'class' ? new Point(spec.entries.length)
        : spec.shape === 'class-with-toJSON' ? new WithToJSON(spec.entries.length)
        : {};
      for (const [key, item] of spec.entries) {
        // defineProperty: "__proto__" becomes an own data property, as JSON.parse makes it.
        Object.defineProperty(object, key, {
          value: make(item, containers, nodes), writable: true, enumerable: true, configurable: true,
        });
      }
      containers.push(object);
      return object;
    }
    case 'map': {
      const map = new Map(spec.entries.map(([k, v]) => [make(k, containers, nodes), make(v, containers, nodes)]));
      containers.push(map);
      return map;
    }
    case 'set': {
      const set = new Set(spec.items.map((item) => make(item, containers, nodes)));
      containers.push(set);
      return set;
    }
    case 'error': {
      const Type = ERROR_TYPES[spec.type]!;
      return spec.cause === undefined
        ? new Type(spec.message)
        : new Type(spec.message, { cause: make(spec.cause, containers, nodes) });
    }
  }
}

function makeLeaf(kind: LeafKind, n: number): unknown {
  switch (kind) {
    case 'date': return new Date(n * 86_400_000 - 5);
    case 'invalid-date': return new Date(NaN);
    case 'regexp': return n % 2 ? /a+b/gi : /^x.y$/mu;
    case 'u8': return Uint8Array.from({ length: n }, (_, i) => i * 7);
    case 'f64': return Float64Array.from({ length: n % 5 }, (_, i) => (i % 2 ? -0 : i / 3));
    case 'i32': return new Int32Array([n, -n, 2 ** 31 - 1]);
    case 'big64': return new BigInt64Array([BigInt(n), -(2n ** 63n)]);
    case 'dataview': return new DataView(new Uint8Array([n, 1, 2, 3]).buffer);
    case 'arraybuffer': return new Uint16Array([n, 65535]).buffer;
    case 'partial-view': return new Uint8Array(16).fill(n).subarray(2, 2 + (n % 8));
    case 'shared-view': return new Int16Array(new SharedArrayBuffer(8)).fill(n);
    case 'views-sharing-a-buffer': {
      const buffer = new Uint8Array([n, 2, 3, 4]).buffer;
      return [new Uint8Array(buffer), new DataView(buffer)];
    }
    case 'view-and-its-buffer': {
      const view = new Uint8Array([n, 9]);
      return { view, buffer: view.buffer };
    }
    case 'function': return () => n;
    case 'named-function': return function namedTask() { return n; };
    case 'symbol': return Symbol(`s${n}`);
    case 'own-toJSON-function': return { n, toJSON: () => n };
    case 'weakmap': return new WeakMap();
    case 'promise': return Promise.resolve(n);
    case 'sharedarraybuffer': return new SharedArrayBuffer(4);
    case 'string-wrapper': return new String(`w${n}`);
    case 'number-wrapper': return new Number(n);
    case 'map-subclass': return new MapSubclass([[n, 'x']]);
    case 'typed-array-subclass': return new BytesSubclass([n]);
  }
}

/** Adds a reference from a container to any node: a shared subobject, or a cycle when `to` encloses `from`. */
function link(from: object, to: object, i: number): void {
  if (Array.isArray(from)) from.push(to);
  else if (from instanceof Map) from.set(`link${i}`, to);
  else if (from instanceof Set) from.add(to);
  else Object.defineProperty(from, `link${i}`, { value: to, writable: true, enumerable: true, configurable: true });
}
