// promote(): move a registry alias to a candidate only on the evidence of a passed gate, and keep that
// evidence with the version. lockstep/evaluate imports only core, so the registry is taken by its shape
// (the three methods used), which every lockstep registry back end has.
//
// The steps, in order:
//  1. The gate is read through parseGate (a gate from JSON or from another process is checked like one
//     made here), and the ref is resolved once, so `flights@latest` cannot move between the steps.
//  2. A gate that names its candidate (`refs.candidate`) must name this version.
//  3. The gate is stored with the version (`addArtifacts`, under `gates/<alias>/<fingerprint prefix>`),
//     passed or failed: every attempted promotion leaves its evidence, and the same gate stored twice is
//     one artifact.
//  4. Only a passed gate moves the alias (`setAlias`, compare-and-set when `expected` is given). A failed
//     gate leaves the alias where it was and is returned, not thrown: not promoting is the answer.
// Steps 3 and 4 are two registry writes, so a promotion that loses a compare-and-set race (CONFLICT) has
// stored its gate and moved nothing; the history shows both.
import { checkObject, readOptions } from '../core/check.js';
import { describe, invalidArgument, isLockstepError, LockstepError } from '../core/errors.js';
import { type Gate, type GateCheck, parseGate } from './gate.js';

const FN = 'promote';

/** The registry as promote uses it: any lockstep registry (memory, fs, SQL) has these methods. */
export interface PromoteRegistry {
  resolve(ref: string): Promise<{ readonly name: string; readonly version: number; readonly ref: string }>;
  addArtifacts(
    ref: string,
    artifacts: Readonly<Record<string, object>>,
    options?: { readonly actor?: string; readonly reason?: string },
  ): Promise<unknown>;
  setAlias(
    name: string,
    alias: string,
    version: number,
    options?: { readonly expected?: number | null; readonly actor?: string; readonly reason?: string },
  ): Promise<{ readonly aliases: Readonly<Record<string, number>> }>;
}

export interface PromoteOptions {
  /** The gate that judged the candidate: gate()'s result, or the same read from JSON. Required. */
  readonly gate: Gate | unknown;
  /**
   * The version the alias must point at now (`null`: not set yet), as the registry's compare-and-set: pass
   * the baseline the gate compared against, so a champion that moved since is not replaced on stale
   * evidence. Left out, the move is unconditional.
   */
  readonly expected?: number | null;
  /** Who promotes (recorded in the history). */
  readonly actor?: string;
  /** Why (recorded in the history). Default: the gate's verdict, as `gate 1a2b3c4d passed 12 checks`. */
  readonly reason?: string;
}

/** What promote did. */
export interface Promotion {
  /** Whether the alias now points at the candidate. */
  readonly promoted: boolean;
  /** The candidate version (`flights/4`), resolved once. */
  readonly ref: string;
  readonly alias: string;
  /** The name the gate is stored under in the candidate's artifacts. */
  readonly artifact: string;
  /** The gate, as parsed (deeply frozen). */
  readonly gate: Gate;
  /** The checks that failed (empty when promoted). */
  readonly failed: readonly GateCheck[];
  /** The model's aliases after the promotion (when promoted). */
  readonly aliases?: Readonly<Record<string, number>>;
}

/**
 * Moves `alias` of the model `ref` names to that version only when `options.gate` passed, after storing the
 * gate with the version (passed or not). A failed gate leaves the alias where it was and resolves with
 * `promoted: false` and the failed checks. See docs/evaluate.md.
 * @example
 * const registry = createMemoryRegistry();
 * await registry.createVersion({ name: 'flights' });
 * const verdict = gate({ candidate: { metrics: { rocAuc: { value: 0.7 } } }, rules: { floors: { rocAuc: 0.6 } } });
 * (await promote(registry, 'flights@latest', 'champion', { gate: verdict })).promoted // => true
 * @throws LockstepError `INVALID_ARGUMENT` for a registry without the methods used, a missing gate, an
 *   unknown option, or a gate whose `refs.candidate` names another version; `INVALID_ARTIFACT` for a gate
 *   that is not one; the registry's own errors (`NOT_FOUND`, `CONFLICT` when `expected` no longer holds,
 *   `FORBIDDEN`) as it threw them.
 */
export async function promote(
  registry: PromoteRegistry,
  ref: string,
  alias: string,
  options: PromoteOptions,
): Promise<Promotion> {
  const r = readRegistry(registry);
  const o = readOptions(FN, options, ['gate', 'expected', 'actor', 'reason']);
  if (o.gate === undefined) throw invalidArgument(FN, 'options.gate', 'is required');
  if (typeof ref !== 'string') throw invalidArgument(FN, 'ref', 'must be a registry ref string', ref);
  if (typeof alias !== 'string') throw invalidArgument(FN, 'alias', 'must be an alias string', alias);
  const verdict = readGate(o.gate);
  const version = await r.resolve(ref);
  const judged = verdict.refs?.candidate;
  if (judged !== undefined && judged !== version.ref)
    throw invalidArgument(
      FN,
      'options.gate',
      `judged ${describe(judged)}, not ${describe(version.ref)}; gate this version before promoting it`,
    );
  const failed = verdict.checks.filter((c) => !c.passed);
  const reason =
    o.reason ??
    `gate ${verdict.fingerprint.slice(0, 8)} ${verdict.passed ? 'passed' : 'failed'} ${
      verdict.passed ? verdict.checks.length : `${failed.length} of ${verdict.checks.length}`
    } checks`;
  const change = { ...(o.actor === undefined ? {} : { actor: o.actor }), reason } as {
    actor?: string;
    reason: string;
  };
  const artifact = `gates/${alias}/${verdict.fingerprint.slice(0, 16)}`;
  await r.addArtifacts(version.ref, { [artifact]: verdict }, change);
  const result = { ref: version.ref, alias, artifact, gate: verdict, failed: Object.freeze(failed) };
  if (!verdict.passed) return Object.freeze({ promoted: false, ...result });
  const model = await r.setAlias(version.name, alias, version.version, {
    ...change,
    ...(o.expected === undefined ? {} : { expected: o.expected as number | null }),
  });
  return Object.freeze({ promoted: true, ...result, aliases: model.aliases });
}

function readGate(v: unknown): Gate {
  try {
    return parseGate(v);
  } catch (error) {
    if (isLockstepError(error))
      throw new LockstepError(error.code, `${FN}: argument 'options.gate': ${error.message}`, {
        fn: FN,
        arg: 'options.gate',
        ...(error.path === undefined ? {} : { path: error.path }),
        issues: error.issues,
      });
    throw error;
  }
}

function readRegistry(v: unknown): PromoteRegistry {
  const o = checkObject(FN, 'registry', v);
  for (const method of ['resolve', 'addArtifacts', 'setAlias']) {
    let ok = false;
    try {
      ok = typeof o[method] === 'function';
    } catch {
      ok = false;
    }
    if (!ok)
      throw invalidArgument(
        FN,
        'registry',
        `must be a model registry with ${method}() (createMemoryRegistry, createFsRegistry, createSqlRegistry)`,
      );
  }
  return v as PromoteRegistry;
}
