import { describe, isLockstepError, LockstepError } from './errors.js';
import { sha256Hex } from './sha256.js';
import { encodeUtf8 } from './utf8.js';

/** Deepest nesting canonicalJson writes: lockstep's artifacts nest a few levels; 10,000 would overflow. */
export const MAX_JSON_DEPTH = 1000;
/** Longest array canonicalJson writes (a sparse array of length 2^32 − 1 is refused, not walked). */
export const MAX_JSON_ARRAY = 33_554_432;

/**
 * Canonical JSON of a JSON value: object keys sorted by UTF-16 code units, no whitespace, numbers in
 * ECMAScript's shortest round-trip form (the rules of RFC 8785, JCS). Properties whose value is
 * `undefined` are left out, as JSON.stringify does. Anything JSON cannot carry faithfully throws:
 * NaN, ±Infinity, bigint, functions, symbols, cycles, and objects with a custom `toJSON`; so do values
 * nested deeper than 1,000 levels, arrays longer than 2^25 items, and getters or Proxies that throw.
 */
export function canonicalJson(value: unknown, fn = 'canonicalJson'): string {
  const parts: string[] = [];
  const stack: object[] = [];
  let at = '$';
  try {
    write(value, '$');
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument 'value' must be plain JSON, but ${at} could not be read (a getter or Proxy threw)`,
      { fn, arg: 'value', path: at },
    );
  }
  return parts.join('');

  function write(v: unknown, path: string): void {
    switch (typeof v) {
      case 'string':
        parts.push(JSON.stringify(v));
        return;
      case 'boolean':
        parts.push(v ? 'true' : 'false');
        return;
      case 'number':
        if (!Number.isFinite(v)) throw bad(path, v);
        parts.push(Object.is(v, -0) ? '0' : String(v));
        return;
      case 'object': {
        if (v === null) {
          parts.push('null');
          return;
        }
        at = path;
        if (stack.includes(v)) {
          throw new LockstepError('INVALID_ARGUMENT', `${fn}: value at ${path} is circular`, {
            fn,
            arg: 'value',
            path,
          });
        }
        if (stack.length >= MAX_JSON_DEPTH) {
          throw new LockstepError(
            'INVALID_ARGUMENT',
            `${fn}: argument 'value' must be plain JSON nested at most ${MAX_JSON_DEPTH} deep, but ${path.slice(0, 80)}... is deeper`,
            { fn, arg: 'value', path: path.slice(0, 200) },
          );
        }
        stack.push(v);
        if (Array.isArray(v)) {
          if (v.length > MAX_JSON_ARRAY) {
            throw new LockstepError(
              'INVALID_ARGUMENT',
              `${fn}: argument 'value' must be plain JSON with arrays of at most ${MAX_JSON_ARRAY} items, but ${path} has ${v.length}`,
              { fn, arg: 'value', path },
            );
          }
          parts.push('[');
          for (let i = 0; i < v.length; i++) {
            if (i > 0) parts.push(',');
            write(v[i] === undefined ? null : v[i], `${path}[${i}]`);
          }
          parts.push(']');
        } else {
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null) throw bad(path, v);
          const keys = Object.keys(v).sort();
          parts.push('{');
          let first = true;
          for (const key of keys) {
            const item = (v as Record<string, unknown>)[key];
            if (item === undefined) continue;
            if (!first) parts.push(',');
            first = false;
            parts.push(JSON.stringify(key), ':');
            write(item, `${path}.${key}`);
          }
          parts.push('}');
        }
        stack.pop();
        return;
      }
      default:
        throw bad(path, v);
    }
  }

  function bad(path: string, v: unknown): LockstepError {
    return new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument 'value' must be plain JSON, but ${path.length > 200 ? `${path.slice(0, 197)}...` : path} is ${describe(v)}`,
      { fn, arg: 'value', path },
    );
  }
}

/**
 * SHA-256 of the canonical JSON of `value`, as 64 lower-case hex characters. The same value gives the
 * same fingerprint in Node and browsers, whatever the key order.
 * @example fingerprint({ b: 1, a: [true, null] }) === fingerprint({ a: [true, null], b: 1 }) // => true
 * @throws LockstepError `INVALID_ARGUMENT` for values JSON cannot carry (NaN, bigint, cycles, …).
 */
export function fingerprint(value: unknown): string {
  return sha256Hex(encodeUtf8(canonicalJson(value, 'fingerprint')));
}
