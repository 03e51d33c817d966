import { describe, expect, it } from 'vitest';
import { stylesheet } from '../../src/report/page.js';
import { contrastRatio, PALETTE, relativeLuminance } from '../../src/report/palette.js';
import { renderReport } from '../../src/report/render.js';
import { flightsRollout } from './fixtures.js';

describe('the report’s colours meet WCAG 2.2 AA', () => {
  it('computes contrast as WCAG defines it', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBe(21);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // WCAG's own example pair: #767676 on white is the lightest grey that passes 4.5:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(relativeLuminance('#ff0000')).toBeCloseTo(0.2126, 4);
    expect(contrastRatio('red', '#ffffff')).toBeNaN();
  });

  it('text 4.5:1 on the page and on the table headers; badge text 4.5:1 on every badge', () => {
    for (const fg of [PALETTE.text, PALETTE.muted, PALETTE.error, PALETTE.ok, PALETTE.warning, PALETTE.info])
      for (const bg of [PALETTE.background, PALETTE.surface])
        expect(contrastRatio(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    for (const bg of [PALETTE.error, PALETTE.ok, PALETTE.warning, PALETTE.info])
      expect(contrastRatio(PALETTE.background, bg), `badge ${bg}`).toBeGreaterThanOrEqual(4.5);
  });

  it('chart colours 3:1 on the page (non-text contrast)', () => {
    for (const c of [PALETTE.reference, PALETTE.current, PALETTE.muted])
      expect(contrastRatio(c, PALETTE.background), c).toBeGreaterThanOrEqual(3);
  });

  it('the page uses the palette’s colours and no other', () => {
    const used = new Set(stylesheet().match(/#[0-9a-fA-F]{3,8}\b/g));
    expect([...used].sort()).toEqual([...new Set(Object.values(PALETTE))].sort());
    const html = renderReport(flightsRollout());
    const everywhere = new Set(html.match(/#[0-9a-fA-F]{6}\b|rgb\(|hsl\(/g));
    for (const colour of everywhere) expect(Object.values(PALETTE)).toContain(colour);
  });
});
