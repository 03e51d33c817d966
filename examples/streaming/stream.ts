// Scoring an async stream of events one by one: each event's input goes through the fitted transform
// (`apply`, the same bits as training's `applyBatch`) and the model; the request is observed by a
// lockstep/monitor monitor (rolling windows, drift against the training profile, alert rules); an online
// drift detector from lockstep/drift watches the predictions or, when the outcome is known, the absolute
// error; and the scored event is yielded.
//
// The source is any AsyncIterable: an async generator over a file, a WebSocket, a Kafka consumer adapted
// into one (README.md shows kafkajs's `consumer.run({ eachMessage })`). Backpressure comes with async
// iteration: `scoreStream` asks the source for the next event only when its own consumer asks for the next
// result, so a slow consumer slows the source down instead of piling events up in memory, and no event is
// dropped.
//
// Alerts, with the index of the event that raised them (0-based position in the stream):
// - the detector's: when `detector.update(x)` returns `drift: true`;
// - the monitor's: a monitor judges its alert rules when a window closes, which happens inside
//   `observe` (count windows, or time windows whose end the clock has passed). `scoreStream` notices the
//   close (the newest of `monitor.windows()` changed), reads the rules' states once from `snapshot()`, and
//   reports each rule that started or stopped firing. The monitor's own `onAlert` is called as well; this
//   one adds the event index and key.
import type { DriftDetector } from 'lockstep/drift';
import type { AlertState, Monitor } from 'lockstep/monitor';
import { apply, type TransformArtifact } from 'lockstep/transform';

/** One event of the stream: a request to score, and its outcome when that arrives with it. */
export interface StreamEvent<Input extends object = Record<string, unknown>> {
  /** Unique per event (a Kafka message's key, or `topic/partition/offset`): labels join by it. */
  readonly key: string;
  /** The raw request, as the transform reads it. */
  readonly input: Input;
  /**
   * The outcome, when the event carries it (a replayed log, or a label topic joined upstream). Given to
   * `monitor.label(key, label)` right after the prediction is observed. Outcomes that arrive later go to
   * `monitor.label` directly; they then feed the monitor's performance metrics but not the detector.
   */
  readonly label?: number | boolean;
}

/** What `scoreStream` yields for each event, in the source's order. */
export interface ScoredEvent<Input extends object = Record<string, unknown>> {
  /** Position in the stream, from 0. */
  readonly index: number;
  readonly key: string;
  readonly input: Input;
  /** The model's output (a probability for the flights model), or null when the model threw. */
  readonly prediction: number | null;
  /** Transform and model, in milliseconds (as observed by the monitor). */
  readonly latencyMs: number;
  /** The detector reported a change at this event. */
  readonly drift: boolean;
}

/** An alert raised while scoring, with the event that raised it. */
export type StreamAlert =
  | {
      readonly source: 'detector';
      readonly index: number;
      readonly key: string;
      /** The value that completed the change (a prediction, or an absolute error). */
      readonly value: number;
      /** What the detector watches. */
      readonly watch: 'prediction' | 'error';
      /** Changes the detector has reported so far, this one included. */
      readonly detections: number;
    }
  | {
      readonly source: 'monitor';
      readonly index: number;
      readonly key: string;
      readonly rule: string;
      readonly metric: string;
      /** `firing` when the rule started firing, `resolved` when it stopped. */
      readonly state: 'firing' | 'resolved';
      /** The metric's value in the window that closed. */
      readonly value: number | null;
      /** Index of the monitor window whose close caused it. */
      readonly window: number;
    };

