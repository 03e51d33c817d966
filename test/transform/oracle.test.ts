// Oracle test: fit and apply against numpy's values for the scikit-learn definitions lockstep promises.
// The fixture and the script that wrote it: test/fixtures/transform-oracle.json, make-transform-oracle.py.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, applyBatch, fit as fitTransform } from '../../src/transform/index.js';
import type { TransformSpec } from '../../src/transform/spec.js';
import type { TransformArtifact, TransformedBatch } from '../../src/transform/types.js';

type Value = number | string | null;
type Columns = Record<string, Value[]>;

interface Case {
  name: string;
  /** How the data is handed to fit and applyBatch: a record of columns, rows with nulls, rows without the keys of missing values. */
  frame: 'columns' | 'rows' | 'rows-absent';
  data: Columns;
  /** Indices (per column) where the value is NaN rather than null. */
  nan?: Record<string, number[]>;
  /** The data the output is of, when it is not `data`. */
  apply?: Columns;
  spec: Record<string, unknown>;
  /** Per feature, per step: what fitting learns, or null for a stateless step. */
  fitted: Record<string, (Record<string, unknown> | null)[]>;
  widths: Record<string, number>;
  rows: number;
  columns: number;
  /** Row-major float32 values. */
  output: number[];
  weights?: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/transform-oracle.json', import.meta.url), 'utf8'),
) as { numpy: string; cases: Case[] };

/** The columns, with NaN at the listed indices. */
function withNaN(columns: Columns, nan: Record<string, number[]> = {}): Record<string, (Value | number)[]> {
  const out: Record<string, (Value | number)[]> = {};
  for (const [name, values] of Object.entries(columns)) {
    const copy: (Value | number)[] = [...values];
    for (const i of nan[name] ?? []) copy[i] = Number.NaN;
    out[name] = copy;
  }
  return out;
}

function rowsOf(columns: Record<string, unknown[]>, absent: boolean): Record<string, unknown>[] {
  const names = Object.keys(columns);
  const n = columns[names[0]!]!.length;
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const name of names) {
      const v = columns[name]![i];
      if (!(absent && v === null)) row[name] = v;
    }
    return row;
  });
}

function frameOf(c: Case, columns: Record<string, unknown[]>) {
  return c.frame === 'columns' ? columns : rowsOf(columns, c.frame === 'rows-absent');
}

const scratch = new Float32Array(1);
const bits = new Uint32Array(scratch.buffer);

/** Position of a float32 on the number line, so that neighbouring floats differ by 1 (±0 are both 0). */
function ordinal(x: number): number {
  scratch[0] = x;
  const b = bits[0]!;
  return b >= 0x80000000 ? -(b - 0x80000000) : b;
}

/** Distance in float32 units in the last place; Infinity when exactly one of them is NaN. */
function ulps(actual: number, expected: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) {
    return Number.isNaN(actual) && Number.isNaN(expected) ? 0 : Number.POSITIVE_INFINITY;
  }
  return Math.abs(ordinal(actual) - ordinal(expected));
}

/** |actual − expected| ≤ max(1e-12 · |expected|, 1e-12). */
function isClose(actual: unknown, expected: number): boolean {
  return (
    typeof actual === 'number' && Math.abs(actual - expected) <= Math.max(1e-12 * Math.abs(expected), 1e-12)
  );
}

