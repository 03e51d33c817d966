// A tf.io handler backed by a lockstep registry: `model.save` registers a version, `tf.loadLayersModel`
// loads one by ref. The rule, written once here:
//
//   - A version saved here holds two artifacts: 'model.json', tfjs's own model.json (the `ModelJSON` a
//     `file://` or `http` save writes: `modelTopology`, `weightsManifest` with one group whose path is
//     'weights.bin', `format`, `generatedBy`, …), and 'weights.bin', every weight's bytes in manifest order.
//     So a person can read both out of the registry and load them with any tfjs loader.
//   - Saving goes to a model name ('flights'): the registry numbers the version. A ref that names a version
//     or alias ('flights/3', 'flights@champion') cannot be saved to, because the number is not the caller's.
//   - Loading resolves the ref once and reads both artifacts from the version it resolved to ('flights/3'),
//     so an alias moved between the two reads cannot pair one version's topology with another's weights.
//     The registry re-hashes the bytes on every read (INTEGRITY when they no longer match); here the
//     manifest is checked against the weights' length, so a model.json and weights.bin that do not belong
//     together are INVALID_ARTIFACT before tfjs reads a byte. Saving checks the same, before storing
//     anything, so what is registered loads back.
//   - The registry is any object with the `ModelRegistry` methods used (createVersion, resolve,
//     readArtifact). A value without them, or a method returning the wrong shape, is INVALID_ARGUMENT
//     naming `registry`; what the registry's own methods throw passes through unchanged.
import type * as tf from '@tensorflow/tfjs';
import { checkNumber, checkObject, checkString, objectKeys, readOptions } from '../core/check.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { encodeUtf8 } from '../core/utf8.js';
import { checkLineage } from '../registry/lineage.js';
import { checkKey, checkModelName, checkText, MAX_NAME, readRef } from '../registry/names.js';
import type {
  ArtifactInput,
  CreateVersionInput,
  Lineage,
  ModelRegistry,
  ModelVersion,
} from '../registry/types.js';

/** The artifact holding tfjs's model.json (topology and weights manifest). */
export const MODEL_JSON_ARTIFACT = 'model.json';
/** The artifact holding the weights' bytes, in manifest order. */
export const WEIGHTS_ARTIFACT = 'weights.bin';

/** What a save registers with the version, besides the model. */
export interface RegistryIOOptions {
  /** The version's lineage (data fingerprint, seed, transform fingerprint, parent, …). */
  readonly lineage?: Lineage;
  /** Metric name → finite number. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Tag key → value. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Who registers it, recorded in the history. */
  readonly actor?: string;
  /** Why, recorded in the history. */
  readonly reason?: string;
  readonly description?: string;
  /**
   * More artifacts to register in the same version (the fitted transform, the schema, the training
   * profile), by name; 'model.json' and 'weights.bin' are the model's own.
   */
  readonly artifacts?: Readonly<Record<string, ArtifactInput>>;
}

/** What `save` resolves to: tfjs's `SaveResult`, plus the version it registered. */
export interface RegistrySaveResult extends tf.io.SaveResult {
  readonly version: ModelVersion;
}

/** A `tf.io.IOHandler` over a registry: `save` registers a version, `load` reads one. */
export interface RegistryIOHandler extends tf.io.IOHandler {
  save(modelArtifacts: tf.io.ModelArtifacts): Promise<RegistrySaveResult>;
  load(): Promise<tf.io.ModelArtifacts>;
}

const FN = 'registryIOHandler';
const OPTION_KEYS = ['lineage', 'metrics', 'tags', 'actor', 'reason', 'description', 'artifacts'] as const;
/** Largest weight tensor rank, and largest element count, read from a manifest. */
const MAX_RANK = 32;
const MAX_WEIGHTS = 1 << 20;
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

