// The Prometheus text exposition format, version 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats),
// written once. Each metric family appears once, as `# HELP name text`, `# TYPE name type`, then its
// samples, one a line: `name{label="value",…} number`. Names match [a-zA-Z_:][a-zA-Z0-9_:]* and label
// names [a-zA-Z_][a-zA-Z0-9_]*; in label values a backslash, a double quote and a line feed are written
// `\\`, `\"` and `\n`; in HELP text a backslash and a line feed are. Numbers are Go's float syntax:
// `+Inf`, `-Inf` and `NaN` for the special values. The output ends with a line feed.
import { invalidArgument } from '../core/errors.js';

/** The content type to serve `metricsText()` with. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample of a family: a name suffix (`_sum`, `_count`, or none), labels and a value. */
export interface Sample {
  readonly suffix?: string;
  readonly labels?: readonly (readonly [string, string])[];
  readonly value: number;
}

/** A metric family: name, HELP text, TYPE and samples. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';
  readonly samples: readonly Sample[];
}

/**
 * A label value with backslash, double quote and line feed escaped, as the exposition format requires.
 * @example escapeLabelValue('a"b\\c\nd') // => 'a\\"b\\\\c\\nd'
 */
export function escapeLabelValue(value: string): string {
  if (typeof value !== 'string')
    throw invalidArgument('escapeLabelValue', 'value', 'must be a string', value);
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}

/**
 * HELP text with backslash and line feed escaped.
 * @example escapeHelp('a\\b\nc') // => 'a\\\\b\\nc'
 */
export function escapeHelp(text: string): string {
  if (typeof text !== 'string') throw invalidArgument('escapeHelp', 'text', 'must be a string', text);
  return text.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/**
 * A sample value in Go's float syntax: `+Inf`, `-Inf`, `NaN`, otherwise JavaScript's shortest round-trip
 * form (which Go's ParseFloat reads back to the same double).
 * @example formatValue(Number.POSITIVE_INFINITY) // => '+Inf'
 */
export function formatValue(x: number): string {
  if (typeof x !== 'number') throw invalidArgument('formatValue', 'x', 'must be a number', x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(x + 0); // -0 as 0
}

/** The families in the text format. Families without samples are left out. */
export function formatFamilies(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels =
        s.labels === undefined || s.labels.length === 0
          ? ''
          : `{${s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
      lines.push(`${f.name}${s.suffix ?? ''}${labels} ${formatValue(s.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