/** Differences between a fitted step and numpy's, as readable lines (empty when they agree). */
function fittedDifferences(actual: unknown, expected: Record<string, unknown>, path: string): string[] {
  if (typeof actual !== 'object' || actual === null)
    return [`${path}: expected ${JSON.stringify(expected)}, got ${actual}`];
  const got = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, e] of Object.entries(expected)) {
    const a = got[key];
    const where = `${path}.${key}`;
    if (key === 'boundaries') {
      const ea = e as number[];
      if (!Array.isArray(a) || a.length !== ea.length || !ea.every((b, i) => isClose(a[i], b))) {
        out.push(`${where}: expected ${JSON.stringify(ea)}, got ${JSON.stringify(a)}`);
      }
    } else if (typeof e === 'number') {
      if (!isClose(a, e)) out.push(`${where}: expected ${e}, got ${a}`);
    } else if (JSON.stringify(a) !== JSON.stringify(e)) {
      // Vocabulary values and counts, `exact`, string fill values: exactly.
      out.push(`${where}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
    }
  }
  return out;
}

/** Per case, how many output values differ from numpy's at all (by at most 1 ulp, or the test fails). */
const differing: { name: string; count: number; of: number; examples: string[] }[] = [];

afterAll(() => {
  const lines = differing
    .filter((d) => d.count > 0)
    .map((d) => `  ${d.name}: ${d.count} of ${d.of} differ by 1 ulp (${d.examples.join('; ')})`);
  if (lines.length > 0)
    console.info(`transform oracle: float32 outputs 1 ulp from numpy's\n${lines.join('\n')}`);
});

describe('the oracle fixture', () => {
  it('was written by numpy and holds float32 values', () => {
    expect(fixture.numpy).toMatch(/^\d+\.\d+/);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
    for (const c of fixture.cases) {
      expect(c.output).toHaveLength(c.rows * c.columns);
      for (const v of c.output) expect(Math.fround(v)).toBe(v);
    }
  });

  it('ulps counts float32 steps', () => {
    expect(ulps(1, 1)).toBe(0);
    expect(ulps(0, -0)).toBe(0);
    expect(ulps(1, 1 + 2 ** -23)).toBe(1);
    expect(ulps(2 ** -149, -(2 ** -149))).toBe(2);
    expect(ulps(-1, -1 - 2 ** -23)).toBe(1);
    expect(ulps(Number.NaN, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe.each(fixture.cases)('$name', (c) => {
  const data = withNaN(c.data, c.nan);
  const target = c.apply ? withNaN(c.apply) : data;
  let artifact: TransformArtifact;
  let batch: TransformedBatch;

  beforeAll(() => {
    artifact = fitTransform(c.spec as TransformSpec, frameOf(c, data));
    batch = applyBatch(artifact, frameOf(c, target));
  });

  it('fits what numpy fits', () => {
    expect(artifact.kind).toBe('lockstep.transform');
    expect(artifact.rows).toBe(Object.values(c.data)[0]!.length);
    expect(artifact.features.map((f) => f.name)).toEqual(Object.keys(c.fitted));
    const problems: string[] = [];
    for (const feature of artifact.features) {
      const expected = c.fitted[feature.name]!;
      expect(feature.steps, feature.name).toHaveLength(expected.length);
      feature.steps.forEach((step, j) => {
        const path = `${feature.name}.steps[${j}] (${step.type}).fitted`;
        const got = (step as { fitted?: unknown }).fitted;
        const e = expected[j];
        if (e === null || e === undefined) {
          if (got !== undefined)
            problems.push(`${path}: expected none for a stateless step, got ${JSON.stringify(got)}`);
        } else {
          problems.push(...fittedDifferences(got, e, path));
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('lays out one column per output, feature by feature', () => {
    expect(batch.rows).toBe(c.rows);
    expect(batch.columns).toBe(c.columns);
    expect(batch.values).toBeInstanceOf(Float32Array);
    expect(batch.values).toHaveLength(c.rows * c.columns);
    expect(batch.names).toEqual(artifact.columns.map((col) => col.name));
    expect(artifact.columns.map((col) => col.index)).toEqual(Array.from({ length: c.columns }, (_, k) => k));
    const owners = Object.entries(c.widths).flatMap(([name, width]) => Array<string>(width).fill(name));
    expect(artifact.columns.map((col) => col.feature)).toEqual(owners);
    for (const feature of artifact.features) expect(feature.width, feature.name).toBe(c.widths[feature.name]);
  });

  it("applyBatch matches numpy's float32 outputs within 1 ulp", () => {
    let count = 0;
    const examples: string[] = [];
    const beyond: string[] = [];
    for (let i = 0; i < c.output.length; i++) {
      const got = batch.values[i]!;
      const expected = c.output[i]!;
      const d = ulps(got, expected);
      if (d === 0) continue;
      const where = `row ${Math.floor(i / c.columns)}, column ${batch.names[i % c.columns]}: numpy ${expected}, lockstep ${got}`;
      if (d > 1) beyond.push(`${where} (${d} ulps)`);
      else {
        count++;
        if (examples.length < 3) examples.push(where);
      }
    }
    differing.push({ name: c.name, count, of: c.output.length, examples });
    expect(beyond.slice(0, 20), `${beyond.length} values more than 1 ulp from numpy`).toEqual([]);
    if (c.weights) {
      expect(batch.weights).toBeInstanceOf(Float32Array);
      const off = c.weights.flatMap((w, i) =>
        ulps(batch.weights![i]!, w) > 1 ? [`row ${i}: numpy ${w}, lockstep ${batch.weights![i]}`] : [],
      );
      expect(batch.weights).toHaveLength(c.weights.length);
      expect(off).toEqual([]);
    } else {
      expect(batch.weights).toBeUndefined();
    }
  });

  it('apply on each row equals the applyBatch row bit for bit', () => {
    const rows = rowsOf(target, c.frame === 'rows-absent');
    const batchBits = new Uint32Array(batch.values.buffer, batch.values.byteOffset, batch.values.length);
    const mismatches: string[] = [];
    rows.forEach((row, r) => {
      const one = apply(artifact, row);
      expect(one).toBeInstanceOf(Float32Array);
      expect(one).toHaveLength(c.columns);
      const oneBits = new Uint32Array(one.buffer, one.byteOffset, one.length);
      for (let k = 0; k < c.columns; k++) {
        if (oneBits[k] !== batchBits[r * c.columns + k]) {
          mismatches.push(
            `row ${r}, column ${batch.names[k]}: apply ${one[k]}, applyBatch ${batch.values[r * c.columns + k]}`,
          );
        }
      }
    });
    expect(mismatches.slice(0, 20), `${mismatches.length} values differ`).toEqual([]);
  });
});