/**
 * A TensorFlow.js IO handler that saves a model as a new registry version and loads one by ref, with
 * the registry's integrity checks on every read.
 *
 * Rule: `model.save(handler)` registers the next version of the model `ref` names, with artifacts
 * 'model.json' (tfjs's model.json: topology, a weights manifest whose one group's path is 'weights.bin',
 * training config and metadata) and 'weights.bin' (the weights' bytes), plus `options` (lineage, metrics,
 * tags, actor, reason, description, more artifacts); it resolves to tfjs's `SaveResult` with `version`, the
 * `ModelVersion` registered (its `dateSaved` is the registry's `createdAt`). `tf.loadLayersModel(handler)`
 * resolves `ref` once (`'flights/3'`, `'flights@champion'`, `'flights@latest'`) and reads both artifacts
 * from that version; the registry re-hashes each (SHA-256), and the manifest must account for exactly the
 * weights' bytes. Cost: one registration (O(model bytes) to hash and store), or one resolve and two reads.
 * @throws LockstepError `INVALID_ARGUMENT` when `registry` lacks `createVersion`, `resolve` or
 *   `readArtifact` (or one returns the wrong shape), `ref` is neither a model name nor a ref, or `options`
 *   has an unknown key (naming the closest) or a bad value; on save, when `ref` names a version or alias
 *   (save to the model's name) or the model has no JSON topology; on load, when `ref` is a bare name (write
 *   `name@latest`). `NOT_FOUND` when the ref or the version's 'model.json' or 'weights.bin' is missing;
 *   `INTEGRITY` when stored bytes no longer match their digest (tampered, truncated); `INVALID_ARTIFACT`
 *   when 'model.json' is not a tfjs model.json or its manifest does not match 'weights.bin'. The
 *   registry's own errors (`FORBIDDEN`, `CONFLICT`, …) pass through.
 * @example
 * const { version } = (await model.save(registryIOHandler(registry, 'flights', { actor: 'ci' }))) as RegistrySaveResult;
 * await registry.setAlias('flights', 'champion', version.version);
 * const served = await tf.loadLayersModel(registryIOHandler(registry, 'flights@champion'));
 */
export function registryIOHandler(
  registry: ModelRegistry,
  ref: string,
  options?: RegistryIOOptions,
): RegistryIOHandler {
  const methods = readRegistry(registry);
  const target = readTarget(ref);
  const input = readSaveOptions(options);

  return {
    async save(modelArtifacts: tf.io.ModelArtifacts): Promise<RegistrySaveResult> {
      const f = `${FN}.save`;
      if (target.parsed !== undefined)
        throw invalidArgument(
          f,
          'ref',
          `must be a model name to save to (the registry numbers the version), not a version or alias ref: write "${target.parsed.name}"`,
          target.text,
        );
      const a = checkObject(f, 'modelArtifacts', modelArtifacts);
      const { json, weights } = guarded(f, 'modelArtifacts', () => toModelJson(f, a));
      const created = await methods.createVersion.call(registry, {
        ...input,
        name: target.text,
        artifacts: { ...input.artifacts, [MODEL_JSON_ARTIFACT]: json, [WEIGHTS_ARTIFACT]: weights },
      });
      const version = checkVersionShape(f, 'createVersion', created);
      const info: tf.io.ModelArtifactsInfo = {
        dateSaved: new Date(version.createdAt),
        modelTopologyType: 'JSON',
        modelTopologyBytes: jsonBytes(json.modelTopology),
        weightSpecsBytes: jsonBytes(json.weightsManifest[0]?.weights ?? []),
        weightDataBytes: weights.byteLength,
      };
      return { modelArtifactsInfo: info, version };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const f = `${FN}.load`;
      if (target.parsed === undefined)
        throw invalidArgument(
          f,
          'ref',
          `must name a version to load: "${target.text}/3", "${target.text}@champion" or "${target.text}@latest"`,
          target.text,
        );
      const version = checkVersionShape(f, 'resolve', await methods.resolve.call(registry, target.text));
      const pinned = version.ref;
      const jsonRaw = await methods.readArtifact.call(registry, pinned, MODEL_JSON_ARTIFACT);
      const json = parseModelJson(f, pinned, bytesOf(f, 'readArtifact', jsonRaw));
      const weightBytes = bytesOf(
        f,
        'readArtifact',
        await methods.readArtifact.call(registry, pinned, WEIGHTS_ARTIFACT),
      );
      if (json.expectedBytes !== undefined && json.expectedBytes !== weightBytes.byteLength)
        throw new LockstepError(
          'INVALID_ARTIFACT',
          `${f}: ${pinned}'s '${MODEL_JSON_ARTIFACT}' manifest describes ${json.expectedBytes} bytes of weights, but '${WEIGHTS_ARTIFACT}' holds ${weightBytes.byteLength}`,
          { fn: f, arg: 'ref', path: '$.weightsManifest' },
        );
      // A fresh ArrayBuffer of exactly the weights (a Uint8Array may view a larger or shared buffer).
      const weightData = new Uint8Array(weightBytes).buffer;
      return { ...json.artifacts, weightSpecs: json.specs, weightData };
    },
  };
}

