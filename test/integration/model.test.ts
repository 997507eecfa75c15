// Model-based test (fast-check commands): random sequences of accepting events (GraphQL, REST,
// pixel; single and batch; some invalid batches), database faults switched on and off under the
// running flusher (SQLite: locked by another writer, read-only, full; PostgreSQL: rollups locked by
// another session, read-only, connections terminated), pauses for the flusher, and checks. On both backends.
// The model is the list of accepted events. Always: nothing is stored that was not accepted, and
// nothing twice. With no fault: after a flush, stored == accepted and siteStats (all time and per
// day) equals the numbers computed from the model.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type TestApp, testApp } from '../helpers/app.js';
import { describeBackends, rawQuery } from '../helpers/backends.js';
import { RECORD_EVENT, RECORD_EVENTS } from '../helpers/e2e.js';
import {
  BROWSER_UA,
  diskFull,
  type Fault,
  listen,
  lockedByAnotherWriter,
  pgConnectionsKilled,
  pgLockedByAnotherWriter,
  pgReadOnly,
  readOnly,
} from '../helpers/hardening.js';

interface ModelEvent {
  siteId: string;
  eventType: string;
  path: string | null;
  userId: string | null;
  timestamp: number;
}

type FaultKind = 'locked' | 'readOnly' | 'full' | 'killed';

interface Model {
  /** this run's two sites (the runs share one app) */
  sites: string[];
  accepted: ModelEvent[];
  fault: FaultKind | null;
}

interface Real {
  t: TestApp;
  baseUrl: string;
  faults: Partial<Record<FaultKind, Fault>>;
}

const DAYS = ['2025-11-14', '2025-11-15', '2025-11-16'];
const DAY0 = Date.UTC(2025, 10, 14);

/** siteId is '0' or '1' here: which of the run's two sites */
const eventArb: fc.Arbitrary<ModelEvent> = fc.record({
  siteId: fc.constantFrom('0', '1'),
  eventType: fc.constantFrom('page_view', 'page_view', 'click'),
  path: fc.constantFrom('/', '/a', '/b', '/c/d', '/e', null),
  userId: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', null),
  timestamp: fc.integer({ min: DAY0, max: DAY0 + 3 * 86_400_000 - 1 }),
});

const iso = (ms: number) => new Date(ms).toISOString();
const onSite = (m: Model, e: ModelEvent): ModelEvent => ({ ...e, siteId: m.sites[Number(e.siteId)] as string });
const input = (e: ModelEvent) => ({ ...e, timestamp: iso(e.timestamp) });

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

class Record_ implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly route: 'graphql' | 'graphqlBatch' | 'rest' | 'pixel',
    readonly events: ModelEvent[],
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const batch = (this.route === 'graphqlBatch' ? this.events : this.events.slice(0, 1)).map((e) => onSite(m, e));
    const e = batch[0] as ModelEvent;
    switch (this.route) {
      case 'graphql':
        expect(
          (await postJson(`${r.baseUrl}/graphql`, { query: RECORD_EVENT, variables: { input: input(e) } })).json,
        ).toEqual({
          data: { recordEvent: { accepted: true } },
        });
        break;
      case 'graphqlBatch':
        expect(
          (await postJson(`${r.baseUrl}/graphql`, { query: RECORD_EVENTS, variables: { inputs: batch.map(input) } }))
            .json,
        ).toEqual({ data: { recordEvents: { accepted: batch.length } } });
        break;
      case 'rest': {
        const body = {
          site_id: e.siteId,
          event_type: e.eventType,
          path: e.path,
          user_id: e.userId,
          timestamp: iso(e.timestamp),
        };
        expect((await postJson(`${r.baseUrl}/event`, body)).status).toBe(202);
        break;
      }
      case 'pixel': {
        // with a user id: the id a pixel derives otherwise depends on the day the hit arrives
        const q = new URLSearchParams({
          site_id: e.siteId,
          event_type: e.eventType,
          user_id: e.userId ?? 'pixel-user',
          timestamp: iso(e.timestamp),
        });
        if (e.path) q.set('path', e.path);
        const res = await fetch(`${r.baseUrl}/pixel.gif?${q}`, { headers: { 'user-agent': BROWSER_UA } });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        batch[0] = { ...e, userId: e.userId ?? 'pixel-user' };
        break;
      }
    }
    m.accepted.push(...batch);
  }
  toString = () => `record ${this.route} ×${this.route === 'graphqlBatch' ? this.events.length : 1}`;
}

