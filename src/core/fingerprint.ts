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
  // The path to the value being written, as keys and indices: made into text ($.a[3].b) only for a
  // message, since building it for every value was most of the time spent on large arrays.
  const segments: (string | number)[] = [];
  const pathText = (): string => {
    let text = '$';
    for (const s of segments) text += typeof s === 'number' ? `[${s}]` : `.${s}`;
    return text;
  };
  try {
    write(value);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    const at = pathText(); // the object or array whose read threw

    throw new LockstepError(
      'INVALID_ARGUMENT',
      `${fn}: argument 'value' must be plain JSON, but ${at} could not be read (a getter or Proxy threw)`,
      { fn, arg: 'value', path: at },
    );
  }
  return parts.join('');

  function write(v: unknown): void {
    switch (typeof v) {
      case 'string':
        parts.push(JSON.stringify(v));
        return;
      case 'boolean':
        parts.push(v ? 'true' : 'false');
        return;
      case 'number':
        if (!Number.isFinite(v)) throw bad(v);
        parts.push(Object.is(v, -0) ? '0' : String(v));
        return;
      case 'object': {
        if (v === null) {
          parts.push('null');
          return;
        }
        if (stack.includes(v)) {
          const path = pathText();
          throw new LockstepError('INVALID_ARGUMENT', `${fn}: value at ${path} is circular`, {
            fn,
            arg: 'value',
            path,
          });
        }
        if (stack.length >= MAX_JSON_DEPTH) {
          const path = pathText();
          throw new LockstepError(
            'INVALID_ARGUMENT',
            `${fn}: argument 'value' must be plain JSON nested at most ${MAX_JSON_DEPTH} deep, but ${path.slice(0, 80)}... is deeper`,
            { fn, arg: 'value', path: path.slice(0, 200) },
          );
        }
        stack.push(v);
        if (Array.isArray(v)) {
          if (v.length > MAX_JSON_ARRAY) {
            const path = pathText();
            throw new LockstepError(
              'INVALID_ARGUMENT',
              `${fn}: argument 'value' must be plain JSON with arrays of at most ${MAX_JSON_ARRAY} items, but ${path} has ${v.length}`,
              { fn, arg: 'value', path },
            );
          }
          parts.push('[');
          for (let i = 0; i < v.length; i++) {
            if (i > 0) parts.push(',');
            const item = v[i];
            segments.push(i);
            write(item === undefined ? null : item);
            segments.pop();
          }
          parts.push(']');
        } else {
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null) throw bad(v);
          const keys = Object.keys(v).sort();
          parts.push('{');
          let first = true;
          for (const key of keys) {
            const item = (v as Record<string, unknown>)[key];
            if (item === undefined) continue;
            if (!first) parts.push(',');
            first = false;
            parts.push(JSON.stringify(key), ':');
            segments.push(key);
            write(item);
            segments.pop();
          }
          parts.push('}');
        }
        stack.pop();
        return;
      }
      default:
        throw bad(v);
    }
  }

  function bad(v: unknown): LockstepError {
    const path = pathText();
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