interface RegistryMethods {
  readonly createVersion: (input: CreateVersionInput) => Promise<unknown>;
  readonly resolve: (ref: string) => Promise<unknown>;
  readonly readArtifact: (ref: string, artifact: string) => Promise<unknown>;
}

/** The registry's methods this handler calls, read once (a throwing getter is INVALID_ARGUMENT). */
function readRegistry(registry: unknown): RegistryMethods {
  if ((typeof registry !== 'object' && typeof registry !== 'function') || registry === null)
    throw invalidArgument(
      FN,
      'registry',
      'must be a ModelRegistry (createMemoryRegistry, createFsRegistry, …)',
      registry,
    );
  const out: Record<string, unknown> = {};
  for (const name of ['createVersion', 'resolve', 'readArtifact']) {
    let method: unknown;
    try {
      method = (registry as Record<string, unknown>)[name];
    } catch {
      throw invalidArgument(FN, `registry.${name}`, 'must be readable (its getter threw)');
    }
    if (typeof method !== 'function')
      throw invalidArgument(
        FN,
        `registry.${name}`,
        'must be a function (registry must be a ModelRegistry)',
        method,
      );
    out[name] = method;
  }
  return out as unknown as RegistryMethods;
}

interface Target {
  readonly text: string;
  /** The parsed ref, or undefined for a bare model name. */
  readonly parsed?: { readonly name: string };
}

/** A bare model name ('flights') or a ref ('flights/3', 'flights@champion'). */
function readTarget(ref: unknown): Target {
  const s = checkString(FN, 'ref', ref, 2 * MAX_NAME + 12, true);
  if (!s.includes('/') && !s.includes('@')) return { text: checkModelName(FN, 'ref', s) };
  return { text: s, parsed: readRef(FN, 'ref', s) };
}

/** The options, checked now so a mistake surfaces where the handler is made, not at the end of training. */
function readSaveOptions(options: unknown): Omit<CreateVersionInput, 'name'> {
  const o = readOptions(FN, options, OPTION_KEYS);
  const out: Record<string, unknown> = {};
  if (o.lineage !== undefined) out.lineage = checkLineage(FN, 'options.lineage', o.lineage);
  if (o.metrics !== undefined)
    out.metrics = readRecord('options.metrics', o.metrics, (arg, v) => checkNumber(FN, arg, v));
  if (o.tags !== undefined) out.tags = readRecord('options.tags', o.tags, (arg, v) => checkText(FN, arg, v));
  for (const key of ['actor', 'reason', 'description'] as const)
    if (o[key] !== undefined) out[key] = checkText(FN, `options.${key}`, o[key]);
  if (o.artifacts !== undefined)
    out.artifacts = readRecord('options.artifacts', o.artifacts, (arg, v, key) => {
      if (key === MODEL_JSON_ARTIFACT || key === WEIGHTS_ARTIFACT)
        throw invalidArgument(FN, arg, "is the model's own artifact; give the others a different name");
      if (v === undefined) throw invalidArgument(FN, arg, 'must be bytes or a JSON value', v);
      return v;
    });
  return out as Omit<CreateVersionInput, 'name'>;
}

/** A copy of an object's own entries, each key checked as a registry key and each value by `check`. */
function readRecord<T>(
  arg: string,
  v: unknown,
  check: (arg: string, value: unknown, key: string) => T,
): Record<string, T> {
  const keys = objectKeys(FN, arg, v);
  const out: Record<string, T> = {};
  if (keys.length > 256) throw invalidArgument(FN, arg, `must have at most 256 keys, got ${keys.length}`);
  for (const key of keys) {
    const at = `${arg}.${checkKey(FN, arg, key)}`;
    let value: unknown;
    try {
      value = (v as Record<string, unknown>)[key];
    } catch {
      throw invalidArgument(FN, at, 'must be readable (its getter threw)');
    }
    Object.defineProperty(out, key, { value: check(at, value, key), enumerable: true, writable: true });
  }
  return out;
}

