// The browser side: a page that scores flights with the registry's champion, entirely client-side.
// Bundled by ./build.ts with esbuild (format iife) into page.js.
//
// At load it fetches artifacts/manifest.json (written by the build from the registry's version record),
// then the three artifacts it names, checks each one's SHA-256 against the registry's (the check the
// registry itself makes on every read), and builds the scorer: lockstep/transform's `apply` on the
// transform artifact, and the tfjs model from its model.json and weights.bin on tfjs's pure-JS CPU backend
// (no .wasm files to serve). Then it scores the sample flights and a form's request, one `apply` and one
// forward pass each.
//
// For tests and for scripts, `window.flightsScorer` (a promise) resolves to `{ ref, score(rows) }`, where
// `score` returns the features and the scores as float32 bit patterns, so nothing is lost on the way out.
import * as tf from '@tensorflow/tfjs';
import { apply, parseTransform, type TransformArtifact } from 'lockstep/transform';

/** A request as the page takes it: `date` an ISO 8601 date-time (UTC) or epoch milliseconds. */
export interface FlightRequest {
  readonly date: string | number;
  readonly distance: number;
  readonly origin: string;
  readonly destination: string;
}

export interface Manifest {
  /** The version exported (`flights-delay/1`) and the ref it was resolved from (`flights-delay@champion`). */
  readonly ref: string;
  readonly resolvedFrom: string;
  /** Artifact name → its file beside the manifest and the registry's SHA-256 and size. */
  readonly artifacts: Readonly<Record<string, { file: string; sha256: string; size: number }>>;
  /** Sample flights the page scores on load. */
  readonly flights: string;
}

export interface ScoredBits {
  /** Row-major features, as Uint32 bit patterns of the float32 values `apply` produced. */
  readonly features: number[];
  readonly columns: number;
  /** One score a row, as Uint32 bit patterns of float32. */
  readonly scores: number[];
}

export interface FlightsScorer {
  readonly ref: string;
  readonly backend: string;
  readonly score: (rows: readonly FlightRequest[]) => ScoredBits;
}

declare global {
  interface Window {
    flightsScorer: Promise<FlightsScorer>;
  }
}

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

async function fetchChecked(manifest: Manifest, name: string, base: URL): Promise<ArrayBuffer> {
  const entry = manifest.artifacts[name];
  if (!entry) throw new Error(`the manifest names no artifact '${name}'`);
  const response = await fetch(new URL(entry.file, base));
  if (!response.ok) throw new Error(`${entry.file}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
  if (sha256 !== entry.sha256)
    throw new Error(`${entry.file}: SHA-256 ${sha256}, but the registry recorded ${entry.sha256}`);
  return bytes;
}

/** A row as the transform reads it: the date as a Date, as in training. */
const toRow = (r: FlightRequest) => ({
  date: new Date(r.date),
  distance: r.distance,
  origin: r.origin,
  destination: r.destination,
});

function createScorer(transform: TransformArtifact, model: tf.LayersModel) {
  const width = transform.columns.length;
  return (rows: readonly FlightRequest[]): { features: Float32Array; scores: Float32Array } => {
    const features = new Float32Array(rows.length * width);
    const one = new Float32Array(width);
    rows.forEach((r, i) => {
      features.set(apply(transform, toRow(r), { into: one }), i * width);
    });
    const scores = tf.tidy(
      () =>
        (model.predict(tf.tensor2d(features, [rows.length, width])) as tf.Tensor).dataSync() as Float32Array,
    );
    return { features, scores };
  };
}

async function start(): Promise<FlightsScorer> {
  const base = new URL('artifacts/', document.baseURI);
  const manifest = (await (await fetch(new URL('manifest.json', base))).json()) as Manifest;
  const decoder = new TextDecoder();
  const [modelJson, weights, transformBytes] = await Promise.all([
    fetchChecked(manifest, 'model.json', base),
    fetchChecked(manifest, 'weights.bin', base),
    fetchChecked(manifest, 'transform', base),
  ]);
  const transform = parseTransform(decoder.decode(transformBytes));
  await tf.setBackend('cpu');
  await tf.ready();
  const json = JSON.parse(decoder.decode(modelJson)) as tf.io.ModelJSON;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights,
    }),
  );
  const score = createScorer(transform, model);
  render(manifest, transform, score);
  return {
    ref: manifest.ref,
    backend: tf.getBackend(),
    score: (rows) => {
      const { features, scores } = score(rows);
      return {
        features: Array.from(new Uint32Array(features.buffer)),
        columns: transform.columns.length,
        scores: Array.from(new Uint32Array(scores.buffer)),
      };
    },
  };
}

/** The sample flights with their scores, and a form for one more. */
async function render(
  manifest: Manifest,
  transform: TransformArtifact,
  score: ReturnType<typeof createScorer>,
) {
  const status = document.getElementById('status')!;
  status.textContent = `${manifest.ref} (${manifest.resolvedFrom}), transform ${transform.fingerprint.slice(0, 12)}…, ${transform.columns.length} features, tfjs ${tf.getBackend()} backend`;
  const flights = (await (
    await fetch(new URL(manifest.flights, document.baseURI))
  ).json()) as FlightRequest[];
  const { scores } = score(flights);
  const body = document.querySelector('#flights tbody')!;
  flights.forEach((f, i) => {
    const tr = document.createElement('tr');
    for (const text of [
      new Date(f.date).toISOString().slice(0, 16).replace('T', ' '),
      f.origin,
      f.destination,
      String(f.distance),
      `${(100 * scores[i]!).toFixed(1)} %`,
    ]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  });
  const form = document.getElementById('request') as HTMLFormElement;
  const answer = document.getElementById('answer')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const request: FlightRequest = {
      date: `${String(data.get('date'))}:00Z`,
      distance: Number(data.get('distance')),
      origin: String(data.get('origin')).toUpperCase(),
      destination: String(data.get('destination')).toUpperCase(),
    };
    const p = score([request]).scores[0]!;
    answer.textContent = `P(delay > 15 min) = ${(100 * p).toFixed(1)} %`;
  });
}

window.flightsScorer = start();
window.flightsScorer.catch((error: unknown) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  console.error(error);
});
