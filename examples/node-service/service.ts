// A model service on node:http: the flights delay model's champion and a candidate from a file-system
// registry, every request validated against the schema the model was trained under, transformed, routed
// through a canary with a shadow, and monitored; /metrics for Prometheus, /report for people.
//
// One request to POST /predict:
//   JSON body ──parse──► row {date, distance, origin, destination} + key
//     ──compileValidator(schema)──► 400 with every anomaly (code, feature, message), or on
//     ──canary(key)──► baseline: shadow(champion; candidate mirrored) │ candidate
//     ──apply(transform, row) → dense forward pass──► score
//     ──monitor.observe(input, features, prediction, latency, error)──► 200 { score, arm, model }
//
// Endpoints: POST /predict, GET /metrics (Prometheus text 0.0.4), GET /report (HTML), GET /healthz, and
// POST /registry/alias (moves an alias; only with an `authenticate` hook). Any other path is a 404, another
// method on a known path a 405 with `Allow`.
//
// Hardening (docs/security.md): a body over 64 KiB is a 413 before it is read (Content-Length) or as soon
// as it passes the limit; slow clients are cut off (headers in 5 s, the whole request in 10 s); a 400 or
// 500 never echoes what the client sent (JSON parse errors quote the body, so they are not passed on: the
// message names the problem and the position only; a bad key or body is described by its type and
// length); and the schema redacts values of features marked `pii` in its own messages.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AlertRule,
  createMonitor,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  type Monitor,
  PROMETHEUS_CONTENT_TYPE,
  type WindowOptions,
} from 'lockstep/monitor';
import type { ModelRegistry, ModelVersion } from 'lockstep/registry';
import { createFsRegistry } from 'lockstep/registry/fs';
import { renderReport } from 'lockstep/report';
import { type CanaryRouter, canary, type ShadowRouter, shadow } from 'lockstep/router';
import { type Anomaly, compileValidator, parseSchema } from 'lockstep/schema';
import { parseProfile } from 'lockstep/stats';
import { apply } from 'lockstep/transform';
import { FLIGHTS_MODEL } from '../shared/flights-model.js';
import { loadServedModel, type ServedModel } from './models.js';
import { CANDIDATE_ALIAS, type TrainingArtifacts, trainingArtifacts } from './setup.js';

export interface ServiceOptions {
  /** The file-system registry holding `flights-delay` (lockstep/registry/fs). */
  readonly registryDir: string;
  /** Default 0: a free port, read back from `url`. */
  readonly port?: number;
  /** Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Default `flights-delay@champion`. */
  readonly championRef?: string;
  /** Default `flights-delay@candidate`. */
  readonly candidateRef?: string;
  /** The candidate's share of keys in the canary, in [0, 1]. Default 0.1. */
  readonly canaryWeight?: number;
  /** The canary's salt: a new salt reshuffles which keys see the candidate. Default `flights-delay-canary`. */
  readonly salt?: string;
  /** The monitor's windows. Default one minute ({ ms: 60_000 }), closed by a timer every 5 s. */
  readonly window?: WindowOptions;
  /** The clock, epoch ms (the monitor's windows, model age, the report's time). Default Date.now. */
  readonly now?: () => number;
  /**
   * Who is asking, for the routes that change the registry: the actor's name (recorded in the registry's
   * history), or undefined for a request that is not authenticated (401). Without a hook those routes
   * answer 403: a service does not change its registry for anyone by default.
   */
  readonly authenticate?: (req: IncomingMessage) => string | undefined | Promise<string | undefined>;
}

/** A request's score as the caller sees it. */
export type Arm = 'baseline' | 'candidate';

export interface Service {
  /** `http://host:port`, the port the system chose when `port` was 0. */
  readonly url: string;
  readonly monitor: Monitor;
  /** The canary: `assign(key)` says which arm a key gets, `stats()` counts requests per arm. */
  readonly router: CanaryRouter<Row, number>;
  /** The shadow inside the canary's baseline arm: the candidate's answers compared with the champion's. */
  readonly shadow: ShadowRouter<Row, number>;
  readonly champion: ModelVersion;
  readonly candidate: ModelVersion;
  /** Stops accepting connections, ends open ones and the monitor's timer. */
  close(): Promise<void>;
}

type Row = Readonly<Record<string, unknown>>;