/** tfjs's model.json for what `model.save` hands over, and the weights as one byte array. */
function toModelJson(
  f: string,
  a: Readonly<Record<string, unknown>>,
): { json: tf.io.ModelJSON & { weightsManifest: tf.io.WeightsManifestConfig }; weights: Uint8Array } {
  const topology = read(f, 'modelArtifacts.modelTopology', a, 'modelTopology');
  if (typeof topology !== 'object' || topology === null || Array.isArray(topology) || isBuffer(topology))
    throw invalidArgument(
      f,
      'modelArtifacts.modelTopology',
      'must be a JSON topology (a layers model; a binary GraphDef cannot be registered)',
      topology,
    );
  const list = read(f, 'modelArtifacts.weightSpecs', a, 'weightSpecs') ?? [];
  if (!Array.isArray(list)) throw invalidArgument(f, 'modelArtifacts.weightSpecs', 'must be an array', list);
  const weights = joinWeights(f, read(f, 'modelArtifacts.weightData', a, 'weightData'));
  // What is registered must load back: the specs are checked as load checks them, before anything is stored.
  const { specs, bytes } = guarded(f, 'modelArtifacts.weightSpecs', () =>
    readSpecs(
      list,
      (i) => `[${i}]`,
      (path, what) => invalidArgument(f, `modelArtifacts.weightSpecs${path}`, what),
    ),
  );
  if (bytes !== undefined && bytes !== weights.byteLength)
    throw invalidArgument(
      f,
      'modelArtifacts.weightData',
      `must hold the ${bytes} bytes the weight specs describe, got ${weights.byteLength}`,
    );
  const json: Record<string, unknown> = {
    modelTopology: topology,
    weightsManifest: [{ paths: [WEIGHTS_ARTIFACT], weights: specs }],
  };
  for (const key of [
    'format',
    'generatedBy',
    'convertedBy',
    'trainingConfig',
    'signature',
    'userDefinedMetadata',
    'modelInitializer',
    'initializerSignature',
  ]) {
    const value = read(f, `modelArtifacts.${key}`, a, key);
    if (value !== undefined && value !== null) json[key] = value;
  }
  return {
    json: json as unknown as tf.io.ModelJSON & { weightsManifest: tf.io.WeightsManifestConfig },
    weights,
  };
}

/** tfjs's weight data (one ArrayBuffer, or several since tfjs 4.10) as one Uint8Array. */
function joinWeights(f: string, data: unknown): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data) && data.every((part) => part instanceof ArrayBuffer)) {
    const parts = data as ArrayBuffer[];
    const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
    let at = 0;
    for (const part of parts) {
      out.set(new Uint8Array(part), at);
      at += part.byteLength;
    }
    return out;
  }
  throw invalidArgument(f, 'modelArtifacts.weightData', 'must be an ArrayBuffer or an array of them', data);
}

interface ParsedModelJson {
  /** Everything tfjs reads from model.json except the manifest. */
  readonly artifacts: Omit<tf.io.ModelArtifacts, 'weightSpecs' | 'weightData'>;
  readonly specs: tf.io.WeightsManifestEntry[];
  /** The weights' byte length the manifest implies (undefined with string weights, whose size varies). */
  readonly expectedBytes: number | undefined;
}

/** model.json's bytes, checked to be tfjs's model.json with a readable manifest; INVALID_ARTIFACT otherwise. */
function parseModelJson(f: string, ref: string, bytes: Uint8Array): ParsedModelJson {
  const bad = (path: string, what: string) =>
    new LockstepError('INVALID_ARTIFACT', `${f}: ${ref}'s '${MODEL_JSON_ARTIFACT}' ${what} at ${path}`, {
      fn: f,
      arg: 'ref',
      path,
    });
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw bad('$', 'is not JSON text');
  }
  if (!isRecord(value)) throw bad('$', 'must be an object (tfjs model.json)');
  if (!isRecord(value.modelTopology)) throw bad('$.modelTopology', 'must hold an object (a layers topology)');
  const manifest = value.weightsManifest;
  if (!Array.isArray(manifest)) throw bad('$.weightsManifest', 'must hold an array of weight groups');
  const specs: tf.io.WeightsManifestEntry[] = [];
  let expected: number | undefined = 0;
  for (let g = 0; g < manifest.length; g++) {
    const group = manifest[g] as unknown;
    const list = isRecord(group) ? group.weights : undefined;
    if (!Array.isArray(list)) throw bad(`$.weightsManifest[${g}].weights`, 'must hold an array of weights');
    const read = readSpecs(list, (i) => `$.weightsManifest[${g}].weights[${i}]`, bad, specs.length);
    specs.push(...read.specs);
    expected = expected === undefined || read.bytes === undefined ? undefined : expected + read.bytes;
  }
  if (expected !== undefined && !Number.isSafeInteger(expected))
    throw bad('$.weightsManifest', 'must describe fewer than 2^53 bytes of weights');
  const { weightsManifest: _manifest, ...rest } = value;
  return {
    artifacts: rest as Omit<tf.io.ModelArtifacts, 'weightSpecs' | 'weightData'>,
    specs,
    expectedBytes: expected,
  };
}

