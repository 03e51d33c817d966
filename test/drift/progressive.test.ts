import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, logLoss, mae } from '../../src/core/metrics.js';
import { createRng } from '../../src/core/rng.js';
import { progressiveValidation } from '../../src/drift/progressive.js';

const indexed = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i, y: i }));

describe('progressiveValidation', () => {
  it('never lets the model see a label before `delay` items have arrived (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60 }), async (delay, n) => {
        const learned: number[] = [];
        const seenAtPredict: number[][] = [];
        const result = await progressiveValidation(indexed(n), {
          predict: (x) => {
            seenAtPredict[x] = [...learned];
            return x;
          },
          learn: (x) => {
            learned.push(x);
          },
          metric: accuracy(),
          delay,
        });
        // Item i is predicted knowing exactly the labels of items 0 … i − max(delay, 1), in order.
        seenAtPredict.forEach((seen, i) => {
          const k = Math.max(0, i - Math.max(delay, 1) + 1);
          expect(seen).toEqual(Array.from({ length: k }, (_, j) => j));
        });
        expect(learned).toEqual(Array.from({ length: n }, (_, j) => j));
        expect([result.items, result.steps]).toEqual([n, n]);
      }),
      { numRuns: 80 },
    );
  });

  it('scores the prediction made at arrival, not one made when the label comes back', async () => {
    // The model predicts how many labels it has learned; the label is 0, so MAE is the mean of those counts.
    let learnedCount = 0;
    const n = 50;
    const delay = 7;
    const result = await progressiveValidation(
      Array.from({ length: n }, (_, i) => ({ x: i, y: 0 })),
      { predict: () => learnedCount, learn: () => void learnedCount++, metric: mae(), delay },
    );
    const expected =
      Array.from({ length: n }, (_, i) => Math.max(0, i - delay + 1)).reduce((a, b) => a + b) / n;
    expect(result.value).toBeCloseTo(expected, 12);
  });

  it('scores a trivial model exactly: a majority-class model on a seeded 0/1 stream', async () => {
    const rng = createRng('labels');
    const stream = Array.from({ length: 2000 }, (_, i) => ({ x: i, y: rng.next() < 0.7 ? 1 : 0 }));
    const majority = () => {
      const counts = [0, 0];
      return {
        predict: () => (counts[1]! > counts[0]! ? 1 : 0),
        learn: (_: number, y: number) => void counts[y]!++,
      };
    };
    // The same evaluation written out by hand: predict item i after learning items 0 … i − delay.
    for (const delay of [0, 1, 25]) {
      const model = majority();
      const byHand = majority();
      let right = 0;
      stream.forEach((item, i) => {
        if (i - Math.max(delay, 1) >= 0) byHand.learn(0, stream[i - Math.max(delay, 1)]!.y);
        if (byHand.predict() === item.y) right++;
      });
      const result = await progressiveValidation(stream, { ...model, metric: accuracy(), delay });
      expect(result.value).toBe(right / stream.length);
      expect(result.value).toBeGreaterThan(0.65);
      expect(result.value).toBeLessThan(0.75);
    }
    const ones = stream.filter((s) => s.y === 1).length / stream.length;
    const constant = await progressiveValidation(stream, {
      predict: () => 1,
      learn: () => {},
      metric: accuracy(),
    });
    expect(constant.value).toBe(ones);
  });

  it('takes async streams and async models, with the same result as the synchronous run', async () => {
    const stream = indexed(300).map(({ x }) => ({ x, y: x % 3 === 0 }));
    async function* slowly() {
      for (const item of stream) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        yield item;
      }
    }
    const model = () => {
      let trues = 0;
      let seen = 0;
      return {
        predict: (_: number) => seen > 0 && trues / seen > 0.5,
        learn: (_: number, y: boolean) => {
          seen++;
          if (y) trues++;
        },
      };
    };
    const sync = await progressiveValidation(stream, {
      ...model(),
      metric: accuracy(),
      delay: 10,
      every: 100,
    });
    const m = model();
    const learnedLog: number[] = [];
    const async = await progressiveValidation(slowly(), {
      predict: async (x) => m.predict(x),
      learn: async (x, y) => {
        await Promise.resolve();
        learnedLog.push(x);
        m.learn(x, y);
      },
      metric: accuracy(),
      delay: 10,
      every: 100,
    });
    expect(async).toEqual(sync);
    expect(learnedLog).toEqual(stream.map((s) => s.x));
    expect(sync.trace.map((p) => p.step)).toEqual([100, 200, 300]);
    expect(sync.value).toBeCloseTo(2 / 3, 2);
  });

  it("orders a timed stream with per-item delays as River's simulate_qa documents (taxi trips)", async () => {
    // river/stream/qa.py docstring: departures with trip durations; the label is the duration.
    const at = (h: number, m: number) => new Date(Date.UTC(2020, 0, 1, h, m));
    const trips = [
      { x: 0, t: at(20, 0), y: 900 },
      { x: 1, t: at(20, 10), y: 1800 },
      { x: 2, t: at(20, 20), y: 300 },
      { x: 3, t: at(20, 45), y: 400 },
      { x: 4, t: at(20, 50), y: 240 },
      { x: 5, t: at(20, 55), y: 450 },
    ];
    const log: string[] = [];
    await progressiveValidation(trips, {
      predict: (x) => void log.push(`trip #${x} departs`),
      learn: (x) => void log.push(`trip #${x} arrives`),
      metric: mae(),
      delay: (_, y) => y * 1000,
    });
    expect(log).toEqual([
      'trip #0 departs',
      'trip #1 departs',
      'trip #0 arrives',
      'trip #2 departs',
      'trip #2 arrives',
      'trip #1 arrives',
      'trip #3 departs',
      'trip #4 departs',
      'trip #3 arrives',
      'trip #4 arrives',
      'trip #5 departs',
      'trip #5 arrives',
    ]);
  });

  it('records the metric every `every` labels and at the end; an abstaining model is not scored', async () => {
    const result = await progressiveValidation(indexed(1000), {
      predict: (x) => (x % 2 === 0 ? x : undefined),
      learn: () => {},
      metric: accuracy(),
      every: 300,
    });
    expect(result.trace.map((p) => p.step)).toEqual([300, 600, 900, 1000]);
    expect(result.value).toBe(1);
    expect(result.trace.at(-1)!.value).toBe(result.value);
    const empty = await progressiveValidation([], { predict: () => 1, learn: () => {}, metric: mae() });
    expect(empty).toEqual({ value: Number.NaN, items: 0, steps: 0, trace: [] });
  });

  it('closes the stream when the model throws', async () => {
    let closed = false;
    function* stream() {
      try {
        for (let i = 0; ; i++) yield { x: i, y: i };
      } finally {
        closed = true;
      }
    }
    await expect(
      progressiveValidation(stream(), {
        predict: (x) => {
          if (x === 5) throw new Error('model broke');
          return x;
        },
        learn: () => {},
        metric: accuracy(),
      }),
    ).rejects.toThrow('model broke');
    expect(closed).toBe(true);
  });

  it('rejects bad arguments, naming progressiveValidation and the argument', async () => {
    const ok = { predict: () => 1, learn: () => {}, metric: accuracy() };
    await expect(progressiveValidation(indexed(3), { ...ok, delay: -1 })).rejects.toThrow(
      "progressiveValidation: argument 'options.delay' must be a finite number of at least 0, got -1",
    );
    await expect(progressiveValidation(indexed(3), { ...ok, every: 1.5 })).rejects.toThrow(
      "argument 'options.every'",
    );
    await expect(progressiveValidation(42 as never, ok)).rejects.toThrow(
      "argument 'stream' must be an iterable",
    );
    await expect(progressiveValidation([{ x: 1 }] as never, ok)).rejects.toThrow(
      "argument 'stream[0]' must be an object with x and y",
    );
    await expect(
      progressiveValidation(
        [
          { x: 1, y: 1, t: 5 },
          { x: 2, y: 2, t: 4 },
        ],
        ok,
      ),
    ).rejects.toThrow("argument 'stream[1].t' must not go back in time");
    await expect(
      progressiveValidation(
        [
          { x: 1, y: 1, t: 5 },
          { x: 2, y: 2 },
        ],
        ok,
      ),
    ).rejects.toThrow("argument 'stream[1].t' must be given");
    await expect(progressiveValidation(indexed(3), { ...ok, delay: () => Number.NaN })).rejects.toThrow(
      "argument 'options.delay(stream[0])'",
    );
    await expect(progressiveValidation(indexed(3), { ...ok, metric: {} as never })).rejects.toThrow(
      "argument 'options.metric'",
    );
  });
});

