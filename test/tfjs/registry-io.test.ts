// registryIOHandler: model.save registers a version (model.json and weights.bin), tf.loadLayersModel loads
// one by ref, on the memory registry and on an fs registry in a temp dir. The loaded model predicts bit for
// bit what the saved one did; tampered, truncated or mismatched artifacts, wrong refs, unknown options and
// hostile registries are LockstepErrors with their codes, never a TypeError from inside tfjs.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOptions } from '../../src/core/check.js';
import { createFsRegistry } from '../../src/registry/fs/index.js';
import { createMemoryRegistry, type ModelRegistry } from '../../src/registry/index.js';
import { createMemoryStorage } from '../../src/registry/memory.js';
import { createRegistry, REGISTRY_OPTION_KEYS } from '../../src/registry/registry.js';
import {
  MODEL_JSON_ARTIFACT,
  type RegistrySaveResult,
  registryIOHandler,
  useBackend,
  WEIGHTS_ARTIFACT,
} from '../../src/tfjs/index.js';
import { rejectsLockstep } from '../helpers/errors.js';
import { expectLockstepOrResultAsync, expectNoPrototypePollution, hostile } from '../helpers/hostile.js';

const root = mkdtempSync(join(tmpdir(), 'lockstep-tfjs-registry-'));
let dirs = 0;

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  expectNoPrototypePollution();
});

/** A small seeded model: dense relu, dense sigmoid, compiled (so its training config is saved too). */
function makeModel(seed = 7): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 8,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }),
      }),
      tf.layers.dense({
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}

const inputs = () =>
  tf.tensor2d(
    Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) * 3),
    [10, 4],
  );

/** The raw bits of a float32 tensor, so -0 vs 0 and NaN payloads count. */
function bitsOf(t: tf.Tensor): number[] {
  const data = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}

function predictBits(model: tf.LayersModel): number[] {
  const xs = inputs();
  const ys = model.predict(xs) as tf.Tensor;
  const bits = bitsOf(ys);
  tf.dispose([xs, ys]);
  return bits;
}

const weightBits = (model: tf.LayersModel) => model.getWeights().map(bitsOf);

interface Case {
  readonly registry: ModelRegistry;
  tamper(sha256: string, how: 'flip' | 'truncate'): void;
}

const backends: readonly [string, () => Case][] = [
  [
    'memory',
    () => {
      const storage = createMemoryStorage();
      const registry = createRegistry(
        storage,
        readOptions('createMemoryRegistry', {}, REGISTRY_OPTION_KEYS),
        'createMemoryRegistry',
      );
      return {
        registry,
        tamper(sha256, how) {
          const held = storage.blobs.get(sha256)!;
          const next = how === 'truncate' ? held.slice(0, held.length - 1) : new Uint8Array(held);
          if (how === 'flip') next[next.length - 1] = next[next.length - 1]! ^ 1;
          storage.blobs.set(sha256, next);
        },
      };
    },
  ],
  [
    'fs',
    () => {
      const dir = join(root, `r${dirs++}`);
      const blob = (sha: string) => join(dir, 'sha256', sha.slice(0, 2), sha);
      return {
        registry: createFsRegistry({ dir }),
        tamper(sha256, how) {
          const path = blob(sha256);
          if (how === 'truncate') truncateSync(path, readFileSync(path).length - 1);
          else {
            const b = readFileSync(path);
            b[b.length - 1] = b[b.length - 1]! ^ 1;
            writeFileSync(path, b);
          }
        },
      };
    },
  ],
];

