// The README's example, kept here so the type checker and `npm run example:readme` keep it true.
import { assignSplit, createRng, fingerprintData, sampleByKey, splitFrame } from 'lockstep/split';

// Training: a split that replays exactly, and a record of the data the model saw.
const rows = Array.from({ length: 1000 }, (_, i) => ({
  user: `u${i % 250}`,
  clicks: i % 7,
  churned: i % 5 === 0,
}));
const { train, test } = splitFrame(rows, {
  key: 'user',
  splits: { train: 0.9, test: 0.1 },
  salt: 'churn-v1',
});
const lineage = { trainedOn: fingerprintData(train), testedOn: fingerprintData(test) };
const batchOrder = createRng('churn-v1/run-1').shuffle([...Array(train.length).keys()]);

// Serving: the same user always sees the same arm, and 5% of users are logged for monitoring.
function handle(request: { user: string }) {
  const arm = assignSplit(request.user, { control: 0.5, candidate: 0.5 }, { salt: 'ab-2026-11' });
  const logged = sampleByKey(request.user, 0.05, { salt: 'serving-log' });
  return { arm, logged };
}
console.log(
  train.length,
  test.length,
  lineage.trainedOn.slice(0, 12),
  batchOrder.slice(0, 3),
  handle({ user: 'u7' }),
);
