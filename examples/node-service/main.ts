// The service from the command line:
//
//   npx tsx examples/node-service/main.ts [--registry DIR] [--port N] [--host H] [--weight W]
//
// DIR defaults to .tmp/node-service-registry. When it holds no `flights-delay@champion`, a champion and a
// candidate are trained into it first (setup.ts, about 5 s), so the command works on a fresh checkout.
// Ctrl-C (SIGINT) or SIGTERM closes the server.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LockstepError } from 'lockstep/registry';
import { createFsRegistry } from 'lockstep/registry/fs';
import { FLIGHTS_MODEL } from '../shared/flights-model.js';
import { startService } from './service.js';
import { trainServiceModels } from './setup.js';

const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: '.tmp/node-service-registry' },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    weight: { type: 'string', default: '0.1' },
  },
});
const registryDir = resolve(values.registry);
const port = Number(values.port);
const canaryWeight = Number(values.weight);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  throw new Error(`--port: not a port: ${values.port}`);
if (!(canaryWeight >= 0 && canaryWeight <= 1)) throw new Error(`--weight: not in [0, 1]: ${values.weight}`);

const registry = createFsRegistry({ dir: registryDir });
try {
  await registry.resolve(`${FLIGHTS_MODEL}@champion`);
} catch (e) {
  if (!(e instanceof LockstepError && e.code === 'NOT_FOUND')) throw e;
  console.log(`${registryDir}: no ${FLIGHTS_MODEL}@champion; training a champion and a candidate…`);
  const { champion, candidate } = await trainServiceModels(registry, 'examples/node-service/main.ts');
  console.log(`registered ${champion.ref} (champion) and ${candidate.ref} (candidate)`);
}

const service = await startService({ registryDir, port, host: values.host, canaryWeight });
console.log(
  `serving ${service.champion.ref} (champion) with ${service.candidate.ref} (candidate: canary ${canaryWeight}, shadow on the rest) at ${service.url}`,
);
console.log(`  POST ${service.url}/predict   GET ${service.url}/metrics   GET ${service.url}/report`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