describe('metrics', () => {
  it('accuracy, mae and logLoss compute their means and merge by adding counts', () => {
    const a = accuracy<string>();
    a.update('a', 'a');
    a.update('a', 'b');
    expect(a.value()).toBe(0.5);
    const b = accuracy<string>();
    b.update('c', 'c');
    a.merge(b);
    expect([a.n, a.value()]).toEqual([3, 2 / 3]);
    expect(a.state()).toEqual({ kind: 'lockstep.metric.accuracy', formatVersion: 1, n: 3, total: 2 });

    const m = mae();
    m.update(3, 1);
    m.update(0, 1);
    expect(m.value()).toBe(1.5);
    expect(accuracy().value()).toBeNaN();
    expect(() => m.merge(accuracy() as never)).toThrow("mae.merge: argument 'other' must be a mae metric");

    const l = logLoss();
    l.update(true, 0.9);
    l.update(0, 0.2);
    expect(l.value()).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 15);
    l.update(1, 0);
    expect(Number.isFinite(l.value())).toBe(true);
    expect(() => l.update(2 as never, 0.5)).toThrow("logLoss.update: argument 'yTrue'");
    expect(() => l.update(true, 1.5)).toThrow("logLoss.update: argument 'yPred' must be a probability");
  });

  it('merging is the metric of the concatenation (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
        (left, right) => {
          for (const make of [accuracy<number>, mae]) {
            const a = make();
            const b = make();
            const all = make();
            for (const [y, p] of left) {
              a.update(y, p);
              all.update(y, p);
            }
            for (const [y, p] of right) {
              b.update(y, p);
              all.update(y, p);
            }
            a.merge(b);
            expect(a.state()).toEqual(all.state());
          }
        },
      ),
    );
  });
});
