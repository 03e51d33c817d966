// Progressive validation (predict, then learn) for models trained online, with labels that arrive late:
// River's evaluate.progressive_val_score over stream.simulate_qa, for plain functions and async streams.
import { checkInteger, readOptions } from '../core/check.js';
import { describe, invalidArgument, isLockstepError } from '../core/errors.js';
import { dateValue, isDate } from '../core/frame.js';
import type { Metric } from '../core/metrics.js';
import type { Promisable } from '../core/types.js';

/** One item of the stream: features `x`, label `y`, and optionally its arrival time `t`. */
export interface LabelledExample<X, Y> {
  readonly x: X;
  readonly y: Y;
  /**
   * Arrival time (a number, or a Date read as epoch milliseconds), never decreasing along the stream;
   * give it on every item or on none. Default: the item's index.
   */
  readonly t?: number | Date;
}

export interface ProgressiveValidationOptions<X, Y, P> {
  /** The model's prediction for `x`, made when the item arrives; `undefined` abstains (no metric update). */
  predict(x: X): Promisable<P | undefined>;
  /** Updates the model with a revealed label. */
  learn(x: X, y: Y): Promisable<unknown>;
  /** Updated with (label, prediction) when each label is revealed. */
  readonly metric: Metric<Y, P>;
  /**
   * How long a label takes to arrive, in items (or in the units of `t`; milliseconds for Dates), or a
   * function of the item. An item's label is revealed before the first item arriving at or after
   * t + delay is predicted, and never before its own prediction, so 0 and 1 both mean "learn each
   * label right after predicting it", as in River. Default 0.
   */
  readonly delay?: number | ((x: X, y: Y) => number);
  /** Record the metric every `every` revealed labels. Default 0: only the final value. */
  readonly every?: number;
}

export interface ProgressiveValidationResult {
  /** The metric's final value (NaN when nothing was scored). */
  readonly value: number;
  /** Items predicted. */
  readonly items: number;
  /** Labels revealed and learned (every item's, by the end). */
  readonly steps: number;
  /** `{ step, value }` after every `every` labels, and after the last one. */
  readonly trace: readonly { readonly step: number; readonly value: number }[];
}

interface Pending<X, Y, P> {
  readonly x: X;
  readonly y: Y;
  readonly due: number;
  readonly prediction: P | undefined;
}

const FN = 'progressiveValidation';

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

function checkDelay(d: unknown, arg: string): number {
  if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) {
    throw invalidArgument(FN, arg, 'must be a finite number of at least 0', d);
  }
  return d;
}

/**
 * Progressive validation with delayed labels: every item is predicted when it arrives and learned when
 * its label arrives, `delay` later, so the score is the one the model would have had live. Items are
 * processed in arrival order; a revealed label first updates the metric with the prediction made at
 * arrival, then the model. Labels still pending when the stream ends are revealed in due order.
 * Synchronous models on a synchronous stream run without awaiting per item. O(1) per item plus O(log q)
 * to queue a label when delays vary (q labels pending).
 *
 * Reference: River's `evaluate.progressive_val_score` and `stream.simulate_qa` (same ordering);
 * A. Blum, A. Kalai, J. Langford, "Beating the hold-out: bounds for k-fold and progressive
 * cross-validation", COLT 1999; M. Grzenda, H. M. Gomes, A. Bifet, "Delayed labelling evaluation for
 * data streams", Data Mining and Knowledge Discovery 34, 2020.
 * @example await progressiveValidation(stream, { predict: (x) => model.predict(x), learn: (x, y) => model.learn(x, y), metric: accuracy(), delay: 100 }) // => { value, items, steps, trace }
 * @throws LockstepError `INVALID_ARGUMENT` for a stream that is not iterable, an item without `x` and
 *   `y` or with a bad `t`, an unknown option key (naming the closest), or a bad `delay`, `every`,
 *   `predict`, `learn` or `metric`. Errors thrown by `predict`, `learn` or the stream itself pass through.
 */