describe.each(backends)('registryIOHandler on the %s registry', (_name, open) => {
  it('round trip: the loaded model predicts bit for bit what the saved one did, with the same weights', async () => {
    const { registry } = open();
    const model = makeModel();
    const before = predictBits(model);
    const result = (await model.save(
      registryIOHandler(registry, 'flights', {
        lineage: { seed: 7, codeVersion: 'abc123' },
        metrics: { auc: 0.91 },
        tags: { team: 'ml' },
        actor: 'ci',
        reason: 'nightly',
        description: 'two dense layers',
      }),
      { includeOptimizer: true },
    )) as RegistrySaveResult;

    const v = result.version;
    expect(v.ref).toBe('flights/1');
    expect(Object.keys(v.artifacts).sort()).toEqual([MODEL_JSON_ARTIFACT, WEIGHTS_ARTIFACT]);
    expect(v.artifacts[MODEL_JSON_ARTIFACT]!.mediaType).toBe('application/json');
    expect(v.artifacts[WEIGHTS_ARTIFACT]!.mediaType).toBe('application/octet-stream');
    expect(v).toMatchObject({
      actor: 'ci',
      description: 'two dense layers',
      metrics: { auc: 0.91 },
      tags: { team: 'ml' },
      lineage: { seed: 7, codeVersion: 'abc123' },
    });
    // tfjs's SaveResult, its sizes those of what was stored.
    const weightBytes = v.artifacts[WEIGHTS_ARTIFACT]!.size;
    expect(result.modelArtifactsInfo).toMatchObject({
      modelTopologyType: 'JSON',
      weightDataBytes: weightBytes,
    });
    expect(result.modelArtifactsInfo.dateSaved.toISOString()).toBe(v.createdAt);
    // 8·4 + 8 + 8·1 + 1 float32 values, and Adam's iteration count (a float32; its moments come with fit).
    expect(weightBytes).toBe((32 + 8 + 8 + 1 + 1) * 4);

    // model.json is tfjs's own: a person can read it out of the registry and load it with any tfjs loader.
    const json = (await registry.readJson('flights/1', MODEL_JSON_ARTIFACT)) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'layers-model', weightsManifest: [{ paths: [WEIGHTS_ARTIFACT] }] });
    expect(json.modelTopology).toBeTypeOf('object');
    expect(json.trainingConfig).toMatchObject({ loss: 'binary_crossentropy' });

    const loaded = await tf.loadLayersModel(registryIOHandler(registry, 'flights/1'));
    expect(predictBits(loaded)).toEqual(before);
    expect(weightBits(loaded)).toEqual(weightBits(model));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense']);
    model.dispose();
    loaded.dispose();
  });

  it('loads by alias after setAlias, and by @latest; each save is the next version', async () => {
    const { registry } = open();
    const a = makeModel(1);
    const b = makeModel(2);
    const va = ((await a.save(registryIOHandler(registry, 'flights'))) as RegistrySaveResult).version;
    const vb = ((await b.save(registryIOHandler(registry, 'flights'))) as RegistrySaveResult).version;
    expect([va.version, vb.version]).toEqual([1, 2]);
    await registry.setAlias('flights', 'champion', 1, { actor: 'deployer' });

    const champion = await tf.loadLayersModel(registryIOHandler(registry, 'flights@champion'));
    const latest = await tf.loadLayersModel(registryIOHandler(registry, 'flights@latest'));
    expect(predictBits(champion)).toEqual(predictBits(a));
    expect(predictBits(latest)).toEqual(predictBits(b));
    expect(predictBits(champion)).not.toEqual(predictBits(b));
    tf.dispose([a, b, champion, latest].flatMap((m) => m.getWeights()));
  });

  it('registers extra artifacts (a transform, a schema) in the same version', async () => {
    const { registry } = open();
    const model = makeModel();
    const transform = { kind: 'demo.transform', columns: ['x'] };
    const { version } = (await model.save(
      registryIOHandler(registry, 'flights', {
        artifacts: { 'transform.json': transform, notes: new Uint8Array([1, 2, 3]) },
      }),
    )) as RegistrySaveResult;
    expect(Object.keys(version.artifacts).sort()).toEqual([
      MODEL_JSON_ARTIFACT,
      'notes',
      'transform.json',
      WEIGHTS_ARTIFACT,
    ]);
    expect(await registry.readJson(version.ref, 'transform.json')).toEqual(transform);
    model.dispose();
  });

  it.each(['flip', 'truncate'] as const)(
    'a weights blob tampered (%s) makes the load fail with INTEGRITY, and no model is built',
    async (how) => {
      const c = open();
      const model = makeModel();
      const { version } = (await model.save(registryIOHandler(c.registry, 'flights'))) as RegistrySaveResult;
      c.tamper(version.artifacts[WEIGHTS_ARTIFACT]!.sha256, how);
      await rejectsLockstep(() => tf.loadLayersModel(registryIOHandler(c.registry, 'flights@latest')), {
        code: 'INTEGRITY',
      });
      // The topology is checked the same way.
      const other = makeModel(3);
      const v2 = ((await other.save(registryIOHandler(c.registry, 'flights'))) as RegistrySaveResult).version;
      c.tamper(v2.artifacts[MODEL_JSON_ARTIFACT]!.sha256, how);
      await rejectsLockstep(() => tf.loadLayersModel(registryIOHandler(c.registry, 'flights/2')), {
        code: 'INTEGRITY',
      });
      model.dispose();
      other.dispose();
    },
  );
});

