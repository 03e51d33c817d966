// Online training: flights-20k in date order as a stream. A static model trained on the first three weeks
// against the dynamic one (createOnlineTrainer over a copy of it), week by week; prints the table and the
// trainer's events, and writes the timeline as an HTML report.
//
//   npx tsx examples/online-training/main.ts [--poison flip|broken-feature] [--weeks 10] [--seed 2001]
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderReport } from 'lockstep/report';
import { type Poison, runOnlineTraining } from './run.js';

const { values: args } = parseArgs({
  options: {
    poison: { type: 'string' },
    weeks: { type: 'string' },
    seed: { type: 'string', default: '2001' },
  },
});
if (args.poison !== undefined && args.poison !== 'flip' && args.poison !== 'broken-feature')
  throw new Error('usage: main.ts [--poison flip|broken-feature] [--weeks N] [--seed N]');
const result = await runOnlineTraining({
  seed: Number(args.seed),
  poison: args.poison as Poison | undefined,
  ...(args.weeks === undefined ? {} : { weeks: Number(args.weeks) }),
});

console.log('week  from        static   dynamic  Δ (static − dynamic)  n');
for (const w of result.weekly)
  console.log(
    `${String(w.week).padStart(4)}  ${w.from}  ${w.static.toFixed(4)}   ${w.dynamic.toFixed(4)}   ${(w.static - w.dynamic).toFixed(4).padStart(8)}             ${w.n}`,
  );
console.log('\nevents (stream index, week):');
for (const { type, index, week, event } of result.events) {
  const what =
    event.type === 'checkpoint'
      ? `${event.checkpoint.ref} ${event.checkpoint.promoted ? 'promoted' : `not promoted (${event.checkpoint.gate === null ? event.checkpoint.note?.split(':')[0] : 'gate failed'})`}` +
        (event.checkpoint.candidate === null
          ? ''
          : `, holdout log loss ${event.checkpoint.candidate.logLoss.toFixed(4)} vs champion ${event.checkpoint.baseline!.logLoss.toFixed(4)}`)
      : event.type === 'rollback'
        ? `to ${event.rollback.restored ?? result.staticRef}: ${event.rollback.reason}`
        : event.type === 'pause'
          ? event.reasons.map((r) => r.message).join('; ')
          : event.type === 'quarantine'
            ? `${event.entry.reason}: ${event.entry.message}`
            : '';
  console.log(`  ${String(index).padStart(5)}  ${week.toFixed(2).padStart(5)}  ${type.padEnd(10)} ${what}`);
}
console.log(`\ncounts: ${JSON.stringify(result.counts)}`);
mkdirSync('reports', { recursive: true });
const file = resolve('reports', 'online-training.html');
writeFileSync(file, renderReport(result.timeline));
console.log(`report: ${file}`);
