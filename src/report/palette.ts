// The report's colours, fixed, and the WCAG 2.x contrast rule they are checked against
// (test/report/palette.test.ts): every text colour reaches 4.5:1 on the backgrounds it is drawn on
// (success criterion 1.4.3, level AA), badge text 4.5:1 on its badge, and the chart colours 3:1 on the page
// (1.4.11, non-text contrast). Reference and current data also differ by form (bars against a line, or the
// upper bar against the lower), never by colour alone (1.4.1).

/** The colours the report's CSS uses, and nothing else. */
export const PALETTE = {
  /** Body text. */
  text: '#1b1d21',
  /** Secondary text (captions, units). */
  muted: '#4b515a',
  /** Page background. */
  background: '#ffffff',
  /** Table header and card background. */
  surface: '#f3f4f6',
  /** Borders and rules: decoration only, so no contrast is asked of it. */
  rule: '#c9cdd3',
  /** Drift, failed checks, error findings: text on the page and badge background. */
  error: '#a3161a',
  /** Passed checks, features without drift. */
  ok: '#1b6a33',
  /** Warning findings, inconclusive comparisons. */
  warning: '#8a4700',
  /** Info findings, links. */
  info: '#1f4f8f',
  /** Reference data in charts (bars). */
  reference: '#5f82b3',
  /** Current data in charts (a line, or the lower bar). */
  current: '#b33c00',
} as const;

/**
 * The relative luminance of a `#rrggbb` colour (WCAG 2.x: sRGB channels linearised, weighted 0.2126,
 * 0.7152, 0.0722), from 0 (black) to 1 (white); NaN for anything else.
 * @example [relativeLuminance('#ffffff'), relativeLuminance('#000000')] // => [1, 0]
 */
export function relativeLuminance(hex: string): number {
  if (!/^#[0-9a-fA-F]{6}$/.test(hex)) return Number.NaN;
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * The WCAG 2.x contrast ratio of two `#rrggbb` colours: (L1 + 0.05) / (L2 + 0.05) with L1 the lighter
 * relative luminance, from 1 (equal) to 21 (black on white); NaN for anything but `#rrggbb`.
 * Reference: WCAG 2.2, definitions of "contrast ratio" and "relative luminance".
 * @example Math.round(contrastRatio('#000000', '#ffffff') * 100) / 100 // => 21
 */
export function contrastRatio(a: string, b: string): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