describe('registryIOHandler: refs', () => {
  it('saving to a version or alias ref is INVALID_ARGUMENT naming ref; nothing is registered', async () => {
    const registry = createMemoryRegistry();
    const model = makeModel();
    for (const ref of ['flights/3', 'flights@champion', 'flights@latest']) {
      const e = await rejectsLockstep(() => model.save(registryIOHandler(registry, ref)), {
        code: 'INVALID_ARGUMENT',
        fn: 'registryIOHandler.save',
        arg: 'ref',
      });
      expect(e.message).toMatch(/write "flights"/);
    }
    expect(await registry.listModels()).toEqual([]);
    model.dispose();
  });

  it('loading a missing model, version or alias is NOT_FOUND; a bare name is INVALID_ARGUMENT', async () => {
    const registry = createMemoryRegistry();
    const model = makeModel();
    await model.save(registryIOHandler(registry, 'flights'));
    for (const ref of ['nothing@latest', 'flights/2', 'flights@champion', 'nothing/1'])
      await rejectsLockstep(() => tf.loadLayersModel(registryIOHandler(registry, ref)), {
        code: 'NOT_FOUND',
      });
    await rejectsLockstep(() => tf.loadLayersModel(registryIOHandler(registry, 'flights')), {
      code: 'INVALID_ARGUMENT',
      fn: 'registryIOHandler.load',
      arg: 'ref',
      message: /"flights@latest"/,
    });
    model.dispose();
  });

  it('a version without the model artifacts is NOT_FOUND', async () => {
    const registry = createMemoryRegistry();
    await registry.createVersion({ name: 'flights', artifacts: { other: new Uint8Array([1]) } });
    await rejectsLockstep(() => tf.loadLayersModel(registryIOHandler(registry, 'flights/1')), {
      code: 'NOT_FOUND',
    });
  });

  it('a load reads both artifacts from the version the ref resolved to, even if the alias moves meanwhile', async () => {
    const real = createMemoryRegistry();
    const a = makeModel(1);
    const b = makeModel(2);
    await a.save(registryIOHandler(real, 'flights'));
    await b.save(registryIOHandler(real, 'flights'));
    await real.setAlias('flights', 'champion', 1);
    const refsRead: string[] = [];
    // A registry whose alias moves to version 2 right after it is resolved.
    const racing = {
      createVersion: real.createVersion,
      resolve: async (ref: string) => {
        const v = await real.resolve(ref);
        await real.setAlias('flights', 'champion', 2);
        return v;
      },
      readArtifact: (ref: string, name: string) => {
        refsRead.push(ref);
        return real.readArtifact(ref, name);
      },
    };
    const loaded = await tf.loadLayersModel(registryIOHandler(racing as never, 'flights@champion'));
    expect(refsRead).toEqual(['flights/1', 'flights/1']);
    expect(predictBits(loaded)).toEqual(predictBits(a));
    tf.dispose([a, b, loaded].flatMap((m) => m.getWeights()));
  });

  it("the registry's own errors pass through: a denied save is FORBIDDEN and recorded", async () => {
    const registry = createMemoryRegistry({ authorize: ({ actor }) => actor === 'ci' });
    const model = makeModel();
    await rejectsLockstep(() => model.save(registryIOHandler(registry, 'flights', { actor: 'intern' })), {
      code: 'FORBIDDEN',
    });
    await model.save(registryIOHandler(registry, 'flights', { actor: 'ci' }));
    expect((await registry.history('flights')).map((e) => [e.type, e.actor])).toEqual([
      ['write.denied', 'intern'],
      ['model.created', 'ci'],
      ['version.registered', 'ci'],
    ]);
    model.dispose();
  });

  it('malformed refs and names are INVALID_ARGUMENT when the handler is made', () => {
    const registry = createMemoryRegistry();
    for (const ref of [
      '',
      'Flights',
      '../x',
      'flights/0',
      'flights/x',
      'flights@',
      'a@b/1',
      '@x',
      'x'.repeat(300),
    ])
      expect(() => registryIOHandler(registry, ref), ref).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', fn: 'registryIOHandler', arg: 'ref' }),
      );
  });
});

