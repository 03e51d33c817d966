// createOnlineTrainer under hostile input (fast-check): every option, every stream item and every late
// label answers with a trainer, a result or a LockstepError, never a TypeError; a bad item is always
// quarantined and counted, never trained on; a corrupted resume state is refused or resumed, never a crash.
// Also: drift events and recency weighting after a shock.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRegistry } from '../../src/registry/index.js';
import type { SchemaArtifact } from '../../src/schema/artifact.js';
import { inferSchema } from '../../src/schema/index.js';
import { sampleByKey } from '../../src/split/index.js';
import { useBackend } from '../../src/tfjs/index.js';
import {
  createOnlineTrainer,
  type OnlineEvent,
  type OnlineExample,
  type OnlineTrainerOptions,
} from '../../src/tfjs/online.js';
import { fit as fitTransform, oneHot, standardize, vocabulary } from '../../src/transform/index.js';
import type { TransformArtifact } from '../../src/transform/types.js';
import {
  corruption,
  corruptOne,
  expectLockstepOrResult,
  expectLockstepOrResultAsync,
  expectNoPrototypePollution,
  hostile,
} from '../helpers/hostile.js';

let transform: TransformArtifact;
let schema: SchemaArtifact;

/** A seeded synthetic stream: y = 1 when a + (c === 'p' ? 1 : 0) + noise > 0.5; `shift` flips the rule. */
function examples(n: number, from = 0, shift = false): OnlineExample[] {
  const out: OnlineExample[] = [];
  for (let i = from; i < from + n; i++) {
    const a = Math.sin(i * 12.9898) * 1.5;
    const c = ['p', 'q', 'r'][i % 3]!;
    const noise = Math.sin(i * 78.233) * 0.3;
    const y = a + (c === 'p' ? 1 : 0) + noise > 0.5;
    out.push({ key: `k${i}`, x: { a, c }, y: shift ? !y : y });
  }
  return out;
}

beforeAll(async () => {
  await useBackend('cpu');
  tf.enableProdMode();
  const rows = examples(300).map((e) => e.x);
  schema = inferSchema(rows);
  transform = fitTransform({ a: standardize(), c: [vocabulary(), oneHot()] }, rows);
});
afterAll(() => expectNoPrototypePollution());

function makeModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [transform.columns.length],
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
}

function baseOptions(overrides: Partial<OnlineTrainerOptions> = {}): OnlineTrainerOptions {
  return {
    transform,
    schema,
    registry: createMemoryRegistry({ now: () => 0 }),
    name: 'hostile-online',
    seed: 1,
    ...overrides,
    // Made only when not given, so a test counting tensors sees only the trainer's.
    model: 'model' in overrides ? overrides.model! : makeModel(),
    optimizer: 'optimizer' in overrides ? overrides.optimizer! : tf.train.sgd(0.5),
  };
}

const OPTION_KEYS = [
  'model',
  'transform',
  'schema',
  'registry',
  'name',
  'seed',
  'optimizer',
  'batchSize',
  'now',
  'holdout',
  'quarantine',
  'features',
  'pending',
  'dedupe',
  'checkpoint',
  'rollback',
  'drift',
  'recency',
  'parent',
  'resume',
  'onEvent',
  'onQuarantine',
] as const;