export async function progressiveValidation<X, Y, P>(
  stream: Iterable<LabelledExample<X, Y>> | AsyncIterable<LabelledExample<X, Y>>,
  options: ProgressiveValidationOptions<X, Y, P>,
): Promise<ProgressiveValidationResult> {
  const o = readOptions(FN, options, KEYS);
  const predict = o.predict as ProgressiveValidationOptions<X, Y, P>['predict'];
  const learn = o.learn as ProgressiveValidationOptions<X, Y, P>['learn'];
  if (typeof predict !== 'function')
    throw invalidArgument(FN, 'options.predict', 'must be a function', predict);
  if (typeof learn !== 'function') throw invalidArgument(FN, 'options.learn', 'must be a function', learn);
  const metric = checkMetric(o.metric) as Metric<Y, P>;
  const delay = (o.delay ?? 0) as number | ((x: X, y: Y) => number);
  if (typeof delay !== 'function') checkDelay(delay, 'options.delay');
  const every = o.every === undefined ? 0 : checkInteger(FN, 'options.every', o.every, 0);
  const iterator = iteratorOf<LabelledExample<X, Y>>(stream);

  // Labels waiting to be revealed, by due time (ties in arrival order); `head` is the next one.
  let queue: Pending<X, Y, P>[] = [];
  let head = 0;
  const trace: { step: number; value: number }[] = [];
  let items = 0;
  let steps = 0;
  let timed: boolean | undefined;
  let lastMoment = Number.NEGATIVE_INFINITY;

  // Revealing a label: score the prediction made at arrival, then learn (await only a promise), then count.
  const score = (p: Pending<X, Y, P>): unknown => {
    if (p.prediction !== undefined) metric.update(p.y, p.prediction);
    return learn(p.x, p.y);
  };
  const counted = (): void => {
    steps++;
    if (every > 0 && steps % every === 0) trace.push({ step: steps, value: metric.value() });
  };

  let done = false;
  try {
    for (;;) {
      let next = iterator.next();
      if (isThenable(next)) next = await next;
      const r = next as IteratorResult<LabelledExample<X, Y>>;
      if (r.done) {
        done = true;
        break;
      }
      const item = readItem<X, Y>(r.value, items);
      const hasT = item.t !== undefined;
      if (timed === undefined) timed = hasT;
      else if (timed !== hasT) {
        throw invalidArgument(
          FN,
          `stream[${items}].t`,
          timed ? 'must be given (the first item had a t)' : 'must be left out (the first item had none)',
          item.t,
        );
      }
      const moment = hasT ? momentOf(item.t, items) : items;
      if (moment < lastMoment) {
        throw invalidArgument(
          FN,
          `stream[${items}].t`,
          `must not go back in time (the previous item's was ${describe(lastMoment)})`,
          item.t,
        );
      }
      lastMoment = moment;

      // Reveal every label due by now, then predict the new item.
      while (head < queue.length && queue[head]!.due <= moment) {
        const learned = score(queue[head++]!);
        if (isThenable(learned)) await learned;
        counted();
      }
      const predicted = predict(item.x);
      const prediction = (isThenable(predicted) ? await predicted : predicted) as P | undefined;
      const d =
        typeof delay === 'function'
          ? checkDelay(delay(item.x, item.y), `options.delay(stream[${items}])`)
          : delay;
      const pending: Pending<X, Y, P> = { x: item.x, y: item.y, due: moment + d, prediction };
      // Insert after every label due no later (O(1) when delays are constant).
      let at = queue.length;
      if (at > head && queue[at - 1]!.due > pending.due) {
        let lo = head;
        let hi = at;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (queue[mid]!.due <= pending.due) lo = mid + 1;
          else hi = mid;
        }
        at = lo;
        queue.splice(at, 0, pending);
      } else queue.push(pending);
      items++;
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
    }
  } finally {
    if (!done && typeof iterator.return === 'function') {
      const closed = iterator.return();
      if (isThenable(closed)) await closed;
    }
  }
  while (head < queue.length) {
    const learned = score(queue[head++]!);
    if (isThenable(learned)) await learned;
    counted();
  }
  const value = metric.value();
  if (steps > 0 && trace[trace.length - 1]?.step !== steps) trace.push({ step: steps, value });
  return { value, items, steps, trace };
}

const KEYS = ['predict', 'learn', 'metric', 'delay', 'every'] as const;

/** A metric: an object with `update` and `value` methods (read once; a throwing getter is refused). */
function checkMetric(metric: unknown): unknown {
  let ok = false;
  try {
    ok =
      typeof metric === 'object' &&
      metric !== null &&
      typeof (metric as Partial<Metric<unknown, unknown>>).update === 'function' &&
      typeof (metric as Partial<Metric<unknown, unknown>>).value === 'function';
  } catch {
    ok = false;
  }
  if (!ok) throw invalidArgument(FN, 'options.metric', 'must be a metric (accuracy(), mae(), …)', metric);
  return metric;
}

/** The stream's iterator: an async iterable's, else an iterable's (a Proxy or throwing getter is refused). */
function iteratorOf<T>(stream: unknown): Iterator<T> | AsyncIterator<T> {
  const must = 'must be an iterable or an async iterable of { x, y } items';
  if (stream === null || typeof stream !== 'object') throw invalidArgument(FN, 'stream', must, stream);
  let iterator: unknown;
  try {
    const s = stream as Partial<AsyncIterable<T> & Iterable<T>>;
    const make = (
      typeof s[Symbol.asyncIterator] === 'function' ? s[Symbol.asyncIterator] : s[Symbol.iterator]
    ) as ((this: unknown) => unknown) | undefined;
    if (typeof make !== 'function') throw invalidArgument(FN, 'stream', must, stream);
    iterator = make.call(stream);
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(FN, 'stream', 'must be readable (a getter or Proxy threw)');
  }
  if (
    typeof iterator !== 'object' ||
    iterator === null ||
    typeof (iterator as Iterator<T>).next !== 'function'
  )
    throw invalidArgument(FN, 'stream', `${must} (its iterator has no next method)`, stream);
  return iterator as Iterator<T> | AsyncIterator<T>;
}

/** One item of the stream, its x, y and t read once (a Proxy or throwing getter is refused). */
function readItem<X, Y>(item: unknown, index: number): LabelledExample<X, Y> {
  const arg = `stream[${index}]`;
  if (typeof item !== 'object' || item === null)
    throw invalidArgument(FN, arg, 'must be an object with x and y', item);
  try {
    if (!('x' in item) || !('y' in item))
      throw invalidArgument(FN, arg, 'must be an object with x and y', item);
    const { x, y, t } = item as LabelledExample<X, Y>;
    return t === undefined ? { x, y } : { x, y, t };
  } catch (error) {
    if (isLockstepError(error)) throw error;
    throw invalidArgument(FN, arg, 'must be readable (a getter or Proxy threw)');
  }
}

function momentOf(t: unknown, index: number): number {
  // A Date's time value read from its internal slot (a Proxy or an overridden getTime is not trusted).
  const v = isDate(t) ? dateValue(t) : t;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw invalidArgument(FN, `stream[${index}].t`, 'must be a finite number or a valid Date', t);
  }
  return v;
}