describe('registryIOHandler: artifacts that do not belong together', () => {
  /** Registers a version by hand with the given model.json and weights. */
  async function handMade(json: unknown, weights: Uint8Array): Promise<ModelRegistry> {
    const registry = createMemoryRegistry();
    await registry.createVersion({
      name: 'm',
      artifacts: { [MODEL_JSON_ARTIFACT]: json as object, [WEIGHTS_ARTIFACT]: weights },
    });
    return registry;
  }

  it('a manifest describing more or fewer bytes than weights.bin holds is INVALID_ARTIFACT', async () => {
    const source = createMemoryRegistry();
    const model = makeModel();
    const { version } = (await model.save(registryIOHandler(source, 'm'))) as RegistrySaveResult;
    const json = await source.readJson(version.ref, MODEL_JSON_ARTIFACT);
    const weights = await source.readArtifact(version.ref, WEIGHTS_ARTIFACT);
    // Sanity: the same two artifacts registered by hand load.
    const ok = await tf.loadLayersModel(registryIOHandler(await handMade(json, weights), 'm/1'));
    expect(predictBits(ok)).toEqual(predictBits(model));
    for (const bytes of [weights.slice(0, weights.length - 4), new Uint8Array([...weights, 0, 0, 0, 0])]) {
      await rejectsLockstep(
        async () => tf.loadLayersModel(registryIOHandler(await handMade(json, bytes), 'm/1')),
        {
          code: 'INVALID_ARTIFACT',
          fn: 'registryIOHandler.load',
          path: '$.weightsManifest',
        },
      );
    }
    tf.dispose([model, ok].flatMap((m) => m.getWeights()));
  });

  it('a model.json that is not tfjs model.json is INVALID_ARTIFACT with its path', async () => {
    const cases: [unknown, string][] = [
      [[1, 2], '$'],
      [{ weightsManifest: [] }, '$.modelTopology'],
      [{ modelTopology: {}, weightsManifest: {} }, '$.weightsManifest'],
      [{ modelTopology: {}, weightsManifest: [{ weights: 1 }] }, '$.weightsManifest[0].weights'],
      [
        { modelTopology: {}, weightsManifest: [{ weights: [{ name: 'w' }] }] },
        '$.weightsManifest[0].weights[0]',
      ],
      [
        { modelTopology: {}, weightsManifest: [{ weights: [{ name: 'w', dtype: 'float32', shape: [-1] }] }] },
        '$.weightsManifest[0].weights[0].shape',
      ],
      [
        { modelTopology: {}, weightsManifest: [{ weights: [{ name: 'w', dtype: 'float64', shape: [1] }] }] },
        '$.weightsManifest[0].weights[0].dtype',
      ],
      [
        {
          modelTopology: {},
          weightsManifest: [
            { weights: [{ name: 'w', dtype: 'float32', shape: [1], quantization: { dtype: 'x' } }] },
          ],
        },
        '$.weightsManifest[0].weights[0].quantization.dtype',
      ],
      [
        {
          modelTopology: {},
          weightsManifest: [
            { weights: [{ name: 'w', dtype: 'float32', shape: [2 ** 30, 2 ** 30, 2 ** 30] }] },
          ],
        },
        '$.weightsManifest',
      ],
    ];
    for (const [json, path] of cases)
      await rejectsLockstep(
        async () => tf.loadLayersModel(registryIOHandler(await handMade(json, new Uint8Array(4)), 'm/1')),
        {
          code: 'INVALID_ARTIFACT',
          path,
        },
      );
    // Bytes that are not JSON text under the name model.json.
    await rejectsLockstep(
      async () =>
        tf.loadLayersModel(
          registryIOHandler(await handMade(new Uint8Array([0xff, 0xfe]), new Uint8Array(0)), 'm/1'),
        ),
      { code: 'INVALID_ARTIFACT', path: '$' },
    );
  });

  it('a model without a JSON topology cannot be saved', async () => {
    const handler = registryIOHandler(createMemoryRegistry(), 'g');
    await rejectsLockstep(() => handler.save({ modelTopology: new ArrayBuffer(8) }), {
      code: 'INVALID_ARGUMENT',
      arg: 'modelArtifacts.modelTopology',
    });
    await rejectsLockstep(
      () => handler.save({ modelTopology: {}, weightData: [new ArrayBuffer(1), 3] as never }),
      {
        code: 'INVALID_ARGUMENT',
        arg: 'modelArtifacts.weightData',
      },
    );
  });

  it('weight specs that do not describe the weight data are refused before anything is registered', async () => {
    const registry = createMemoryRegistry();
    const handler = registryIOHandler(registry, 'm');
    const w = (shape: number[], dtype = 'float32') => [{ name: 'w', dtype, shape }];
    const cases: [unknown, ArrayBuffer, string][] = [
      [w([3]), new ArrayBuffer(8), 'modelArtifacts.weightData'],
      [w([2]), new ArrayBuffer(12), 'modelArtifacts.weightData'],
      [w([-2]), new ArrayBuffer(8), 'modelArtifacts.weightSpecs[0].shape'],
      [w([2], 'float64'), new ArrayBuffer(16), 'modelArtifacts.weightSpecs[0].dtype'],
      [[1], new ArrayBuffer(0), 'modelArtifacts.weightSpecs[0]'],
    ];
    for (const [weightSpecs, weightData, arg] of cases)
      await rejectsLockstep(
        () => handler.save({ modelTopology: {}, weightSpecs: weightSpecs as never, weightData }),
        {
          code: 'INVALID_ARGUMENT',
          fn: 'registryIOHandler.save',
          arg,
        },
      );
    expect(await registry.listModels()).toEqual([]);
  });

  it('weight data in several ArrayBuffers (tfjs ≥ 4.10) is stored as one', async () => {
    const registry = createMemoryRegistry();
    const handler = registryIOHandler(registry, 'm');
    const specs = [{ name: 'w', dtype: 'float32' as const, shape: [3] }];
    const parts = [new Float32Array([1, 2]).buffer, new Float32Array([3]).buffer];
    const { version } = await handler.save({ modelTopology: {}, weightSpecs: specs, weightData: parts });
    expect(
      Array.from(new Float32Array((await registry.readArtifact(version.ref, WEIGHTS_ARTIFACT)).buffer)),
    ).toEqual([1, 2, 3]);
    const loaded = await registryIOHandler(registry, 'm/1').load();
    expect(loaded.weightSpecs).toEqual(specs);
    expect(Array.from(new Float32Array(loaded.weightData as ArrayBuffer))).toEqual([1, 2, 3]);
  });
});

