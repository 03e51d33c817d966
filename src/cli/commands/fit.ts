// `lockstep fit <spec.json> <data>`: a fitted transform artifact (lockstep/transform createFitter), reading
// the data once per fitting stage, batch by batch.
//
// The JSON spec is the library's TransformSpec written as JSON, since steps are plain data: output feature
// names to a step, a list of steps, or `{ "input": "column", "steps": [...] }`; a step is
// `{ "type": "standardize" }`, `{ "type": "vocabulary", "topK": 60 }`, … (what the step constructors
// return; `specOf(artifact)` gives it back). `tokenize` needs a key object and is not available here.
import { createFitter } from '../../transform/index.js';
import {
  CliError,
  type CommandSpec,
  EXIT,
  formatTable,
  parseCommand,
  printHelp,
  readJsonFile,
  runCommand,
  stringFlag,
  writeText,
} from '../common.js';
import type { CliIO } from '../main.js';
import { forEachBatch, READ_OPTIONS, readOptionsOf, toJson } from './data.js';

export const FIT: CommandSpec = {
  name: 'fit',
  usage: '<spec.json> <data> [-o transform.json] [options]',
  description:
    'Fits a transform spec (JSON: { "feature": [{ "type": "standardize" }, …] }) on a data file with\n' +
    'lockstep/transform, in streaming batches (one pass a fitting stage), and writes the transform artifact\n' +
    'to --out or stdout.',
  options: {
    out: { type: 'string', short: 'o', description: 'write the transform artifact here (default: stdout)' },
    ...READ_OPTIONS,
  },
  examples: ['lockstep fit spec.json train.csv -o transform.json'],
  positionals: { min: 2, max: 2, names: '<spec.json> <data>' },
};

export function fitCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runCommand('fit', io, argv, async () => {
    const parsed = parseCommand(FIT, argv);
    if (parsed.help) return printHelp(io, FIT);
    const [specFile, dataFile] = parsed.positionals as [string, string];
    const spec = readJsonFile(io, specFile, 'spec');
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
      throw new CliError(`spec ${specFile} must be a JSON object of feature names to steps`);
    const read = readOptionsOf(parsed);
    let fitter = createFitter(spec as never);
    for (;;) {
      await forEachBatch(
        io,
        dataFile,
        read,
        `fitting stage ${fitter.stage + 1}/${fitter.stages}`,
        (batch) => {
          fitter.update(batch as never);
        },
      );
      if (fitter.stage + 1 >= fitter.stages) break;
      fitter = fitter.nextStage();
    }
    const artifact = fitter.result();
    const out = stringFlag(parsed, 'out');
    const table = `${formatTable(
      ['feature', 'inputs', 'steps', 'width'],
      artifact.features.map((f) => [
        f.name,
        f.inputs.join(', '),
        f.steps.map((s) => s.type).join(' → '),
        String(f.width),
      ]),
    )}\n`;
    if (out !== undefined && out !== '-') writeText(io, out, toJson(artifact));
    if (parsed.json || out === undefined || out === '-') {
      io.stdout.write(toJson(artifact));
      if (!parsed.json) io.stderr.write(table);
    } else io.stdout.write(table);
    return EXIT.OK;
  });
}
