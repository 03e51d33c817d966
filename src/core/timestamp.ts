// Strict, time-zone-free timestamp parsing: a split must not depend on the machine's TZ setting.

const PATTERN =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Epoch milliseconds of an ISO-8601-like date or date-time (`2001-03-01`, `2001/03/01 14:05`,
 * `2001-03-01T14:05:00.250+02:00`). Without an offset the time is read as UTC, never local time.
 * Returns NaN for anything else, including impossible dates such as `2001-02-30`.
 */
export function parseTimestamp(text: string): number {
  const m = PATTERN.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month, day, Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) {
    return Number.NaN;
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return Number.NaN;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offset * 60_000;
  }
  return t;
}
