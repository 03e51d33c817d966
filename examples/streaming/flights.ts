// A real event stream for the streaming example: flights of vega-datasets' flights-3m (US, 2001) as an
// async generator of events, one flight each, decoded from the Parquet file batch by batch
// (examples/flights-3m.ts), with faults injected part way through.
//
// The model was trained on January and February (flights-20k); the stream starts at a later date (by
// default 1 March 2001) and reads forward. Each event's label is the flight's outcome (late: delay over
// 15 minutes), as a replayed log of finished flights has it.
//
// The injected faults, each from its own event index on (both half way by default):
// - `'distance-km'`: an upstream service starts sending distances in kilometres instead of miles (a unit
//   bug: every distance × 1.609344). The inputs drift; the model's answers move with them.
// - `'delays'`: a storm: every flight's delay grows by `delayShift` minutes (default 45). The inputs do not
//   change, the outcomes do: concept drift, visible in the model's error once labels arrive.
import { createRng } from 'lockstep/split';
import { streamFlights3mBatches } from '../flights-3m.js';
import { LATE_MINUTES } from '../shared/flights-model.js';
import type { StreamEvent } from './stream.js';

/** A flight as a request: what the transform reads (`delay` is the outcome, not an input). */
export interface FlightInput {
  readonly date: Date;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

export type FlightFault = 'distance-km' | 'delays';

export interface FlightEventsOptions {
  /** Events in all. Default 40,000. */
  readonly limit?: number;
  /** First flight's date: earlier flights are decoded and skipped. Default 2001-03-01 (UTC). */
  readonly from?: string;
  /**
   * Each fault and the index of the first event it touches. Default: both half way,
   * `{ 'distance-km': limit / 2, delays: limit / 2 }`; `{}` for a clean stream.
   */
  readonly faults?: Partial<Record<FlightFault, number>>;
  /** Minutes added to every delay with the `'delays'` fault. Default 45. */
  readonly delayShift?: number;
  /**
   * `'shuffled'` (default): the first `pool` flights from `from` on, in a seeded random order, so the
   * stream is stationary until the fault. `'date'`: the file's order, where the flights drift on their
   * own (the late rate has a daily cycle, and weather changes from day to day).
   */
  readonly order?: 'shuffled' | 'date';
  /** Flights read and shuffled (`'shuffled'` order). Default max(limit, 100,000): about 11 days of March. */
  readonly pool?: number;
  /** Seed of the shuffle. Default 'streaming'. */
  readonly seed?: string;
}

const MILES_TO_KM = 1.609344;

/**
 * Yields flights of flights-3m from `from` on as `{ key, input, label }` events, with the faults injected
 * from their indices on. Keys are the flight's row number in the file (`flight-<row>`). Deterministic:
 * the same options give the same events.
 */
export async function* flightEvents(
  options: FlightEventsOptions = {},
): AsyncGenerator<StreamEvent<FlightInput>> {
  const { limit = 40_000, from = '2001-03-01', delayShift = 45 } = options;
  const { order = 'shuffled', seed = 'streaming', pool = Math.max(limit, 100_000) } = options;
  const half = Math.floor(limit / 2);
  const faults = options.faults ?? { 'distance-km': half, delays: half };
  const kmAt = faults['distance-km'] ?? Number.POSITIVE_INFINITY;
  const delaysAt = faults.delays ?? Number.POSITIVE_INFINITY;
  const flights =
    order === 'date' ? readFlights(from, limit) : shuffled(readFlights(from, pool), seed, limit);
  let index = 0;
  for await (const flight of flights) {
    const minutes = flight.delay + (index >= delaysAt ? delayShift : 0);
    yield {
      key: `flight-${flight.row}`,
      input: {
        date: flight.date,
        distance: index >= kmAt ? flight.distance * MILES_TO_KM : flight.distance,
        origin: flight.origin,
        destination: flight.destination,
      },
      label: minutes > LATE_MINUTES ? 1 : 0,
    };
    if (++index >= limit) return;
  }
}

interface FlightRow extends FlightInput {
  /** Position in flights-3m. */
  readonly row: number;
  readonly delay: number;
}

/** Flights from `from` on, in the file's (date) order, decoded batch by batch. */
async function* readFlights(from: string, limit: number): AsyncGenerator<FlightRow> {
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  let row = 0;
  let count = 0;
  for await (const batch of streamFlights3mBatches({ batchSize: 16_384 })) {
    const date = batch.getChild('date')!;
    // The file is in date order: skip a batch that ends before `from` without reading its rows.
    if (Number(date.get(batch.numRows - 1)) < fromMs) {
      row += batch.numRows;
      continue;
    }
    const delay = batch.getChild('delay')!;
    const distance = batch.getChild('distance')!;
    const origin = batch.getChild('origin')!;
    const destination = batch.getChild('destination')!;
    for (let i = 0; i < batch.numRows; i++, row++) {
      const when = Number(date.get(i));
      if (when < fromMs) continue;
      if (count++ >= limit) return;
      yield {
        row,
        date: new Date(when),
        delay: Number(delay.get(i)),
        distance: Number(distance.get(i)),
        origin: String(origin.get(i)),
        destination: String(destination.get(i)),
      };
    }
  }
}

/** The first `limit` of a seeded shuffle of `flights` (lockstep/split's createRng: the same order every run). */
async function* shuffled(
  flights: AsyncIterable<FlightRow>,
  seed: string,
  limit: number,
): AsyncGenerator<FlightRow> {
  const all: FlightRow[] = [];
  for await (const flight of flights) all.push(flight);
  yield* createRng(seed).shuffle(all).slice(0, limit);
}