describe('registryIOHandler: options are strict', () => {
  const registry = createMemoryRegistry();

  it('a misspelled key is INVALID_ARGUMENT naming the closest key', () => {
    expect(() => registryIOHandler(registry, 'flights', { metric: { auc: 1 } } as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        fn: 'registryIOHandler',
        arg: 'options.metric',
        message: expect.stringMatching(/unknown key "metric" \(did you mean "metrics"\?\)/),
      }),
    );
    expect(() => registryIOHandler(registry, 'flights', { lineage: { sed: 1 } } as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/did you mean "seed"/),
      }),
    );
  });

  it('bad values are refused naming the option', () => {
    const bad: [unknown, string][] = [
      ['fast', 'options'],
      [{ metrics: { auc: Number.NaN } }, 'options.metrics.auc'],
      [{ metrics: [] }, 'options.metrics'],
      [{ tags: { team: 3 } }, 'options.tags.team'],
      [{ tags: { '../x': 'a' } }, 'options.tags'],
      [{ actor: 'a\u0000b' }, 'options.actor'],
      [{ description: 1 }, 'options.description'],
      [{ artifacts: { [WEIGHTS_ARTIFACT]: new Uint8Array(1) } }, `options.artifacts.${WEIGHTS_ARTIFACT}`],
      [{ artifacts: { x: undefined } }, 'options.artifacts.x'],
    ];
    for (const [options, arg] of bad)
      expect(() => registryIOHandler(registry, 'flights', options as never), arg).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', fn: 'registryIOHandler', arg }),
      );
  });
});

