// Calendar parts of epoch milliseconds in UTC, by integer arithmetic: no Date object, no allocation, no
// dependence on the machine's time zone. Days to civil date after Hinnant, "chrono-Compatible Low-Level
// Date Algorithms" (2013).
import type { DatePart } from './spec.js';

const DAY = 86_400_000;

/** Days since 1970-01-01 of the first day of `year` (proleptic Gregorian). */
function daysToYear(year: number): number {
  const y = year - 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + 306 - 719_468;
}

/** The part of the UTC date-time `t` (epoch ms). */
export function datePart(t: number, part: DatePart): number {
  const days = Math.floor(t / DAY);
  switch (part) {
    case 'hour':
      return Math.floor((t - days * DAY) / 3_600_000);
    case 'minute':
      return Math.floor((t - days * DAY) / 60_000) % 60;
    case 'dayOfWeek':
      // 1970-01-01 was a Thursday; Monday is 0.
      return (((days + 3) % 7) + 7) % 7;
  }
  const z = days + 719_468;
  // Every quantity below is a non-negative int32 when z is (years 0 to about 5.8 million): truncating
  // int32 division equals Math.floor there, and V8 compiles it to integer arithmetic.
  if (z >= 0 && z <= 0x7fffffff) {
    const zi = z | 0;
    const era = (zi / 146_097) | 0;
    const doe = zi - era * 146_097;
    const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
    const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
    const mp = ((5 * doy + 2) / 153) | 0;
    const month = mp < 10 ? mp + 3 : mp - 9;
    if (part === 'month') return month;
    if (part === 'dayOfMonth') return doy - (((153 * mp + 2) / 5) | 0) + 1;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return part === 'year' ? year : days - daysToYear(year) + 1;
  }
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  switch (part) {
    case 'year':
      return year;
    case 'month':
      return month;
    case 'dayOfMonth':
      return doy - Math.floor((153 * mp + 2) / 5) + 1;
    default:
      return days - daysToYear(year) + 1;
  }
}

/** The period and offset of each periodic part, for its sine and cosine: angle = 2π (part − base) / period. */
export const PERIODS: Readonly<Record<DatePart, readonly [period: number, base: number] | undefined>> = {
  year: undefined,
  month: [12, 1],
  dayOfMonth: [31, 1],
  dayOfWeek: [7, 0],
  dayOfYear: [366, 1],
  hour: [24, 0],
  minute: [60, 0],
};
