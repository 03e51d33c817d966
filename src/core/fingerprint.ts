import { describe, LockstepError } from './errors.js';
import { sha256Hex } from './sha256.js';
import { encodeUtf8 } from './utf8.js';

/**
 * Canonical JSON of a JSON value: object keys sorted by UTF-16 code units, no whitespace, numbers in
 * ECMAScript's shortest round-trip form (the rules of RFC 8785, JCS). Properties whose value is
 * `undefined` are left out, as JSON.stringify does. Anything JSON cannot carry faithfully throws:
 * NaN, ±Infinity, bigint, functions, symbols, cycles, and objects with a custom `toJSON`.
 */
export function canonicalJson(value: unknown, fn = 'canonicalJson'): string {
  const parts: string[] = [];
  const stack: object[] = [];
  write(value, '$');
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
        if (stack.includes(v))
          throw new LockstepError('INVALID_ARGUMENT', `${fn}: value at ${path} is circular`);
        stack.push(v);
        if (Array.isArray(v)) {
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
      `${fn}: argument 'value' must be plain JSON, but ${path} is ${describe(v)}`,
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
