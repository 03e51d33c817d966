// renderReport's timeline kind (`lockstep.timeline`): the chart, its legend, the tables of the same data,
// escaping, determinism, and hostile input (a result or a LockstepError, never anything else).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../src/core/errors.js';
import { renderReport } from '../../src/report/render.js';
import { corruption, corruptOne, expectLockstepOrResult, hostile } from '../helpers/hostile.js';

function timeline() {
  return {
    kind: 'lockstep.timeline',
    title: 'Online training',
    metric: 'log loss',
    series: [
      { name: 'static', points: [3, 4, 5, 6].map((x, i) => ({ x, y: 0.45 + i * 0.02 })) },
      { name: 'dynamic', points: [3, 4, 5, 6].map((x, i) => ({ x, y: 0.44 + i * 0.01 })) },
    ],
    marks: [
      { x: 3.7, type: 'checkpoint', label: 'flights-online/2: HOLDOUT_TOO_SMALL' },
      { x: 4.4, type: 'promotion', label: 'flights-online/3 promoted' },
      { x: 5.1, type: 'rollback', label: 'rollback to flights-online/3' },
      { x: 5.5, type: 'pause', label: 'pause: FEATURE_CONSTANT distance' },
      { x: 4.2, type: 'drift', label: 'drift #1' },
      { x: 4.9, type: 'quarantine', label: 'TYPE_MISMATCH' },
    ],
  };
}

describe('renderReport: lockstep.timeline', () => {
  it('draws an accessible line chart with a legend, and tables of the same data', () => {
    const html = renderReport(timeline());
    expect(html).toContain('<title>Online training</title>');
    expect(html).toContain('lockstep report · Timeline');
    const svg = html.match(/<svg viewBox="0 0 480 220"[^>]*>/)![0];
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/aria-label="Online training: log loss over time\. static: 3 0\.45, 4 0\.47/);
    expect(svg).toContain(
      'Marked: 1 checkpoint (not promoted), 1 promotion, 1 quarantine, 1 rollback, 1 drift',
    );
    // Two series lines, told apart by dash pattern; one tick per mark, lettered.
    // Two series lines in the chart and two in the legend.
    expect(html.match(/<path class="[a-z]" fill="none" stroke-width="2"[^>]* d="M/g)?.length).toBe(4);
    expect(html).toContain('stroke-dasharray="6 3"');
    expect(html.match(/<path class="g" d=/g)?.length).toBe(6);
    for (const letter of ['C', 'P', 'Q', 'R', 'D', 'S'])
      expect(html).toContain(`text-anchor="middle">${letter}</text>`);
    expect(html).toContain('<ul aria-label="Legend">');
    // The data table: x, then one column per series.
    expect(html).toContain('<th scope="col">x</th><th scope="col">static</th><th scope="col">dynamic</th>');
    expect(html).toContain('<tr><th scope="row">3</th><td class="n">0.45</td><td class="n">0.44</td></tr>');
    // Marks in order of x.
    const order = [...html.matchAll(/<tr><th scope="row">(\d\.\d)<\/th><td>([A-Z]) /g)].map((m) => m[1]);
    expect(order).toEqual(['3.7', '4.2', '4.4', '4.9', '5.1', '5.5']);
    // Deterministic.
    expect(renderReport(timeline())).toBe(html);
    expect(renderReport(JSON.parse(JSON.stringify(timeline())))).toBe(html);
  });

  it('renders gaps (null values), no marks and a single point', () => {
    const t = timeline();
    const html = renderReport({
      ...t,
      marks: [],
      series: [
        {
          name: 'one',
          points: [
            { x: 1, y: 0.5 },
            { x: 2, y: null },
            { x: 3, y: 0.4 },
          ],
        },
      ],
    });
    expect(html).toContain('No marked events.');
    expect(html).toContain('<td class="n">–</td>');
    expect(html).toMatch(/d="M[\d.]+ [\d.]+M[\d.]+ [\d.]+"/);
    expect(
      renderReport({
        kind: 'lockstep.timeline',
        metric: 'm',
        series: [{ name: 's', points: [{ x: 0, y: 0 }] }],
      }),
    ).toContain('<title>Timeline report</title>');
  });

  it('escapes every string from the data', () => {
    const evil = '<script>alert("x")</script>&\'';
    const t = timeline();
    const html = renderReport({
      ...t,
      title: evil,
      metric: evil,
      series: [{ name: evil, points: t.series[0]!.points }],
      marks: [{ x: 4, type: 'rollback', label: evil }],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('alert("x")');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  it('refuses what is not a timeline, naming the path', () => {
    const bad = (patch: object, path: string) => {
      expect(() => renderReport({ ...timeline(), ...patch })).toThrow(LockstepError);
      expect(() => renderReport({ ...timeline(), ...patch })).toThrow(path);
    };
    bad({ metric: 3 }, 'input.metric');
    bad({ series: {} }, 'input.series');
    bad({ series: [{ name: 's', points: [{ x: 'a', y: 1 }] }] }, 'input.series[0].points[0].x');
    bad({ series: [{ name: 's', points: [{ x: null, y: 1 }] }] }, 'input.series[0].points[0].x');
    bad({ marks: [{ x: 1, type: 'explosion', label: 'x' }] }, 'input.marks[0].type');
    bad({ marks: [{ x: 1, type: 'drift' }] }, 'input.marks[0].label');
    expect(() => renderReport(timeline(), { reference: {} })).toThrow(LockstepError);
  });

  it('hostile input: a page or a LockstepError, never anything else', () => {
    fc.assert(
      fc.property(fc.nat(), corruption(), (pick, replacement) =>
        expectLockstepOrResult(() => renderReport(corruptOne(timeline(), pick, replacement))),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(), hostile(), (pick, replacement) =>
        expectLockstepOrResult(() => renderReport(corruptOne(timeline(), pick, replacement))),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.double(), y: fc.oneof(fc.double(), fc.constant(null)) }), {
          maxLength: 30,
        }),
        fc.array(fc.record({ x: fc.double(), type: fc.constantFrom('drift', 'pause'), label: fc.string() }), {
          maxLength: 10,
        }),
        (points, marks) =>
          expectLockstepOrResult(() => {
            const html = renderReport({
              kind: 'lockstep.timeline',
              metric: 'm',
              series: [{ name: 's', points }],
              marks,
            });
            for (const [, d] of html.matchAll(/ (?:d|x|y)="([^"]*)"/g)) expect(d).not.toMatch(/NaN|Infinity/);
          }),
      ),
      { numRuns: 300 },
    );
  });
});
