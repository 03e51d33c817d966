// Hostile values for property tests of public functions: every public entry must answer these with a
// result or a LockstepError, never a TypeError, a RangeError, a hang or a polluted prototype.
// `hostile()` is a fast-check arbitrary of one such value; `expectLockstepOrResult` runs a call and fails
// the property for anything thrown that is not a LockstepError.
import fc from 'fast-check';
import { expect } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';

/** An array nested `depth` deep: [[[…[1]…]]]. */
export function deepArray(depth: number): unknown {
  let v: unknown = [1];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** An object nested `depth` deep: { a: { a: … } }. */
export function deepObject(depth: number): unknown {
  let v: unknown = { a: 1 };
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** An object whose every property read throws. */
export function throwingGetters(): object {
  return new Proxy(
    {},
    {
      // Symbol reads (fast-check looks for its clone method on every value) answer undefined.
      get(_target, key) {
        if (typeof key === 'symbol') return undefined;
        throw new Error('hostile getter');
      },
      ownKeys() {
        return ['a', 'b'];
      },
      getOwnPropertyDescriptor() {
        return { configurable: true, enumerable: true, value: 1 };
      },
    },
  );
}

/**
 * A Proxy whose every trap throws for string keys. Symbol reads and `in` tests answer undefined and false:
 * fast-check looks for its clone method on every value it generates.
 */
export function throwingProxy(): object {
  const boom = (): never => {
    throw new Error('hostile proxy');
  };
  return new Proxy(
    {},
    {
      get: (_target, key) => (typeof key === 'symbol' ? undefined : boom()),
      has: (_target, key) => (typeof key === 'symbol' ? false : boom()),
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      getPrototypeOf: boom,
    },
  );
}

/** A plain object carrying an own `__proto__` key (as JSON.parse makes one). */
export function protoKey(): object {
  return JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
}

/** Single hostile values, each of a different family. */
export function hostileValues(): readonly unknown[] {
  const sparse: unknown[] = [];
  sparse[1_000_000] = 1;
  return [
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    1e308,
    -1e308,
    Number.MIN_VALUE,
    2 ** 32,
    2 ** 53 + 2,
    -1,
    1.5,
    0n,
    2n ** 70n,
    '',
    '\uD800',
    'x'.repeat(1 << 20),
    Symbol('hostile'),
    () => 1,
    [],
    [Number.NaN, null, undefined],
    sparse,
    new Array(5),
    deepArray(10_000),
    deepObject(10_000),
    {},
    Object.create(null),
    protoKey(),
    throwingGetters(),
    throwingProxy(),
    new Float64Array(3),
    new Uint8Array(0),
    new Date(Number.NaN),
    new Map(),
    /re/,
  ];
}

/** A fast-check arbitrary over hostile values, mixed with ordinary JSON-like ones. */
export function hostile(): fc.Arbitrary<unknown> {
  return fc.oneof(
    // By index, made fresh each time: fast-check would read (and trip over) a proxy it was handed to clone.
    { weight: 3, arbitrary: fc.nat({ max: hostileValues().length - 1 }).map((i) => hostileValues()[i]) },
    {
      weight: 1,
      arbitrary: fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true }),
    },
  );
}

/**
 * Runs `call`; passes when it returns or throws a LockstepError, fails on anything else it throws
 * (naming the thrown type and message, so the failing case reads as what to fix).
 */
export function expectLockstepOrResult(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (error instanceof LockstepError) return;
    expect.fail(
      `threw ${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error)}`,
    );
  }
}

/** The same for async calls. */
export async function expectLockstepOrResultAsync(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (error instanceof LockstepError) return;
    expect.fail(
      `threw ${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error)}`,
    );
  }
}

/** Fails if anything was written onto Object.prototype (run after a hostile sweep). */
export function expectNoPrototypePollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}

/**
 * A copy of a JSON value with one field corrupted: the leaf at a pseudo-random path replaced by a
 * hostile JSON value. `pick` chooses the path (a fast-check `nat`), `with` the replacement.
 */
export function corruptOne(json: unknown, pick: number, replacement: unknown): unknown {
  const copy = structuredClone(json) as unknown;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...path, i]);
    } else if (typeof v === 'object' && v !== null)
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  walk(copy, []);
  const path = paths[pick % paths.length]!;
  if (path.length === 0) return replacement;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

/** Hostile replacements for one field of a JSON artifact. */
export function corruption(): fc.Arbitrary<unknown> {
  return fc.constantFrom<unknown>(
    undefined,
    null,
    -1,
    1.5,
    1e308,
    '',
    'x',
    '\uD800',
    true,
    [],
    {},
    [1, 2, 3],
    { __proto__: null },
    'x'.repeat(100_000),
  );
}