/** What a 400 lists: the schema's anomalies, or the service's own codes for what never reached it. */
export interface Problem {
  readonly code: string;
  readonly feature?: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_KEY_LENGTH = 256;
const ROUTES: Readonly<Record<string, string>> = {
  '/predict': 'POST',
  '/registry/alias': 'POST',
  '/metrics': 'GET',
  '/report': 'GET',
  '/healthz': 'GET',
};

/** Alert rules, as data; their states are in /metrics (`lockstep_alerts_firing`) and in /report. */
const ALERTS: readonly AlertRule[] = [
  { metric: 'errorRate', above: 0.01, severity: 'error' },
  { metric: 'schema.invalidRatio', above: 0.05, for: 2 },
  { metric: 'latency.p99', above: 50, clearBelow: 25 },
  { metric: 'drift.share', above: 0.5, for: 2 },
  { metric: 'unseen.origin', above: 0.02, for: 2 },
];

/**
 * Loads the models and starts listening. The champion's `schema` and `profile` artifacts (setup.ts) are
 * the request contract and the monitor's baseline; a registry without them gets them recomputed from the
 * training months.
 */
export async function startService(options: ServiceOptions): Promise<Service> {
  const {
    registryDir,
    port = 0,
    host = '127.0.0.1',
    championRef = `${FLIGHTS_MODEL}@champion`,
    candidateRef = `${FLIGHTS_MODEL}@${CANDIDATE_ALIAS}`,
    canaryWeight = 0.1,
    salt = 'flights-delay-canary',
    window = { ms: 60_000 },
    now = Date.now,
    authenticate,
  } = options;
  const registry = createFsRegistry({ dir: registryDir });
  const champion = await loadServedModel(registry, championRef);
  const candidate = await loadServedModel(registry, candidateRef);
  if (champion.version.ref === candidate.version.ref)
    throw new Error(`startService: ${championRef} and ${candidateRef} are both ${champion.version.ref}`);
  const { schema, profile } = await contractOf(registry, champion.version);
  const check = compileValidator(schema, { environment: 'serving' });

  // The arrangement: canary(baseline = shadow(champion, mirror: candidate), candidate).
  // - The canary's candidate share answers with the candidate: real users see it, and the monitor and the
  //   canary's counters judge it.
  // - The baseline share, most of the traffic, answers with the champion, and the shadow mirrors each of
  //   its requests to the candidate off the caller's path, so the two models are compared on the traffic
  //   the candidate does not serve yet (shadow.stats(): match rate, differences, the candidate's latency
  //   and errors). The other way round, shadow(canary(...)), would also mirror the candidate's own canary
  //   requests to itself: comparisons of a model with itself that only dilute the match rate.
  // Both are sticky per key (murmur3 of the key under each salt), so every replica agrees on the arm.
  const championModel = (row: Row) => champion.score(row);
  const candidateModel = (row: Row) => candidate.score(row);
  const mirror = shadow<Row, number>({
    primary: championModel,
    candidates: { candidate: candidateModel },
    compare: { tolerance: 0.05 },
    maxConcurrent: 64,
    timeoutMs: 1_000,
  });
  const router = canary<Row, number>({
    baseline: (row, context) => mirror.route(row, context),
    candidate: candidateModel,
    weight: canaryWeight,
    salt,
  });
  const served: Record<Arm, ServedModel> = { baseline: champion, candidate };

  const monitor = createMonitor({
    baseline: profile,
    schema,
    environment: 'serving',
    transform: champion.transform,
    window,
    alerts: [...ALERTS],
    model: { version: champion.version.ref, createdAt: champion.version.createdAt },
    now,
  });
  const counters = createCounters();
  let generated = 0;

  async function predict(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      tooLarge(res, '/predict');
      return;
    }
    const start = performance.now();
    const parsed = parseJson(body);
    if (parsed instanceof Error) {
      reject(res, [{ code: 'INVALID_JSON', severity: 'error', message: parsed.message }]);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const message = `the body must be a JSON object {date, distance, origin, destination, key?}, got ${shapeOf(parsed)}`;
      reject(res, [{ code: 'BAD_ROW', severity: 'error', message }]);
      return;
    }
    // The key picks the canary arm (sticky: the same key, the same arm); it is not a model input.
    const { key: given, ...row } = parsed as Record<string, unknown>;
    const keyProblem = checkKey(given);
    const report = check(row);
    const problems: Problem[] = report.anomalies.map(toProblem);
    if (keyProblem) problems.unshift(keyProblem);
    if (!report.ok || keyProblem) {
      // The monitor sees what clients send, rejected or not: schema.invalidRatio and
      // lockstep_schema_anomalies_total count it. No prediction was made (a null prediction), and a
      // client's mistake is not the service's error.
      observe({ input: row, prediction: null, latencyMs: performance.now() - start });
      reject(res, problems);
      return;
    }
    const key = typeof given === 'string' || typeof given === 'number' ? given : `request-${++generated}`;
    const arm = router.assign(key);
    const model = served[arm];
    let score: number;
    try {
      score = await router.route(row, { key });
    } catch (error) {
      observe({ key, input: row, prediction: null, latencyMs: performance.now() - start, error });
      counters.response('/predict', 500);
      // The error stays in the monitor (lockstep_errors_total); its text may quote the row, so the
      // caller gets the code only.
      reply(res, 500, { error: 'MODEL_ERROR', message: 'the model failed on this request' });
      return;
    }
    // What the answering arm's transform saw (missing inputs, unknown airports), for the monitor.
    const features = apply(model.transform, row, { explain: true });
    observe({
      key,
      input: row,
      features,
      prediction: score,
      latencyMs: performance.now() - start,
      modelVersion: model.version.ref,
    });
    counters.response('/predict', 200);
    reply(res, 200, { key, score, arm, model: model.version.ref, warnings: problems });
  }

