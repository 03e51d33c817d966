// vega-datasets' flights-20k (20,000 US flights of 2001), read once for the monitor tests: the inputs a
// flight-delay model would be served (delay, distance, origin, destination), by month.
import { readFileSync } from 'node:fs';
import { vegaDataPath } from '../../examples/data.js';

export interface FlightInput {
  readonly delay: number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

let cache: { month: string; input: FlightInput }[] | undefined;

function all(): { month: string; input: FlightInput }[] {
  cache ??= (
    JSON.parse(readFileSync(vegaDataPath('flights-20k.json'), 'utf8')) as (FlightInput & { date: string })[]
  ).map(({ date, delay, distance, origin, destination }) => ({
    month: date.slice(0, 7),
    input: { delay, distance, origin, destination },
  }));
  return cache;
}

/** The flights of one month, `'2001/01'` to `'2001/06'`, in file order. */
export function flightsOf(month: string): FlightInput[] {
  return all()
    .filter((f) => f.month === month)
    .map((f) => f.input);
}

/** Every flight, in file order. */
export function allFlights(): FlightInput[] {
  return all().map((f) => f.input);
}
