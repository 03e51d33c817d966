// HMAC-SHA256 (core/hmac.ts, a wrapper over @noble/hashes): the published RFC 4231 test cases, and
// node:crypto's createHmac as an oracle on random keys and messages, for the one-shot and the keyed MAC.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hmacSha256, hmacSha256Key, keyedHmacSha256 } from '../../src/core/hmac.js';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const ascii = (s: string) => new TextEncoder().encode(s);
const nodeHmac = (key: Uint8Array, message: Uint8Array) =>
  createHmac('sha256', key).update(message).digest('hex');

/**
 * RFC 4231 §4.2–4.8, HMAC-SHA-256 column. Keys and data are the RFC's hex; data the RFC gives as hex of
 * ASCII text is written as that text. Test case 5's output is truncated to 128 bits by the RFC.
 */
const RFC_4231: readonly { name: string; key: Uint8Array; data: Uint8Array; mac: string; bits: number }[] = [
  {
    name: 'test case 1',
    key: hex('0b'.repeat(20)),
    data: hex('4869205468657265'), // "Hi There"
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    bits: 256,
  },
  {
    name: 'test case 2 (a key shorter than the output)',
    key: hex('4a656665'), // "Jefe"
    data: ascii('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    bits: 256,
  },
  {
    name: 'test case 3 (50 bytes of 0xdd)',
    key: hex('aa'.repeat(20)),
    data: hex('dd'.repeat(50)),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    bits: 256,
  },
  {
    name: 'test case 4 (a 25-byte key)',
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: hex('cd'.repeat(50)),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    bits: 256,
  },
  {
    name: 'test case 5 (truncated to 128 bits)',
    key: hex('0c'.repeat(20)),
    data: ascii('Test With Truncation'),
    mac: 'a3b6167473100ee06e0c796c2955552b',
    bits: 128,
  },
  {
    name: 'test case 6 (a 131-byte key, longer than the block)',
    key: hex('aa'.repeat(131)),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    bits: 256,
  },
  {
    name: 'test case 7 (a 131-byte key and data longer than the block)',
    key: hex('aa'.repeat(131)),
    data: ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    bits: 256,
  },
];

describe('hmacSha256', () => {
  for (const v of RFC_4231) {
    it(`gives RFC 4231 ${v.name}`, () => {
      const mac = hmacSha256(v.key, v.data);
      expect(mac).toHaveLength(32);
      expect(bytesToHex(mac, v.bits / 8)).toBe(v.mac);
    });
  }

  it('equals node:crypto on random keys and messages, block-boundary lengths included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (key, message) => {
        expect(bytesToHex(hmacSha256(key, message))).toBe(nodeHmac(key, message));
      }),
      { numRuns: 300 },
    );
  });
});

describe('keyedHmacSha256', () => {
  for (const v of RFC_4231) {
    it(`gives RFC 4231 ${v.name}, with the data split between prefix and message`, () => {
      const cut = Math.floor(v.data.length / 2);
      const mac = keyedHmacSha256(v.key, v.data.subarray(0, cut));
      expect(bytesToHex(mac(v.data.subarray(cut)), v.bits / 8)).toBe(v.mac);
    });
  }

  it('equals hmacSha256(key, prefix ‖ message) for many messages in a row under one key', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 130 }),
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }),
        (key, prefix, messages) => {
          const mac = keyedHmacSha256(key, prefix);
          for (const m of messages) {
            const whole = new Uint8Array(prefix.length + m.length);
            whole.set(prefix);
            whole.set(m, prefix.length);
            expect(bytesToHex(mac(m))).toBe(nodeHmac(key, whole));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the key once: editing the key array afterwards changes nothing, and each result is a fresh array', () => {
    const key = hex('0b'.repeat(20));
    const mac = keyedHmacSha256(key);
    key.fill(0);
    const first = mac(ascii('Hi There'));
    const second = mac(ascii('Hi There'));
    expect(bytesToHex(first)).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(second).not.toBe(first);
    first.fill(0);
    expect(bytesToHex(second)).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });
});

describe('hmacSha256Key', () => {
  it('absorbs the key once: each prefix gives hmacSha256(key, prefix ‖ message), independently of the others', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.array(fc.uint8Array({ maxLength: 130 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }),
        (key, prefixes, messages) => {
          const keyed = hmacSha256Key(key);
          const macs = prefixes.map((p) => keyed(p));
          for (const m of messages)
            prefixes.forEach((prefix, i) => {
              const whole = new Uint8Array(prefix.length + m.length);
              whole.set(prefix);
              whole.set(m, prefix.length);
              expect(bytesToHex(macs[i]!(m))).toBe(nodeHmac(key, whole));
            });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps no reference to the key array: editing it afterwards changes no MAC, even of a new prefix', () => {
    const key = hex('0b'.repeat(20));
    const keyed = hmacSha256Key(key);
    key.fill(0);
    expect(bytesToHex(keyed()(ascii('Hi There')))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    expect(bytesToHex(keyed(ascii('Hi '))(ascii('There')))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });
});

describe('bytesToHex', () => {
  it('writes lowercase hex, two characters a byte, of all or the first count bytes', () => {
    expect(bytesToHex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe('00010f10abff');
    expect(bytesToHex(new Uint8Array([0, 1, 15, 16]), 2)).toBe('0001');
    expect(bytesToHex(new Uint8Array([1]), 5)).toBe('01');
    expect(bytesToHex(new Uint8Array(0))).toBe('');
  });
});