  function reject(res: ServerResponse, problems: readonly Problem[]) {
    for (const p of problems) if (p.severity === 'error') counters.rejected(p.code);
    counters.response('/predict', 400);
    reply(res, 400, {
      error: 'INVALID_REQUEST',
      message: problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.message)
        .join('; '),
      anomalies: problems,
    });
  }

  /** A monitor that refuses an observation (or whose alert callback throws) never fails the request. */
  function observe(observation: Parameters<Monitor['observe']>[0]) {
    try {
      monitor.observe(observation);
    } catch {
      counters.monitorError();
    }
  }

  function tooLarge(res: ServerResponse, path: string) {
    counters.response(path, 413);
    reply(
      res,
      413,
      { error: 'PAYLOAD_TOO_LARGE', message: `the body must be at most ${MAX_BODY_BYTES} bytes` },
      { connection: 'close' },
    );
  }

  /**
   * POST /registry/alias { alias, version, reason? }: moves `flights-delay@alias` to `version` in the
   * registry, as the actor `authenticate` names (the registry's history records who, when and why). The
   * service keeps serving the models it loaded; a restart (or another replica) picks the move up.
   */
  async function moveAlias(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = '/registry/alias';
    if (authenticate === undefined) {
      counters.response(path, 403);
      reply(res, 403, {
        error: 'FORBIDDEN',
        message: 'registry changes are off: start the service with an authenticate hook',
      });
      return;
    }
    const actor = await authenticate(req);
    if (typeof actor !== 'string' || actor.length === 0) {
      counters.response(path, 401);
      reply(res, 401, {
        error: 'UNAUTHENTICATED',
        message: 'who is asking? (the authenticate hook said no one)',
      });
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      tooLarge(res, path);
      return;
    }
    const parsed = parseJson(body);
    const input = (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {}) as {
      alias?: unknown;
      version?: unknown;
      reason?: unknown;
    };
    const { alias, version, reason } = input;
    if (
      !(alias === 'champion' || alias === CANDIDATE_ALIAS) ||
      !(typeof version === 'number' && Number.isSafeInteger(version) && version > 0) ||
      !(reason === undefined || (typeof reason === 'string' && reason.length <= 1000))
    ) {
      counters.response(path, 400);
      reply(res, 400, {
        error: 'INVALID_REQUEST',
        message: `the body must be { alias: 'champion' | '${CANDIDATE_ALIAS}', version: a positive integer, reason?: text }`,
      });
      return;
    }
    try {
      const info = await registry.setAlias(FLIGHTS_MODEL, alias, version, {
        actor,
        reason: reason ?? `moved through ${path}`,
      });
      counters.response(path, 200);
      reply(res, 200, { model: FLIGHTS_MODEL, alias, version: info.aliases[alias], actor });
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      const status =
        code === 'NOT_FOUND' ? 404 : code === 'FORBIDDEN' ? 403 : code === 'CONFLICT' ? 409 : 500;
      counters.response(path, status);
      reply(res, status, {
        error: typeof code === 'string' ? code : 'INTERNAL',
        message:
          status === 404
            ? `${FLIGHTS_MODEL} has no version ${version}`
            : `the registry refused the move (${String(code)})`,
      });
    }
  }

  function metrics(res: ServerResponse) {
    const text = monitor.metricsText() + serviceMetrics(router, mirror, counters);
    counters.response('/metrics', 200);
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(text);
  }

  function report(res: ServerResponse) {
    const c = router.stats();
    const s = mirror.stats().candidates.candidate!;
    // The report reads a monitor snapshot by shape, so an object of scalars added to it is shown as facts.
    const routing = {
      champion: champion.version.ref,
      candidate: candidate.version.ref,
      canaryWeight: c.weight,
      baselineRequests: c.requests.baseline,
      candidateRequests: c.requests.candidate,
      baselineErrors: c.errors.baseline,
      candidateErrors: c.errors.candidate,
      shadowMirrored: mirror.stats().mirrored,
      shadowCompared: s.compared,
      shadowMatchRate: s.compared > 0 ? s.matchRate : null,
      shadowMeanDifference: s.compared > 0 ? s.differences.mean : null,
    };
    const html = renderReport(
      { ...monitor.snapshot(), routing },
      {
        title: `flights-delay service: ${champion.version.ref}, canary ${candidate.version.ref}`,
        generatedAt: new Date(now()).toISOString(),
      },
    );
    counters.response('/report', 200);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
    });
    res.end(html);
  }

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://service').pathname;
    const method = ROUTES[path];
    if (method === undefined) {
      counters.response('other', 404);
      reply(res, 404, {
        error: 'NOT_FOUND',
        message: `no route ${path}; try ${Object.keys(ROUTES).join(', ')}`,
      });
      return;
    }
    if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
      counters.response(path, 405);
      reply(res, 405, { error: 'METHOD_NOT_ALLOWED', message: `${path} takes ${method}` }, { allow: method });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (req.method === 'POST' && Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      req.resume();
      tooLarge(res, path);
      return;
    }
    const handle = async () => {
      if (path === '/predict') await predict(req, res);
      else if (path === '/registry/alias') await moveAlias(req, res);
      else if (path === '/metrics') metrics(res);
      else if (path === '/report') report(res);
      else {
        counters.response(path, 200);
        reply(res, 200, {
          status: 'ok',
          champion: champion.version.ref,
          candidate: candidate.version.ref,
          canaryWeight: router.weight,
        });
      }
    };
    handle().catch((error: unknown) => {
      counters.response(path, 500);
      void error; // never echoed: it may quote the request
      if (!res.headersSent) reply(res, 500, { error: 'INTERNAL', message: 'internal error' });
      else res.destroy();
    });
  });
  // Slow clients (a slowloris) cannot hold a connection: headers within 5 s, the whole request in 10 s.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Time windows close when an observation finds the clock past their end; the timer closes them when no
  // request comes, so a quiet minute still ends its window and no request pays for a close.
  const timer = window.requests === undefined ? setInterval(tick, 5_000) : undefined;
  timer?.unref();
  function tick() {
    try {
      monitor.tick();
    } catch {
      counters.monitorError();
    }
  }
  const address = server.address() as AddressInfo;
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostText}:${address.port}`,
    monitor,
    router,
    shadow: mirror,
    champion: champion.version,
    candidate: candidate.version,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (timer) clearInterval(timer);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The champion's schema and training profile from the registry, or recomputed from the training months. */
async function contractOf(registry: ModelRegistry, version: ModelVersion): Promise<TrainingArtifacts> {
  if (version.artifacts.schema === undefined || version.artifacts.profile === undefined)
    return trainingArtifacts();
  return {
    schema: await registry.readJson(version.ref, 'schema', parseSchema),
    profile: await registry.readJson(version.ref, 'profile', parseProfile),
  };
}

function toProblem(a: Anomaly): Problem {
  return {
    code: a.code,
    ...(a.feature === undefined ? {} : { feature: a.feature }),
    severity: a.severity === 'error' ? 'error' : 'warning',
    message: a.message,
  };
}

function checkKey(key: unknown): Problem | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'number' && Number.isFinite(key)) return undefined;
  if (typeof key === 'string' && key.length > 0 && key.length <= MAX_KEY_LENGTH) return undefined;
  return {
    code: 'INVALID_KEY',
    feature: 'key',
    severity: 'error',
    message: `"key": expected a string of 1 to ${MAX_KEY_LENGTH} characters or a finite number, received ${shapeOf(key)}`,
  };
}

/** A value described without its content: its JSON type, and a string's or array's length. */
function shapeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length} items`;
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  if (typeof v === 'number') return Number.isFinite(v) ? 'a number' : 'a non-finite number';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The parsed body, or an Error whose message names the problem and its position, never the body's text. */
function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return new Error(
      `the body is not JSON${at === undefined ? '' : ` (at position ${at})`}: ${body.length} characters`,
    );
  }
}