describe('registryIOHandler: hostile registries and refs', () => {
  it('a value without the registry methods is INVALID_ARGUMENT naming registry', () => {
    for (const registry of [null, 1, 'r', {}, { createVersion: 1, resolve() {}, readArtifact() {} }])
      expect(() => registryIOHandler(registry as never, 'flights')).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', fn: 'registryIOHandler' }),
      );
  });

  it('any registry object, ref or method result gives a LockstepError or a model, never a TypeError', async () => {
    const real = createMemoryRegistry();
    const model = makeModel();
    await model.save(registryIOHandler(real, 'flights'));
    const artifacts = model.getWeights().length; // keep the model referenced
    expect(artifacts).toBe(4);
    await fc.assert(
      fc.asyncProperty(
        hostile(),
        hostile(),
        hostile(),
        fc.constantFrom('flights@latest', 'flights/1', 'flights'),
        async (thing, result, ref, goodRef) => {
          // A hostile registry object, ref, or a registry whose methods return hostile values.
          const liar = {
            createVersion: async () => result,
            resolve: async () => result,
            readArtifact: async () => result,
          };
          // A registry that resolves honestly and then returns hostile bytes.
          const halfLiar = {
            createVersion: (input: never) => real.createVersion(input),
            resolve: (r: string) => real.resolve(r),
            readArtifact: async () => result,
          };
          // A result whose `then` getter throws makes the registry's own promise reject: that error is the
          // registry's, and passes through as it is (as a database error would), so such results are left out.
          const registryRejects = await Promise.resolve(result).then(
            () => false,
            () => true,
          );
          const cases: (readonly [unknown, unknown])[] = [
            [thing, goodRef],
            [real, ref],
          ];
          if (!registryRejects) cases.push([liar, goodRef], [halfLiar, goodRef]);
          for (const [registry, r] of cases) {
            await expectLockstepOrResultAsync(async () => {
              const handler = registryIOHandler(registry as never, r as never);
              await handler.load();
            });
            await expectLockstepOrResultAsync(async () => {
              const handler = registryIOHandler(registry as never, r as never);
              await handler.save({ modelTopology: {}, weightSpecs: [] });
            });
          }
          await expectLockstepOrResultAsync(async () => {
            await registryIOHandler(real, 'flights').save(thing as never);
          });
          await expectLockstepOrResultAsync(async () => {
            await registryIOHandler(real, 'flights').save({
              modelTopology: thing as never,
              weightSpecs: [result, { name: 'w', dtype: 'float32', shape: ref }] as never,
              weightData: new ArrayBuffer(4),
            });
          });
          await expectLockstepOrResultAsync(async () => {
            registryIOHandler(real, 'flights', thing as never);
          });
        },
      ),
      { numRuns: 60 },
    );
    model.dispose();
  });
});
