import { describe, expect, it } from 'vitest';
import { readOptions } from '../../src/core/check.js';
import { createMemoryRegistry } from '../../src/registry/index.js';
import { createMemoryStorage } from '../../src/registry/memory.js';
import { createRegistry, REGISTRY_OPTION_KEYS } from '../../src/registry/registry.js';
import { catchLockstep } from '../helpers/errors.js';
import { contract } from './contract.js';

describe('memory registry: the contract', () => {
  contract({
    async open(options) {
      const storage = createMemoryStorage();
      const registry = createRegistry(
        storage,
        readOptions('createMemoryRegistry', options, REGISTRY_OPTION_KEYS),
        'createMemoryRegistry',
      );
      return {
        registry,
        async tamper(sha256, how) {
          const held = storage.blobs.get(sha256)!;
          if (how === 'delete') storage.blobs.delete(sha256);
          else if (how === 'truncate') storage.blobs.set(sha256, held.slice(0, held.length - 1));
          else {
            const flipped = new Uint8Array(held);
            flipped[0] = flipped[0]! ^ 1;
            storage.blobs.set(sha256, flipped);
          }
        },
        blobCount: async () => storage.blobs.size,
      };
    },
  });
});

describe('createMemoryRegistry', () => {
  it('is a working registry with strict options', async () => {
    const registry = createMemoryRegistry({ now: () => 0 });
    const v = await registry.createVersion({
      name: 'flights',
      artifacts: { weights: new Uint8Array([1, 2]) },
    });
    expect(v.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect((await registry.resolve('flights@latest')).version).toBe(1);
    catchLockstep(() => createMemoryRegistry({ authorise: () => true } as never), {
      code: 'INVALID_ARGUMENT',
      message: /unknown key "authorise" \(did you mean "authorize"\?\)/,
    });
    catchLockstep(() => createMemoryRegistry({ maxArtifactBytes: -1 }), { arg: 'options.maxArtifactBytes' });
  });
});
