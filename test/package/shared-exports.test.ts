// What every module hands its users alike: LockstepError (to catch what any of them throws) and the Frame
// types (what every batch function accepts). Each subpath re-exports core's, so `instanceof` works across
// subpaths and the root entry's `export *` sees one binding.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as arrow from '../../src/arrow/index.js';
import { LockstepError } from '../../src/core/errors.js';
import type * as core from '../../src/core/frame-types.js';
import type * as drift from '../../src/drift/index.js';
import type * as evaluate from '../../src/evaluate/index.js';
import type * as registryFs from '../../src/registry/fs/index.js';
import type * as registry from '../../src/registry/index.js';
import type * as registrySql from '../../src/registry/sql/index.js';
import type * as schema from '../../src/schema/index.js';
import type * as split from '../../src/split/index.js';
import type * as stats from '../../src/stats/index.js';
import type * as workers from '../../src/stats/workers/index.js';
import type * as tfjs from '../../src/tfjs/index.js';
import type * as transform from '../../src/transform/index.js';
import { entries } from '../../tsup.config.js';

// Compile-time: each subpath exports core's Frame types (tsc fails here if one is missing or different;
// the subpaths export the nine of them, Frame to StringColumn, in one block each).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type FrameTypesOf<F, I, C> = [Same<F, core.Frame>, Same<I, core.FrameInput>, Same<C, core.Column>];
const frameTypes: readonly boolean[] = [
  ...([true, true, true] satisfies FrameTypesOf<split.Frame, split.FrameInput, split.Column>),
  ...([true, true, true] satisfies FrameTypesOf<stats.Frame, stats.FrameInput, stats.Column>),
  ...([true, true, true] satisfies FrameTypesOf<schema.Frame, schema.FrameInput, schema.Column>),
  ...([true, true, true] satisfies FrameTypesOf<drift.Frame, drift.FrameInput, drift.Column>),
  ...([true, true, true] satisfies FrameTypesOf<evaluate.Frame, evaluate.FrameInput, evaluate.Column>),
  ...([true, true, true] satisfies FrameTypesOf<transform.Frame, transform.FrameInput, transform.Column>),
  ...([true, true, true] satisfies FrameTypesOf<arrow.Frame, arrow.FrameInput, arrow.Column>),
  ...([true, true, true] satisfies FrameTypesOf<tfjs.Frame, tfjs.FrameInput, tfjs.Column>),
  ...([true, true, true] satisfies FrameTypesOf<workers.Frame, workers.FrameInput, workers.Column>),
  ...([true, true, true] satisfies FrameTypesOf<registry.Frame, registry.FrameInput, registry.Column>),
  ...([true, true, true] satisfies FrameTypesOf<registryFs.Frame, registryFs.FrameInput, registryFs.Column>),
  ...([true, true, true] satisfies FrameTypesOf<
    registrySql.Frame,
    registrySql.FrameInput,
    registrySql.Column
  >),
];

describe('every subpath', () => {
  it('exports the Frame types (checked by tsc above)', () => expect(frameTypes).toHaveLength(36));

  it.each(Object.keys(entries))("%s exports core's LockstepError", async (name) => {
    const module = await import(join(import.meta.dirname, '../..', entries[name as keyof typeof entries]));
    expect(module.LockstepError).toBe(LockstepError);
  });
});
