// Where the vega-datasets files live. The package exports only its JS entry, so find the data folder
// beside it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function vegaDataPath(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data', file);
}
