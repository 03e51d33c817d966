// Reading a chunk of a batch: rows [start, start + n) of a feature's input columns into the scratch space,
// by the conversions of read.ts. `applyBatch` and fitting both read through here, so a batch is converted
// the same way whether it is being fitted or transformed; a `cross` joins its columns' texts with U+001F.
import type { Column } from '../core/frame.js';
import { type Fail, readLists, readNumbers, readTexts, type Scratch } from './read.js';
import type { InputKind } from './types.js';

/** Scratch space for a chunk, and for the joined texts of a `cross`. */
export interface ChunkSpace {
  readonly scratch: Scratch;
  /** Scratch for the extra inputs of `cross` features. */
  readonly crossText: (string | undefined)[];
}

/** What is read: the feature's input kind and its input columns, in order. */
export interface ChunkReader {
  readonly kind: InputKind;
  readonly feature: { readonly inputs: readonly string[] };
}

/** Reads rows [start, start + n) of a feature's inputs into the scratch; an absent column reads as missing. */
export function readChunk(
  space: ChunkSpace,
  c: ChunkReader,
  columns: ReadonlyMap<string, Column>,
  start: number,
  n: number,
  fail: Fail,
): void {
  const s = space.scratch;
  const inputs = c.feature.inputs;
  switch (c.kind) {
    case 'number':
    case 'time':
      readNumbers(s, c.kind, columns.get(inputs[0]!), start, n, fail);
      return;
    case 'list':
      readLists(s, columns.get(inputs[0]!), start, n, fail);
      return;
    default: {
      if (inputs.length === 1) {
        readTexts(s, columns.get(inputs[0]!), start, n, fail);
        return;
      }
      const joined = space.crossText;
      readTexts(s, columns.get(inputs[0]!), start, n, fail);
      for (let i = 0; i < n; i++) joined[i] = s.text[i];
      for (let k = 1; k < inputs.length; k++) {
        readTexts(s, columns.get(inputs[k]!), start, n, fail);
        for (let i = 0; i < n; i++) {
          const a = joined[i];
          const b = s.text[i];
          joined[i] = a === undefined || b === undefined ? undefined : `${a}\u001f${b}`;
        }
      }
      for (let i = 0; i < n; i++) s.text[i] = joined[i];
    }
  }
}
