// Plain string building with one escape function. Every string that comes from data (feature names,
// categories, messages, reasons, titles, option values) goes through `escapeHtml` before it meets markup,
// in text and in attribute values alike: it escapes all five characters that matter in either place, so no
// call site has to know which one it is in. Markup itself is only ever written by this module's own
// literals; numbers are formatted by `formatNumber`, whose output holds no character that needs escaping.
//
// Output is deterministic: no locale (toLocaleString would format 1234.5 differently on another machine),
// no clock, no randomness, no iteration over anything but arrays in their given order.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// C0 controls other than tab, line feed and carriage return, DEL, and lone surrogates: none is valid in
// HTML text (a parser replaces them, or a UTF-8 encoder does), so they become U+FFFD here, visibly.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The text as HTML, safe in element content and in a quoted attribute value: `&`, `<`, `>`, `"` and `'`
 * become entities; control characters (but tab and line breaks) and lone surrogates become U+FFFD. O(n).
 * @example escapeHtml('<script>alert("x")</script>') // => '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(UNSAFE, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A number for people, the same on every machine: integers in full (below 10^15), other values to 4
 * significant digits, very large or small ones in exponent form; null or undefined as an en dash.
 * @example [formatNumber(1234), formatNumber(0.0339355), formatNumber(2.5e-7), formatNumber(null)] // => ['1234', '0.03394', '2.50e-7', '–']
 */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e15) return String(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(4)));
}

/**
 * A share in [0, 1] as a percentage with one decimal (`<0.1%` for a small non-zero share).
 * @example [formatShare(0.2346), formatShare(0.0004), formatShare(0)] // => ['23.5%', '<0.1%', '0%']
 */
export function formatShare(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '0%';
  if (Math.abs(x) < 0.0005) return x > 0 ? '<0.1%' : '>−0.1%';
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * `text` cut to at most `max` characters, ending in an ellipsis when cut (not escaped).
 * @example [truncate('Jensen-Shannon', 7).length, truncate('KS', 7)] // => [7, 'KS']
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
