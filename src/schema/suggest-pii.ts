// PII suggestions: features that look like personal data, as findings for a person to review. inferSchema
// never marks a feature PII; this says which ones a person should look at, and why. The rules, written
// once:
//
// - A column name suggests PII when one of its words (split at non-letters and camelCase humps, lower
//   case) is a word people use for personal data: e-mail (email, mail), phone (phone, mobile, tel, fax),
//   ssn (ssn, nino, passport), name (name with a person word: first, last, full, given, family, middle,
//   user, customer, contact, person, or the words surname, firstname, lastname, fullname, username), a
//   postal address (address, addr, street, postcode, zip), an IP address (ip, ipv4, ipv6), a birth date
//   (dob, birthdate, birthday, birth).
// - A string value is checked against shapes, first match wins: e-mail (`local@domain.tld`, no spaces,
//   at most 254 characters), IPv4 (four dotted octets 0-255) or IPv6 (hex groups: 8 of them, or fewer
//   with one `::`), card number (13 to 19 digits with optional spaces or dashes, Luhn check digit valid),
//   IBAN (two letters, two digits, 11 to 30 letters or digits, ISO 13616 mod-97 remainder 1), phone
//   (7 to 15 digits with a leading `+` or `00`, or with at least two separators among space, dash, dot and
//   parentheses, and not an ISO date). A column is a candidate when at least `minShare` of its checked
//   string values (default 0.25) have one shape; the finding gives that share, never a value.
// - From data, the first `maxValues` present values of each column are checked (default 10,000), so the
//   cost is bounded and the answer deterministic. From a profile, the listed frequencies are checked
//   (weighted by their counts); a PII-safe profile lists none, so only names speak there.
import { checkInteger, checkNumber, checkStrings, readOptions } from '../core/check.js';
import { invalidArgument, isLockstepError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { type FrameInput, frameOf, valueAt } from '../core/frame.js';
import { claimsProfile, isProfile, type ProfileArtifact, sealedProfile } from '../stats/artifact.js';

/** Why a feature may hold personal data, as a stable code. */
export type PiiReasonCode = 'EMAIL' | 'PHONE' | 'CARD' | 'IBAN' | 'IP' | 'NAME';

/**
 * A feature that may hold personal data: a finding (`code: 'PII_CANDIDATE'`, severity `info`) with the
 * stable `reasonCode`, the reason in words, and for a value shape the share of checked values that had it.
 */
export interface PiiSuggestion extends Finding<'PII_CANDIDATE'> {
  readonly feature: string;
  readonly severity: 'info';
  readonly reasonCode: PiiReasonCode;
  /** `'e-mail-shaped'`, `'phone-shaped'`, `'card-number-shaped (Luhn)'`, `'IBAN-shaped (mod 97)'`, `'IPv4/IPv6'`, or `'column name "…" suggests …'`. */
  readonly reason: string;
  /** Share of the checked string values with the shape; null for a suggestion by name. */
  readonly share: number | null;
  /** String values checked (0 for a suggestion by name). */
  readonly checked: number;
}

export interface SuggestPiiOptions {
  /** Only these features. Default every column. */
  readonly features?: readonly string[];
  /** Share of checked values that must have a shape, in (0, 1]. Default 0.25. */
  readonly minShare?: number;
  /** Present values checked a column, from data: the first this many, in [1, 2^24]. Default 10,000. */
  readonly maxValues?: number;
  /** Check column names too. Default true. */
  readonly names?: boolean;
}

const KEYS: readonly (keyof SuggestPiiOptions)[] = ['features', 'minShare', 'maxValues', 'names'];

const SHAPE_REASONS: Readonly<Record<Exclude<PiiReasonCode, 'NAME'>, string>> = {
  EMAIL: 'e-mail-shaped',
  IP: 'IPv4/IPv6',
  CARD: 'card-number-shaped (Luhn)',
  IBAN: 'IBAN-shaped (mod 97)',
  PHONE: 'phone-shaped',
};

const SHAPES: readonly Exclude<PiiReasonCode, 'NAME'>[] = ['EMAIL', 'IP', 'CARD', 'IBAN', 'PHONE'];

// Word lists for names, by what they suggest.
const NAME_WORDS: readonly (readonly [readonly string[], string])[] = [
  [['email', 'mail'], 'an e-mail address'],
  [['phone', 'mobile', 'tel', 'telephone', 'fax', 'msisdn'], 'a phone number'],
  [['ssn', 'nino', 'passport', 'sin', 'nhs'], 'a national identifier'],
  [['surname', 'firstname', 'lastname', 'fullname', 'username', 'forename'], 'a person’s name'],
  [['address', 'addr', 'street', 'postcode', 'zip', 'zipcode'], 'a postal address'],
  [['ip', 'ipv4', 'ipv6'], 'an IP address'],
  [['dob', 'birthdate', 'birthday', 'birth'], 'a birth date'],
];
const PERSON_WORDS = [
  'first',
  'last',
  'full',
  'given',
  'family',
  'middle',
  'user',
  'customer',
  'contact',
  'person',
  'sur',
];

/** The words of a column name: split at non-letters and camelCase humps, lower case. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** What a column name suggests, or undefined. */
function nameSuggests(name: string): string | undefined {
  if (name.length > 256) return undefined;
  const words = wordsOf(name);
  // An IP address before an address; an e-mail address before an address.
  for (const [list, what] of NAME_WORDS) {
    if (what === 'a postal address' && words.some((w) => ['ip', 'email', 'mail', 'ipv4', 'ipv6'].includes(w)))
      continue;
    if (words.some((w) => list.includes(w))) return what;
  }
  if (words.includes('name') && (words.length === 1 || words.some((w) => PERSON_WORDS.includes(w))))
    return 'a person’s name';
  return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const CARD = /^\d[\d -]{11,22}\d$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const PHONE_CHARS = /^\+?[\d\s().-]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function isIpv6(s: string): boolean {
  if (s.length > 45 || !s.includes(':')) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(s: string): boolean {
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = (value >= 10 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest === 1;
}

/** The shape of a string value, or undefined. O(length), and only up to 254 characters are read. */
function shapeOf(value: string): Exclude<PiiReasonCode, 'NAME'> | undefined {
  const s = value.trim();
  if (s.length < 7 || s.length > 254) return undefined;
  if (s.includes('@')) return EMAIL.test(s) ? 'EMAIL' : undefined;
  if (IPV4.test(s) || isIpv6(s)) return 'IP';
  if (CARD.test(s)) {
    const digits = s.replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return 'CARD';
  }
  const compact = s.replace(/ /g, '').toUpperCase();
  if (IBAN.test(compact) && ibanValid(compact)) return 'IBAN';
  if (PHONE_CHARS.test(s) && !ISO_DATE.test(s)) {
    const digits = s.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) return undefined;
    const separators = s.replace(/[\d+]/g, '').length;
    const international = s.startsWith('+') || (s.startsWith('00') && separators === 0);
    if (international || separators >= 2) return 'PHONE';
  }
  return undefined;
}

/** Counts of shapes among a column's values. */
interface Tally {
  checked: number;
  readonly shapes: Map<Exclude<PiiReasonCode, 'NAME'>, number>;
}

function tallyValue(t: Tally, value: string, count: number): void {
  t.checked += count;
  const shape = shapeOf(value);
  if (shape) t.shapes.set(shape, (t.shapes.get(shape) ?? 0) + count);
}

function percent(share: number): string {
  return `${+(share * 100).toFixed(1)}%`;
}

/**
 * Suggests features that may hold personal data, for a person to review and mark (`markPii`): by column
 * name (email, phone, ssn, name, address, ip, …) and by the shape of string values (e-mail, phone, card
 * number with a valid Luhn digit, IBAN with a valid mod-97 check, IPv4/IPv6), each a `PII_CANDIDATE`
 * finding with the reason and the share of values that matched, never a value. inferSchema never marks a
 * feature PII itself. Input: data (rows, columns, a Frame, an Arrow table) or a profile (its listed
 * frequencies are checked). O(columns × maxValues × value length).
 * @example suggestPii([{ contact: 'ann@example.com', n: 1 }, { contact: 'bo@example.org', n: 2 }]).map((s) => s.reason) // => ['e-mail-shaped']
 * @example suggestPii([{ user_email: null }]).map((s) => s.reasonCode) // => ['NAME']
 * @throws LockstepError `INVALID_ARGUMENT` for data that cannot be read, bad options or an unknown option
 *   key; `INVALID_ARTIFACT` for a profile lockstep did not make or parse.
 */
export function suggestPii(
  input: FrameInput | ProfileArtifact,
  options?: SuggestPiiOptions,
): readonly PiiSuggestion[] {
  const fn = 'suggestPii';
  const o = readOptions(fn, options, KEYS);
  const only =
    o.features === undefined ? undefined : new Set(checkStrings(fn, 'options.features', o.features));
  const minShare =
    o.minShare === undefined
      ? 0.25
      : checkNumber(fn, 'options.minShare', o.minShare, { min: 0, max: 1, minOpen: true });
  const maxValues =
    o.maxValues === undefined ? 10_000 : checkInteger(fn, 'options.maxValues', o.maxValues, 1, 1 << 24);
  if (o.names !== undefined && typeof o.names !== 'boolean')
    throw invalidArgument(fn, 'options.names', 'must be a boolean', o.names);
  const byName = o.names !== false;

  const columns: [string, Tally][] = [];
  if (isProfile(input) || claimsProfile(input)) {
    const p = sealedProfile(fn, 'input', input);
    for (const f of p.features) {
      if (only && !only.has(f.name)) continue;
      const t: Tally = { checked: 0, shapes: new Map() };
      for (const [value, count] of f.categorical?.frequencies ?? []) tallyValue(t, value, count);
      columns.push([f.name, t]);
    }
  } else {
    let frame: ReturnType<typeof frameOf>;
    try {
      frame = frameOf(input as FrameInput, fn, only, 'input');
    } catch (error) {
      if (isLockstepError(error)) throw error;
      throw invalidArgument(fn, 'input', 'could not be read');
    }
    for (const name of frame.names) {
      const column = frame.columns.get(name)!;
      const t: Tally = { checked: 0, shapes: new Map() };
      if (column.kind === 'dictionary') {
        const counts = new Map<number, number>();
        const n = Math.min(frame.length, maxValues);
        let seen = 0;
        for (let i = 0; i < frame.length && seen < n; i++) {
          const code = column.codes[i]!;
          if (code < 0) continue;
          seen++;
          counts.set(code, (counts.get(code) ?? 0) + 1);
        }
        for (const [code, count] of counts) tallyValue(t, column.dictionary[code]!, count);
      } else if (column.kind !== 'numeric' && column.kind !== 'boolean') {
        let seen = 0;
        for (let i = 0; i < frame.length && seen < maxValues; i++) {
          const v = valueAt(column, i);
          if (v === undefined || v === null) continue;
          seen++;
          if (typeof v === 'string') tallyValue(t, v, 1);
        }
      }
      columns.push([name, t]);
    }
  }

  const out: PiiSuggestion[] = [];
  for (const [name, t] of columns) {
    const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name);
    if (byName) {
      const what = nameSuggests(name);
      if (what !== undefined) {
        const reason = `column name ${shown} suggests ${what}`;
        out.push({
          code: 'PII_CANDIDATE',
          severity: 'info',
          message: `${shown}: ${reason}; if it holds personal data, mark it (markPii)`,
          feature: name,
          reasonCode: 'NAME',
          reason,
          share: null,
          checked: 0,
        });
      }
    }
    if (t.checked === 0) continue;
    for (const shape of SHAPES) {
      const matched = t.shapes.get(shape) ?? 0;
      const share = matched / t.checked;
      if (matched === 0 || share < minShare) continue;
      const reason = SHAPE_REASONS[shape];
      out.push({
        code: 'PII_CANDIDATE',
        severity: 'info',
        message: `${shown}: ${percent(share)} of ${t.checked} string values checked are ${reason}; if it holds personal data, mark it (markPii)`,
        feature: name,
        reasonCode: shape,
        reason,
        share,
        checked: t.checked,
      });
    }
  }
  return out;
}
