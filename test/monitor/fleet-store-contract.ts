// What every window store does, whatever keeps it: the memory store, and the SQL store on PGlite and on a
// PostgreSQL server. A case opens an empty store; SQL cases can also overwrite a stored row's JSON, to show
// that what is read back is checked.
import { expect, it } from 'vitest';
import { vegaDataPath } from '../../examples/data.js';
import type { PublishedWindow, WindowStore } from '../../src/monitor/fleet.js';
import { createMonitor, type Monitor } from '../../src/monitor/monitor.js';
import { type MonitorWindow, mergeWindows } from '../../src/monitor/window.js';
import { rejectsLockstep } from '../helpers/errors.js';
import {
  atOf,
  FLEET_WINDOW_MS,
  fleetOptions,
  fleetTraffic,
  labelOf,
  observationOf,
  replicaOf,
} from './fleet-store-flights.js';

export interface WindowStoreCase {
  open(): Promise<WindowStore>;
  /** Overwrites the stored JSON of (name, replica, start) with `record` (SQL stores only). */
  write?(name: string, replica: string, start: number, record: string): Promise<void>;
}

let made: { replicas: MonitorWindow[][]; one: Monitor } | undefined;

/** Three replicas' windows over the first 7,000 requests of the fleet stream, and one monitor's of all. */
export function sampleWindows(): { replicas: MonitorWindow[][]; one: Monitor } {
  if (made !== undefined) return made;
  const traffic = fleetTraffic(vegaDataPath('flights-20k.json'));
  let t = 0;
  const now = () => t;
  const one = createMonitor(fleetOptions(traffic, now));
  const monitors = [0, 1, 2].map(() => createMonitor(fleetOptions(traffic, now)));
  const n = 7_000;
  for (let i = 0; i < n; i++) {
    t = atOf(i);
    const input = traffic.stream[i]!;
    const o = observationOf(input, i);
    const m = monitors[replicaOf(i, 3)]!;
    one.observe(o);
    m.observe(o);
    const y = labelOf(input, i);
    if (y !== undefined) {
      one.label(o.key as string, y);
      m.label(o.key as string, y);
    }
  }
  t = atOf(n) + FLEET_WINDOW_MS;
  one.tick();
  for (const m of monitors) m.tick();
  made = { replicas: monitors.map((m) => [...m.windows()]), one };
  return made;
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function windowStoreContract(c: WindowStoreCase): void {
  const { replicas } = sampleWindows();
  const [a, b, cc] = replicas as [MonitorWindow[], MonitorWindow[], MonitorWindow[]];
  const starts = a.map((w) => w.start);

  it('the sample has aligned windows: each replica closed the same starts, a minute apart', () => {
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (const r of replicas) expect(r.map((w) => w.start)).toEqual(starts);
    for (const w of a) {
      expect(w.start % FLEET_WINDOW_MS).toBe(0);
      expect(w.index).toBe(w.start / FLEET_WINDOW_MS);
    }
  });

  it('an empty store lists nothing and has no fleet window', async () => {
    const store = await c.open();
    expect(await store.windows('flights')).toEqual([]);
    expect(await store.fleet('flights', starts[0]!)).toBeUndefined();
  });

  it("the fleet's window of a start is every replica's window of that start merged", async () => {
    const store = await c.open();
    for (const [i, r] of replicas.entries())
      for (const w of r) await store.publish('flights', `replica-${i}`, json(w));
    const listed = await store.windows('flights');
    expect(listed.map((p) => [p.window.start, p.replica])).toEqual(
      starts.flatMap((s) => ['replica-0', 'replica-1', 'replica-2'].map((r) => [s, r])),
    );
    expect(listed[0]!.window).toEqual(json(a[0]));
    expect(Object.isFrozen(listed)).toBe(true);
    expect(Object.isFrozen(listed[0]!.window.counts)).toBe(true);
    for (const [k, s] of starts.entries()) {
      const fleet = await store.fleet('flights', s);
      expect(fleet).toEqual(mergeWindows(a[k]!, b[k]!, cc[k]!));
      expect(fleet!.counts.requests).toBe(
        a[k]!.counts.requests + b[k]!.counts.requests + cc[k]!.counts.requests,
      );
      expect(Object.isFrozen(fleet)).toBe(true);
    }
    // A start between windows, or another name, has nothing.
    expect(await store.fleet('flights', starts[0]! + 1)).toBeUndefined();
    expect(await store.fleet('other', starts[0]!)).toBeUndefined();
    expect(await store.windows('other')).toEqual([]);
  });

  it('lists the starts in [since, until)', async () => {
    const store = await c.open();
    for (const w of a) await store.publish('flights', 'r', w);
    const startsOf = (l: readonly PublishedWindow[]) => l.map((p) => p.window.start);
    expect(startsOf(await store.windows('flights', { since: starts[1]! }))).toEqual(starts.slice(1));
    expect(startsOf(await store.windows('flights', { until: starts[1]! }))).toEqual(starts.slice(0, 1));
    expect(startsOf(await store.windows('flights', { since: starts[1]!, until: starts[2]! + 1 }))).toEqual(
      starts.slice(1, 3),
    );
    expect(await store.windows('flights', { since: starts[2]!, until: starts[1]! })).toEqual([]);
  });

  it("publishing again leaves one row, and replaces that replica's window only", async () => {
    const store = await c.open();
    const s = starts[0]!;
    await store.publish('flights', 'a', a[0]!);
    await store.publish('flights', 'b', b[0]!);
    await store.publish('flights', 'a', a[0]!);
    await store.publish('flights', 'a', json(a[0]!));
    expect(await store.windows('flights')).toHaveLength(2);
    expect(await store.fleet('flights', s)).toEqual(mergeWindows(a[0]!, b[0]!));
    // Replica a's window of that start, replaced by another of that start (c's, as if a had seen it).
    await store.publish('flights', 'a', cc[0]!);
    const listed = await store.windows('flights');
    expect(listed.map((p) => [p.replica, p.window.counts.requests])).toEqual([
      ['a', cc[0]!.counts.requests],
      ['b', b[0]!.counts.requests],
    ]);
    expect(await store.fleet('flights', s)).toEqual(mergeWindows(cc[0]!, b[0]!));
  });

  it('many replicas publishing at once are all stored', async () => {
    const store = await c.open();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.publish('flights', `r${String(i).padStart(2, '0')}`, replicas[i % 3]![1]!),
      ),
    );
    const listed = await store.windows('flights');
    expect(listed.map((p) => p.replica)).toEqual(
      Array.from({ length: 12 }, (_, i) => `r${String(i).padStart(2, '0')}`),
    );
    const fleet = await store.fleet('flights', starts[1]!);
    expect(fleet!.counts.requests).toBe(
      4 * (a[1]!.counts.requests + b[1]!.counts.requests + cc[1]!.counts.requests),
    );
  });

  it('refuses a bad name, replica, window, start or range, storing nothing', async () => {
    const store = await c.open();
    const w = a[0]!;
    await rejectsLockstep(() => store.publish('', 'r', w), {
      code: 'INVALID_ARGUMENT',
      fn: 'publish',
      arg: 'name',
    });
    await rejectsLockstep(() => store.publish('f', 'x'.repeat(129), w), {
      code: 'INVALID_ARGUMENT',
      fn: 'publish',
      arg: 'replica',
    });
    await rejectsLockstep(() => store.publish('f', 'r', { ...json(w), kind: 'lockstep.profile' } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'publish',
      arg: 'window.kind',
    });
    const negative = json(w) as { counts: { errors: number } };
    negative.counts.errors = -1;
    await rejectsLockstep(() => store.publish('f', 'r', negative as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'publish',
      arg: 'window.counts.errors',
    });
    const corrupt = json(w) as { profiles: { inputs: { rows: number } } };
    corrupt.profiles.inputs.rows += 1;
    await rejectsLockstep(() => store.publish('f', 'r', corrupt as never), {
      code: 'INVALID_ARTIFACT',
      fn: 'publish',
    });
    await rejectsLockstep(() => store.publish('f', 'r', null as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'publish',
    });
    await rejectsLockstep(() => store.fleet('f', Number.NaN), {
      code: 'INVALID_ARGUMENT',
      fn: 'fleet',
      arg: 'start',
    });
    await rejectsLockstep(() => store.windows('f', { sinse: 0 } as never), {
      code: 'INVALID_ARGUMENT',
      fn: 'windows',
      message: /did you mean "since"/,
    });
    expect(await store.windows('f')).toEqual([]);
  });

  it('refuses to merge windows of one start but different lengths', async () => {
    const store = await c.open();
    const w = json(a[0]!) as { index: number };
    const other = { ...json(b[0]!), index: w.index * 2 }; // as if closed by a monitor with window.ms / 2
    await store.publish('flights', 'a', w as never);
    await store.publish('flights', 'b', other);
    const e = await rejectsLockstep(() => store.fleet('flights', starts[0]!), {
      code: 'INVALID_ARGUMENT',
      fn: 'fleet',
      arg: 'start',
    });
    expect(e.message).toMatch(/different lengths/);
  });

  if (c.write !== undefined) {
    const write = c.write;
    it('a stored row edited in the database is refused when read back, naming it', async () => {
      const store = await c.open();
      const s = starts[0]!;
      await store.publish('flights', 'a', a[0]!);
      await store.publish('flights', 'b', b[0]!);
      const edited = json(b[0]!) as { profiles: { outputs: { rows: number } } };
      edited.profiles.outputs.rows = 1;
      await write('flights', 'b', s, JSON.stringify(edited));
      await rejectsLockstep(() => store.fleet('flights', s), { code: 'INVALID_ARTIFACT', fn: 'fleet' });
      await rejectsLockstep(() => store.windows('flights'), { code: 'INVALID_ARTIFACT', fn: 'windows' });
      const negative = json(b[0]!) as { counts: { requests: number } };
      negative.counts.requests = -5;
      await write('flights', 'b', s, JSON.stringify(negative));
      const e = await rejectsLockstep(() => store.fleet('flights', s), {
        code: 'INVALID_ARGUMENT',
        fn: 'fleet',
      });
      expect(e.arg).toBe('stored window (replica "b").counts.requests');
      await write('flights', 'b', s, '{"kind": "lockstep.monitor.window"}');
      await rejectsLockstep(() => store.windows('flights'), { code: 'INVALID_ARGUMENT', fn: 'windows' });
      // A window moved to another row's start is refused too.
      await write('flights', 'b', s, JSON.stringify(b[1]!));
      await rejectsLockstep(() => store.fleet('flights', s), {
        code: 'INVALID_ARGUMENT',
        fn: 'fleet',
        arg: 'stored window (replica "b").start',
      });
      // Publishing the replica's window again repairs the row.
      await store.publish('flights', 'b', b[0]!);
      expect(await store.fleet('flights', s)).toEqual(mergeWindows(a[0]!, b[0]!));
    });
  }

  it('the fleet of one replica is that replica’s window', async () => {
    const store = await c.open();
    await store.publish('solo', 'a', a[2]!);
    expect(await store.fleet('solo', starts[2]!)).toEqual(a[2]);
  });
}
