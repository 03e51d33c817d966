// lockstep/split: keys hashed per second against the `murmurhash` package in the same run.
// Target (issue 2): at least 10 M keys/s and at least 8x murmurhash.v3(string).

import { readFileSync } from 'node:fs';
import { assignSplit, createRng, hash32, hashUnit, splitIndices } from 'lockstep/split';
import murmur from 'murmurhash';
import { vegaDataPath } from '../examples/data.js';
import { measure, report } from './harness.js';

const N = 1_000_000;
const rng = createRng('bench-split');
const hex = (n: number) => Array.from({ length: n }, () => rng.int(16).toString(16)).join('');
// Realistic keys: numeric-looking user ids, UUIDs, and 10% non-ASCII session names.
const keys = Array.from({ length: N }, (_, i) => {
  const kind = i % 10;
  if (kind < 5) return `user-${rng.int(1e9)}`;
  if (kind < 9) return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  return `sessión-${rng.int(1e6)}-東京`;
});
const encoder = new TextEncoder();
const encoded = keys.map((k) => encoder.encode(k));
const scratch = new Uint8Array(1024);
const seed = 0x9747b28c;

const results = measure(N, [
  {
    name: 'lockstep hash32(string)',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x ^= hash32(keys[i]!, seed);
      return x;
    },
  },
  {
    name: 'murmurhash.v3(string)',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x ^= murmur.v3(keys[i]!, seed);
      return x;
    },
  },
  {
    name: 'murmurhash.v3(encodeInto bytes)',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) {
        const { written } = encoder.encodeInto(keys[i]!, scratch);
        x ^= murmur.v3(scratch.subarray(0, written), seed);
      }
      return x;
    },
  },
  {
    name: 'murmurhash.v3(pre-encoded bytes)',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x ^= murmur.v3(encoded[i]!, seed);
      return x;
    },
  },
  {
    name: 'lockstep hash32(pre-encoded bytes)',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x ^= hash32(encoded[i]!, seed);
      return x;
    },
  },
]);
report('Keys hashed per second (1 M keys: ids, UUIDs, 10% non-ASCII)', results, 'murmurhash.v3(string)');

const splits = { train: 0.8, eval: 0.1, test: 0.1 };
const assign = measure(N, [
  {
    name: 'lockstep assignSplit',
    run: () => {
      let train = 0;
      for (let i = 0; i < N; i++) if (assignSplit(keys[i]!, splits, { salt: 'v1' }) === 'train') train++;
      return train;
    },
  },
  {
    name: 'lockstep hashUnit',
    run: () => {
      let x = 0;
      for (let i = 0; i < N; i++) x += hashUnit(keys[i]!, { salt: 'v1' });
      return x;
    },
  },
  {
    name: 'murmurhash.v3 + cumulative compare',
    run: () => {
      const s = murmur.v3('v1', 0);
      let train = 0;
      for (let i = 0; i < N; i++) if (murmur.v3(keys[i]!, s) / 4294967296 < 0.8) train++;
      return train;
    },
  },
]);
report('Keys assigned to a split per second', assign, 'murmurhash.v3 + cumulative compare');

// Rows split per second on real data: vega-datasets flights-20k, keyed by route.
const flights = JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as Record<
  string,
  unknown
>[];
const rows = flights.map((f) => ({ ...f, route: `${f.origin}-${f.destination}` }));
const frameSplit = measure(rows.length, [
  {
    name: 'lockstep splitIndices (rows, by route)',
    run: () => splitIndices(rows, { key: 'route', splits, salt: 'v1' }),
  },
  {
    name: 'murmurhash.v3 loop over rows',
    run: () => {
      const s = murmur.v3('v1', 0);
      const out: number[] = [];
      for (let i = 0; i < rows.length; i++)
        if (murmur.v3(rows[i]!.route as string, s) / 4294967296 < 0.8) out.push(i);
      return out;
    },
  },
]);
report('flights-20k rows split per second (keyed by route)', frameSplit, 'murmurhash.v3 loop over rows');

const ours = results[0]!;
const peer = results[1]!;
const ratio = ours.opsPerSecond / peer.opsPerSecond;
console.log(
  `\nhash32: ${(ours.opsPerSecond / 1e6).toFixed(1)} M keys/s, ${ratio.toFixed(1)}x murmurhash.v3(string) ` +
    `(targets: >= 10 M keys/s, >= 8x): ${ours.opsPerSecond >= 1e7 && ratio >= 8 ? 'met' : 'NOT met'}`,
);