class RecordInvalidBatch implements fc.AsyncCommand<Model, Real> {
  constructor(readonly events: ModelEvent[]) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const events = this.events.map((e) => onSite(m, e));
    const inputs = [...events.map(input), { ...input(events[0] as ModelEvent), path: 'no-slash' }];
    const answer = await postJson(`${r.baseUrl}/graphql`, { query: RECORD_EVENTS, variables: { inputs } });
    expect(JSON.stringify(answer.json)).toContain('BAD_USER_INPUT');
  }
  toString = () => `record an invalid batch ×${this.events.length + 1}`;
}

class StartFault implements fc.AsyncCommand<Model, Real> {
  constructor(readonly kind: FaultKind) {}
  check = (m: Readonly<Model>) => m.fault === null;
  async run(m: Model, r: Real): Promise<void> {
    await r.faults[this.kind]?.start();
    m.fault = this.kind;
  }
  toString = () => `fault on: ${this.kind}`;
}

class StopFault implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.fault !== null;
  async run(m: Model, r: Real): Promise<void> {
    await r.faults[m.fault as FaultKind]?.stop();
    m.fault = null;
  }
  toString = () => 'fault off';
}

class Pause implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 15));
    await expectStoredWithin(m, r);
  }
  toString = () => 'pause';
}

class Check implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.fault === null;
  async run(m: Model, r: Real): Promise<void> {
    await r.t.app.flusher.flush();
    await expectStoredEqualsModel(m, r);
  }
  toString = () => 'flush and check';
}

/** The run's stored rows, and how many ids are stored twice (over all runs). */
async function storedRows(m: Model, r: Real): Promise<{ rows: number; repeatedIds: number }> {
  const storage = r.t.app.storage;
  const [mine] = await rawQuery<{ n: string | number }>(
    storage,
    `SELECT COUNT(*) AS n FROM events WHERE site_id IN (${m.sites.map(() => '?').join(',')})`,
    ...m.sites,
  );
  const [all] = await rawQuery<{ n: string | number; ids: string | number }>(
    storage,
    'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM events',
  );
  return { rows: Number(mine?.n), repeatedIds: Number(all?.n) - Number(all?.ids) };
}

/** Never more rows than accepted, and each row once. */
async function expectStoredWithin(m: Model, r: Real): Promise<void> {
  const { rows, repeatedIds } = await storedRows(m, r);
  expect(rows).toBeLessThanOrEqual(m.accepted.length);
  expect(repeatedIds).toBe(0);
}

interface Stats {
  totalViews: number;
  uniqueUsers: number;
  totalEvents: number;
  topPaths: { path: string; views: number }[];
}

function modelStats(events: ModelEvent[]): Stats {
  const views = events.filter((e) => e.eventType === 'page_view');
  const byPath = new Map<string, number>();
  for (const e of views) if (e.path !== null) byPath.set(e.path, (byPath.get(e.path) ?? 0) + 1);
  return {
    totalViews: views.length,
    uniqueUsers: new Set(events.map((e) => e.userId).filter((u) => u !== null)).size,
    totalEvents: events.length,
    topPaths: [...byPath]
      .sort(([pa, va], [pb, vb]) => vb - va || (pa < pb ? -1 : pa > pb ? 1 : 0))
      .slice(0, 10)
      .map(([path, views]) => ({ path, views })),
  };
}