/** The body as text, or undefined when it is longer than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

// The service's own Prometheus families, appended to the monitor's: the router's counters (canary and
// shadow stats()) and HTTP responses. Names follow Prometheus' conventions (counters end in _total, units
// in the name) and none collides with a monitor family.

interface Counters {
  response(route: string, status: number): void;
  rejected(code: string): void;
  monitorError(): void;
  readonly responses: ReadonlyMap<string, number>;
  readonly rejections: ReadonlyMap<string, number>;
  readonly monitorErrors: number;
}

function createCounters(): Counters {
  const responses = new Map<string, number>();
  const rejections = new Map<string, number>();
  let monitorErrors = 0;
  return {
    response(route, status) {
      const k = `${route}\u0000${status}`;
      responses.set(k, (responses.get(k) ?? 0) + 1);
    },
    rejected(code) {
      rejections.set(code, (rejections.get(code) ?? 0) + 1);
    },
    monitorError() {
      monitorErrors++;
    },
    responses,
    rejections,
    get monitorErrors() {
      return monitorErrors;
    },
  };
}

type Sample = readonly [labels: Readonly<Record<string, string>>, value: number];

function family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly Sample[]): string {
  if (samples.length === 0) return '';
  const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const entries = Object.entries(labels);
    const labelText =
      entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
    lines.push(`${name}${labelText} ${formatValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function serviceMetrics(router: CanaryRouter<Row, number>, mirror: ShadowRouter<Row, number>, c: Counters) {
  const r = router.stats();
  const s = mirror.stats();
  const candidates = Object.entries(s.candidates);
  const per = (pick: (x: (typeof candidates)[number][1]) => number): Sample[] =>
    candidates.map(([name, x]) => [{ candidate: name }, pick(x)]);
  return [
    family('lockstep_router_canary_weight', 'gauge', "The canary candidate's share of keys.", [
      [{}, r.weight],
    ]),
    family('lockstep_router_requests_total', 'counter', 'Requests routed by the canary, by arm.', [
      [{ variant: 'baseline' }, r.requests.baseline],
      [{ variant: 'candidate' }, r.requests.candidate],
    ]),
    family('lockstep_router_errors_total', 'counter', 'Model errors in the canary, by arm.', [
      [{ variant: 'baseline' }, r.errors.baseline],
      [{ variant: 'candidate' }, r.errors.candidate],
    ]),
    family('lockstep_shadow_requests_total', 'counter', 'Requests through the shadow (the baseline arm).', [
      [{}, s.requests],
    ]),
    family('lockstep_shadow_mirrored_total', 'counter', 'Requests mirrored to the shadow candidates.', [
      [{}, s.mirrored],
    ]),
    family(
      'lockstep_shadow_comparisons_total',
      'counter',
      "Candidate answers compared with the primary's, by match (within 0.05).",
      candidates.flatMap(([name, x]): Sample[] => [
        [{ candidate: name, match: 'true' }, x.matches],
        [{ candidate: name, match: 'false' }, x.compared - x.matches],
      ]),
    ),
    family(
      'lockstep_shadow_errors_total',
      'counter',
      'Shadow candidate calls that failed.',
      per((x) => x.errors),
    ),
    family(
      'lockstep_shadow_timeouts_total',
      'counter',
      'Shadow candidate calls abandoned after the timeout.',
      per((x) => x.timeouts),
    ),
    family(
      'lockstep_shadow_dropped_total',
      'counter',
      'Mirrored calls dropped: too many in flight.',
      per((x) => x.dropped),
    ),
    family(
      'lockstep_shadow_in_flight',
      'gauge',
      'Shadow candidate calls scheduled or running.',
      per((x) => x.inFlight),
    ),
    family(
      'lockstep_service_responses_total',
      'counter',
      'HTTP responses by route and status code.',
      [...c.responses].map(([k, v]): Sample => {
        const [route, code] = k.split('\u0000') as [string, string];
        return [{ route, code }, v];
      }),
    ),
    family(
      'lockstep_service_rejections_total',
      'counter',
      'Errors in rejected /predict requests, by anomaly code.',
      [...c.rejections].map(([code, v]): Sample => [{ code }, v]),
    ),
    family('lockstep_service_monitor_errors_total', 'counter', 'Observations the monitor refused.', [
      [{}, c.monitorErrors],
    ]),
  ].join('');
}