/**
 * Weight specs checked (a name, a known dtype or quantization, a shape of non-negative integers), with the
 * bytes they take (undefined with string weights, whose size varies). `bad(path, what)` makes the error.
 */
function readSpecs(
  list: readonly unknown[],
  pathOf: (i: number) => string,
  bad: (path: string, what: string) => LockstepError,
  before = 0,
): { specs: tf.io.WeightsManifestEntry[]; bytes: number | undefined } {
  const specs: tf.io.WeightsManifestEntry[] = [];
  let bytes: number | undefined = 0;
  for (let i = 0; i < list.length; i++) {
    const at = pathOf(i);
    if (before + specs.length >= MAX_WEIGHTS) throw bad(at, `must hold at most ${MAX_WEIGHTS} weights`);
    const spec = list[i] as unknown;
    if (!isRecord(spec) || typeof spec.name !== 'string' || typeof spec.dtype !== 'string')
      throw bad(at, 'must be a weight with a name and a dtype');
    const shape = spec.shape;
    if (
      !Array.isArray(shape) ||
      shape.length > MAX_RANK ||
      !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    )
      throw bad(`${at}.shape`, 'must be an array of non-negative integers');
    const q = spec.quantization;
    let size: number | undefined;
    if (q !== undefined) {
      const qd = isRecord(q) ? q.dtype : undefined;
      size = typeof qd === 'string' && Object.hasOwn(QUANTIZED_BYTES, qd) ? QUANTIZED_BYTES[qd] : undefined;
      if (size === undefined) throw bad(`${at}.quantization.dtype`, 'must be "uint8", "uint16" or "float16"');
    } else if (spec.dtype !== 'string') {
      size = Object.hasOwn(DTYPE_BYTES, spec.dtype) ? DTYPE_BYTES[spec.dtype] : undefined;
      if (size === undefined)
        throw bad(`${at}.dtype`, 'must be "float32", "int32", "bool", "complex64" or "string"');
    }
    if (size === undefined) bytes = undefined;
    else if (bytes !== undefined) bytes += (shape as number[]).reduce((n, d) => n * d, size);
    specs.push(spec as unknown as tf.io.WeightsManifestEntry);
  }
  return { specs, bytes };
}

/** What a registry method returned, checked to be a version (so a hostile registry is INVALID_ARGUMENT). */
function checkVersionShape(f: string, method: string, v: unknown): ModelVersion {
  let ref: unknown;
  let createdAt: unknown;
  try {
    ref = isRecord(v) ? v.ref : undefined;
    createdAt = isRecord(v) ? v.createdAt : undefined;
  } catch {
    ref = undefined;
  }
  if (typeof ref !== 'string' || typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)))
    throw invalidArgument(
      f,
      'registry',
      `must be a ModelRegistry: its ${method} returned ${describe(v)}, not a version`,
    );
  return v as ModelVersion;
}

/** What readArtifact returned, checked to be bytes. */
function bytesOf(f: string, method: string, v: unknown): Uint8Array {
  if (!guarded(f, 'registry', () => v instanceof Uint8Array))
    throw invalidArgument(
      f,
      'registry',
      `must be a ModelRegistry: its ${method} returned ${describe(v)}, not bytes`,
    );
  return v as Uint8Array;
}

/** `run()`, with anything but a LockstepError it throws (a throwing getter) as INVALID_ARGUMENT for `arg`. */
function guarded<T>(f: string, arg: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(f, arg, 'must be readable (a getter threw)');
  }
}

function read(f: string, arg: string, o: Readonly<Record<string, unknown>>, key: string): unknown {
  try {
    return o[key];
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(f, arg, 'must be readable (its getter threw)');
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBuffer(v: unknown): boolean {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

function jsonBytes(v: unknown): number {
  return encodeUtf8(JSON.stringify(v)).byteLength;
}