export interface ScoreStreamOptions<Input extends object> {
  /** The model as a function of the transform's output (and the raw input, if it wants it). */
  readonly model: (features: Float32Array, input: Input) => number | Promise<number>;
  /** The fitted transform the model was trained with. */
  readonly transform: TransformArtifact;
  /** A monitor made with the training profile as its baseline (and `labels` on, if events carry labels). */
  readonly monitor: Monitor;
  /** An online detector: `createAdwin()`, `createPageHinkley({ … })`, … (lockstep/drift). */
  readonly detector: DriftDetector<unknown>;
  /**
   * What the detector is fed: `'prediction'` (every event; a change in the inputs that moves the model's
   * answers) or `'error'` (|prediction − label| of events that carry a label: concept drift, the model
   * getting worse). Default `'prediction'`.
   */
  readonly watch?: 'prediction' | 'error';
  /** Called with each detector drift and each monitor rule that starts or stops firing. */
  readonly onAlert?: (alert: StreamAlert) => void;
  /** The clock for latencies, in ms. Default `performance.now`. */
  readonly clock?: () => number;
}

/**
 * Scores `source` event by event and yields each result as soon as it is ready. Pull-based: one event is
 * read from the source for each result the consumer asks for, so memory stays at one event whatever the
 * two sides' speeds. A model that throws (or returns a non-number) is observed as a failed request with a
 * null prediction; the stream goes on. Errors from the source end the stream and reach the consumer.
 *
 * @example
 * for await (const r of scoreStream(events, { model, transform, monitor, detector: createAdwin() })) {
 *   if (r.drift) console.log(`change detected at event ${r.index}`);
 * }
 */
export async function* scoreStream<Input extends object>(
  source: AsyncIterable<StreamEvent<Input>>,
  options: ScoreStreamOptions<Input>,
): AsyncGenerator<ScoredEvent<Input>, void, undefined> {
  const { model, transform, monitor, detector, onAlert, watch = 'prediction' } = options;
  const clock = options.clock ?? (() => performance.now());
  // One features buffer for the whole stream: `apply(…, { into })` allocates nothing.
  const into = new Float32Array(transform.columns.length);
  const states = new Map<string, AlertState>();
  let lastWindow = monitor.windows().at(-1)?.index ?? -1;
  let index = 0;
  for await (const event of source) {
    const start = clock();
    const explained = apply(transform, event.input, { into, explain: true });
    let prediction: number | null = null;
    let error: unknown;
    try {
      const p = await model(explained.values, event.input);
      if (typeof p === 'number') prediction = p;
      else error = new TypeError(`the model returned ${typeof p}, not a number`);
    } catch (e) {
      error = e ?? new Error('the model threw');
    }
    const latencyMs = Math.max(0, clock() - start);
    monitor.observe({
      key: event.key,
      input: event.input,
      features: explained,
      prediction,
      latencyMs,
      error,
    });
    if (event.label !== undefined) monitor.label(event.key, event.label);

    let value: number | undefined;
    if (prediction !== null)
      if (watch === 'prediction') value = prediction;
      else if (event.label !== undefined) value = Math.abs(prediction - Number(event.label));
    const drift = value !== undefined && detector.update(value).drift;
    if (drift)
      onAlert?.({
        source: 'detector',
        index,
        key: event.key,
        value: value!,
        watch,
        detections: detector.nDetections,
      });

    // A window closed inside observe or label: the monitor has judged its rules; report what changed.
    const closed = monitor.windows().at(-1)?.index ?? -1;
    if (closed !== lastWindow) {
      lastWindow = closed;
      for (const rule of monitor.snapshot().alerts) {
        const before = states.get(rule.rule) ?? 'inactive';
        states.set(rule.rule, rule.state);
        const started = rule.state === 'firing' && before !== 'firing';
        const stopped = before === 'firing' && rule.state !== 'firing';
        if (started || stopped)
          onAlert?.({
            source: 'monitor',
            index,
            key: event.key,
            rule: rule.rule,
            metric: rule.metric,
            state: started ? 'firing' : 'resolved',
            value: rule.value,
            window: closed,
          });
      }
    }
    // The buffer is reused by the next event: the consumer gets the input and the answer, not the features.
    yield { index, key: event.key, input: event.input, prediction, latencyMs, drift };
    index++;
  }
}