async function expectStoredEqualsModel(m: Model, r: Real): Promise<void> {
  const { rows, repeatedIds } = await storedRows(m, r);
  expect(repeatedIds).toBe(0);
  expect(rows).toBe(m.accepted.length);
  for (const siteId of m.sites) {
    const ofSite = m.accepted.filter((e) => e.siteId === siteId);
    for (const date of [null, ...DAYS]) {
      const expected = modelStats(date === null ? ofSite : ofSite.filter((e) => iso(e.timestamp).startsWith(date)));
      const res = await r.t.gql<{ siteStats: Stats }>(
        'query S($siteId: String!, $date: Date) { siteStats(siteId: $siteId, date: $date) { totalViews uniqueUsers totalEvents topPaths { path views } } }',
        { siteId, date },
      );
      expect(res.body.data?.siteStats, `${siteId} ${date ?? 'all time'}`).toEqual(expected);
    }
  }
}

describeBackends('model: accept → flush → stats, with database faults', (backend) => {
  it('stores every accepted event once and answers the stats the model computes', { timeout: 600_000 }, async () => {
    const commands = [
      fc
        .tuple(
          fc.constantFrom<'graphql' | 'graphqlBatch' | 'rest' | 'pixel'>('graphql', 'graphqlBatch', 'rest', 'pixel'),
          fc.array(eventArb, { minLength: 1, maxLength: 5 }),
        )
        .map(([route, events]) => new Record_(route, events)),
      fc.array(eventArb, { minLength: 1, maxLength: 3 }).map((events) => new RecordInvalidBatch(events)),
      fc
        .constantFrom<FaultKind>(
          ...(backend === 'sqlite'
            ? (['locked', 'readOnly', 'full'] as const)
            : (['locked', 'readOnly', 'killed'] as const)),
        )
        .map((kind) => new StartFault(kind)),
      fc.constant(new StopFault()),
      fc.constant(new Pause()),
      fc.constant(new Check()),
    ];
    // One app for all runs (starting one per run costs more than the runs): each run has sites of its own.
    const t = await testApp(
      {
        PULSE_FLUSH_INTERVAL_MS: 5,
        PULSE_FLUSH_BACKOFF_MS: 2,
        PULSE_FLUSH_MAX_BACKOFF_MS: 20,
        PULSE_DB_BUSY_TIMEOUT_MS: 5,
      },
      backend,
    );
    const { baseUrl } = await listen(t.app);
    const real: Real = {
      t,
      baseUrl,
      faults:
        backend === 'sqlite'
          ? { locked: lockedByAnotherWriter(t.dbPath), readOnly: readOnly(t.app), full: diskFull(t.app) }
          : {
              locked: pgLockedByAnotherWriter(t.url),
              readOnly: pgReadOnly(t.url),
              killed: pgConnectionsKilled(t.url),
            },
    };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        run++;
        const model: Model = { sites: [`run${run}-a`, `run${run}-b`], accepted: [], fault: null };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          if (model.fault) await real.faults[model.fault]?.stop();
        }
        await t.app.flusher.flush();
        await expectStoredEqualsModel({ ...model, fault: null }, real);
      }),
      { numRuns: Number(process.env.PULSE_FC_RUNS ?? 40) },
    );
    // Whether a random run's flush met its fault depends on timing (a loaded machine may flush only
    // after the fault is off), so one last run meets one for sure: a read-only database fails the
    // flush, the event stays buffered, and it is stored once when the fault is off.
    const failedBefore = t.app.flusher.status.failedFlushes;
    const last: Model = { sites: ['last-a', 'last-b'], accepted: [], fault: null };
    await new StartFault('readOnly').run(last, real);
    try {
      await new Record_('rest', [
        { siteId: '0', eventType: 'page_view', path: '/last', userId: 'u', timestamp: DAY0 },
      ]).run(last, real);
      await expect.poll(() => t.app.flusher.status.failedFlushes, { timeout: 10_000 }).toBeGreaterThan(failedBefore);
    } finally {
      await new StopFault().run(last, real);
    }
    await t.app.flusher.flush();
    await expectStoredEqualsModel(last, real);
  });
});
