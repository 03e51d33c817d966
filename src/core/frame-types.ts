// The shapes of lockstep's columnar batch: a Frame and its column kinds, what toFrame accepts, and the
// parts of Apache Arrow's Table, Vector and Data that it reads (by shape: nothing here imports apache-arrow).
// Built by core/frame.ts (rows and records of columns) and core/arrow-buffers.ts (Arrow buffers).

import type { Finding } from './finding.js';

/** Numbers as float64. `valid[i] === 0` marks a missing value; a NaN in the data stays NaN and is present. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
  /** Validity mask (1 present, 0 missing), or undefined when every value is present. */
  readonly valid: Uint8Array | undefined;
  /** `'timestamp'` when the values are epoch milliseconds (from Dates or Arrow date/timestamp columns). */
  readonly logical?: 'timestamp';
}

/** Strings; `undefined` marks a missing value. */
export interface StringColumn {
  readonly kind: 'string';
  readonly values: ReadonlyArray<string | undefined>;
}

/** Dictionary-encoded strings, as Arrow's: `dictionary[codes[i]]`, with code -1 for a missing value. */
export interface DictionaryColumn {
  readonly kind: 'dictionary';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

/** Booleans as 0/1 with a validity mask. */
export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly values: Uint8Array;
  readonly valid: Uint8Array | undefined;
}

/**
 * Anything else, kept as given: columns mixing types, objects, or nothing but missing values.
 * `undefined` marks a missing value.
 */
export interface MixedColumn {
  readonly kind: 'mixed';
  readonly values: readonly unknown[];
}

export type Column = NumericColumn | StringColumn | DictionaryColumn | BooleanColumn | MixedColumn;

/** The columnar batch every batch function accepts. Columns live in a Map, so no column name is special. */
export interface Frame {
  readonly kind: 'lockstep.frame';
  readonly length: number;
  readonly names: readonly string[];
  readonly columns: ReadonlyMap<string, Column>;
}

/** Rows, an Arrow table (recognised by shape), a record of columns, or a Frame. */
export type FrameInput =
  | Frame
  | readonly unknown[]
  | ArrowTableLike
  | Readonly<Record<string, ArrayLike<unknown>>>;

/** The parts of an Apache Arrow `Table` that lockstep reads; no import of apache-arrow is needed. */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: ReadonlyArray<{ readonly name: string }> };
  getChild(name: string): ArrowVectorLike | null;
}

/** The fields of an Arrow column chunk (apache-arrow's `Data`) that toFrame reads. */
export interface ArrowDataLike {
  readonly type: {
    readonly typeId: number;
    readonly precision?: number;
    readonly bitWidth?: number;
    readonly unit?: number;
  };
  readonly valueOffsets?: ArrayLike<number | bigint>;
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array | null | undefined;
  readonly values: ArrayLike<number | bigint>;
  readonly dictionary?: { toArray(): ArrayLike<unknown> } | null;
}

/** The parts of an Arrow column (apache-arrow's `Vector`) that toFrame reads. */
export interface ArrowVectorLike {
  readonly length: number;
  readonly data: readonly ArrowDataLike[];
  get(index: number): unknown;
}

/**
 * What toFrame found wrong with its input, carried in the `issues` of the `INVALID_DATA` error it throws:
 * `ROW_NOT_OBJECT` (a row that is not an object), `UNREADABLE` (a getter or Proxy threw while being read),
 * `COLUMN_NOT_ARRAY` (a column that is not an array or typed array), `COLUMN_LENGTH` (columns of unequal
 * length), `TOO_MANY_ROWS` (more rows than a Frame holds), `MALFORMED_FRAME` (a hand-made Frame whose
 * length, names or columns do not fit together), `MALFORMED_ARROW` (an Arrow-like table whose lengths do
 * not fit together), `UNSUPPORTED_VALUE` (a cell that cannot be read as text, such as an object with a null
 * prototype).
 */
export type FrameIssueCode =
  | 'ROW_NOT_OBJECT'
  | 'UNREADABLE'
  | 'COLUMN_NOT_ARRAY'
  | 'COLUMN_LENGTH'
  | 'TOO_MANY_ROWS'
  | 'MALFORMED_FRAME'
  | 'MALFORMED_ARROW'
  | 'UNSUPPORTED_VALUE';

/** One problem toFrame found, in core's finding shape; `feature` is the column concerned. */
export interface FrameIssue extends Finding<FrameIssueCode> {
  /** The row concerned (0-based), where there is one. */
  readonly row?: number;
  /** A short rendering of the value at fault. */
  readonly received?: string;
  /** A length or count that was found, and the one expected or allowed. */
  readonly length?: number;
  readonly expected?: number;
}