describe('createOnlineTrainer: hostile options', () => {
  it('answers any value of any option with a trainer or a LockstepError', () => {
    const model = makeModel();
    const registry = createMemoryRegistry({ now: () => 0 });
    fc.assert(
      fc.property(fc.constantFrom(...OPTION_KEYS), hostile(), (key, value) => {
        expectLockstepOrResult(() =>
          createOnlineTrainer({ ...baseOptions({ model, registry }), [key]: value }).dispose(),
        );
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(hostile(), (value) => {
        expectLockstepOrResult(() => createOnlineTrainer(value as OnlineTrainerOptions));
      }),
      { numRuns: 100 },
    );
  });

  it('names a misspelled option and the one meant', () => {
    expect(() => createOnlineTrainer({ ...baseOptions(), batchsize: 8 } as never)).toThrow(
      /unknown key "batchsize" \(did you mean "batchSize"\?\)/,
    );
    expect(() => createOnlineTrainer({ ...baseOptions(), holdout: { rates: 0.1 } } as never)).toThrow(
      /options.holdout' has an unknown key "rates"/,
    );
    expect(() => createOnlineTrainer({ ...baseOptions(), model: undefined } as never)).toThrow(
      /options.model' is required/,
    );
    const wide = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    expect(() => createOnlineTrainer({ ...baseOptions(), model: wide })).toThrow(
      /input \[null, 5\].*got input \[null, 2\]/,
    );
    expect(() => createOnlineTrainer({ ...baseOptions(), optimizer: undefined })).toThrow(
      /optimizer' is required for a model that was not compiled/,
    );
    expect(() =>
      createOnlineTrainer({ ...baseOptions(), now: undefined, checkpoint: { intervalMs: 1000 } }),
    ).toThrow(/options.now' is required/);
  });

  it('refuses a corrupted resume state with INVALID_ARTIFACT or resumes from it, never crashes', async () => {
    const trainer = createOnlineTrainer(baseOptions({ holdout: { rate: 0.2 } }));
    await trainer.consume(examples(100).map((e, i) => (i % 5 === 0 ? { key: e.key, x: e.x } : e)));
    const saved = trainer.state();
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
    const model = makeModel();
    const registry = createMemoryRegistry({ now: () => 0 });
    await fc.assert(
      fc.asyncProperty(fc.nat(), corruption(), async (pick, replacement) => {
        const resume = corruptOne(saved, pick, replacement);
        await expectLockstepOrResultAsync(async () => {
          const resumed = createOnlineTrainer({
            ...baseOptions({ model, registry }),
            resume: resume as never,
          });
          await resumed.consume(examples(40, 100));
          resumed.dispose();
        });
      }),
      { numRuns: 150 },
    );
    // Another seed, name or transform: refused by name.
    expect(() => createOnlineTrainer({ ...baseOptions(), seed: 2, resume: saved })).toThrow(/another seed/);
    expect(() => createOnlineTrainer({ ...baseOptions(), resume: { ...saved, position: -1 } })).toThrow(
      /INVALID_ARTIFACT|online trainer state: \$\.position/,
    );
  });
});

describe('createOnlineTrainer: hostile items and labels', () => {
  it('quarantines whatever a stream sends, counts every item, and never throws', async () => {
    const quarantined: string[] = [];
    let pushes = 0;
    const trainer = createOnlineTrainer(
      baseOptions({ quarantine: { maxRate: 1 }, onQuarantine: (q) => quarantined.push(q.reason) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostile(),
          fc.record({ key: hostile(), x: hostile(), y: hostile() }),
          fc.record({ key: fc.string(), x: fc.record({ a: hostile(), c: hostile() }), y: hostile() }),
        ),
        async (item) => {
          const before = trainer.counts;
          const result = await trainer.push(item as OnlineExample);
          const after = trainer.counts;
          expect(trainer.position).toBe(++pushes); // every item takes one stream position
          if (after.labels > before.labels)
            expect(after.seen).toBe(before.seen); // an item without x is a label
          else if (result.status === 'quarantined') expect(after.quarantined).toBe(before.quarantined + 1);
          else expect(after.valid).toBe(before.valid + 1);
        },
      ),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(hostile(), hostile(), async (key, y) => {
        const result = await trainer.label(key as string, y);
        expect(result.status).toBe('quarantined');
      }),
      { numRuns: 200 },
    );
    await trainer.flush();
    const c = trainer.counts;
    expect(c.quarantined + c.badLabels + c.evicted).toBe(quarantined.length);
    expect(c.seen + c.labels - 200).toBe(pushes); // items without x count as labels
    expect(c.badLabels).toBe(c.labels - c.lateLabels);
    expect(c.valid + c.quarantined).toBe(c.seen);
    expect(c.trained + c.holdout + trainer.state().pending.length).toBe(c.valid);
  });

  it('refuses calls after dispose, and a consume of something that is not a stream', async () => {
    const trainer = createOnlineTrainer(baseOptions());
    await expect(trainer.consume(42 as never)).rejects.toThrow(/consume: argument 'stream'/);
    await expect(trainer.consume([], { offset: -1 })).rejects.toThrow(/options.offset/);
    const odd = { [Symbol.iterator]: () => ({ next: () => 42 }) };
    await expect(trainer.consume(odd as never)).rejects.toThrow(/must yield \{ done, value \}/);
    let closed = false;
    const failing = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: 42 }),
        return: () => {
          closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const { onEvent: _, ...rest } = baseOptions();
    const throwing = createOnlineTrainer({
      ...rest,
      onQuarantine: () => {
        throw new Error('listener failed');
      },
    });
    await expect(throwing.consume(failing as never)).rejects.toThrow('listener failed');
    expect(closed).toBe(true);
    trainer.dispose();
    await expect(trainer.push(examples(1)[0]!)).rejects.toThrow(/disposed/);
  });
});

describe('createOnlineTrainer: tensors', () => {
  it('leaves no tensor behind: training, checkpoints, gates and rollbacks dispose what they make', async () => {
    const model = makeModel();
    const optimizer = tf.train.sgd(0.5); // holds its learning rate as a tensor
    const before = tf.memory().numTensors;
    const trainer = createOnlineTrainer(
      baseOptions({
        model,
        optimizer,
        holdout: { rate: 0.3, minRows: 20 },
        checkpoint: { every: 128 },
        rollback: { tolerance: 0.05, minSamples: 20 },
      }),
    );
    // The training labels flip; the holdout's stay true, so the live model turns worse than the champion.
    const flipped = examples(800, 400, true).map((e, i) =>
      sampleByKey(e.key, 0.3, { salt: 'lockstep.online.holdout' }) ? examples(1, 400 + i)[0]! : e,
    );
    await trainer.consume([...examples(400), ...flipped]);
    await trainer.checkpoint();
    expect(trainer.counts.checkpoints).toBeGreaterThanOrEqual(3);
    expect(trainer.counts.rollbacks).toBeGreaterThanOrEqual(1);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createOnlineTrainer: drift and recency weighting', () => {
  it('reports a drift when the concept flips, and weighs recent examples after it', async () => {
    const run = async (recency: boolean) => {
      const events: OnlineEvent[] = [];
      const model = makeModel();
      const trainer = createOnlineTrainer(
        baseOptions({
          model,
          holdout: { rate: 0 },
          batchSize: 16,
          rollback: false,
          onEvent: (e) => events.push(e),
          ...(recency ? { recency: { halfLife: 8, duration: 400 } } : {}),
        }),
      );
      // Labels of every fourth example arrive late, 24 items on, so batches after the shift mix old and new.
      const stream = [...examples(600), ...examples(600, 600, true)];
      const items: (OnlineExample | { key: string | number; y: unknown })[] = [];
      stream.forEach((e, i) => {
        items.push(i % 4 === 0 ? { key: e.key, x: e.x } : e);
        const j = i - 24;
        if (j >= 0 && j % 4 === 0) items.push({ key: stream[j]!.key, y: stream[j]!.y });
      });
      await trainer.consume(items);
      await trainer.flush();
      const bits = model.getWeights().map((w) => Array.from(w.dataSync()));
      return { events, state: trainer.state(), bits };
    };
    const plain = await run(false);
    const drifts = plain.events.filter((e) => e.type === 'drift');
    expect(drifts.length).toBeGreaterThanOrEqual(1);
    // ADWIN reports the error falling while the model learns, and rising after the shift (items 600 on
    // are positions 745 on, with the late labels interleaved).
    const first = drifts.find((e) => e.type === 'drift' && e.position > 745) as Extract<
      OnlineEvent,
      { type: 'drift' }
    >;
    expect(first).toBeDefined();
    expect(plain.state.counts.drifts).toBe(drifts.length);
    expect(plain.state.recencyUntil).toBeNull();
    const weighted = await run(true);
    expect(weighted.events.filter((e) => e.type === 'drift').length).toBeGreaterThanOrEqual(1);
    expect(weighted.state.recencyUntil).toBeGreaterThan(first.position);
    expect(weighted.bits).not.toEqual(plain.bits);
  });
});
