// The HTTP cases of the benchmark (the same request against Pulse, the baseline and, for the
// GraphQL cases, the peer servers), one autocannon run per case and target, and a row counter
// that reads Pulse's database directly.
import autocannon, { type Result } from 'autocannon';
import Database from 'better-sqlite3';

/** 'pulse', 'baseline' or a peer's name (peers.ts) */
export type Target = string;

export interface LoadCase {
  id: 'recordEvent' | 'recordEvents' | 'pixel' | 'restEvent';
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** events one accepted request carries */
  eventsPerRequest: number;
  /** autocannon connections: 50 for the single-event routes, 10 for recordEvents (the goals of #12) */
  connections: number;
  /** a GraphQL case: the peer servers run it too */
  graphql: boolean;
  /** Pulse's exact success body, when it is fixed (GraphQL answers 200 even for errors) */
  pulseBody?: string;
}

export const SITE_ID = 'bench.example';
export const BATCH_EVENTS = 100;
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

const GRAPHQL_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/graphql-response+json, application/json',
};

export function loadCases(timestamp: string): LoadCase[] {
  const one = { siteId: SITE_ID, eventType: 'page_view', path: '/pricing', userId: 'user-1', timestamp };
  const many = Array.from({ length: BATCH_EVENTS }, (_, i) => ({
    siteId: SITE_ID,
    eventType: i % 10 === 0 ? 'signup' : 'page_view',
    path: `/docs/page-${i % 20}`,
    userId: `user-${i}`,
    timestamp,
  }));
  return [
    {
      id: 'recordEvent',
      label: 'recordEvent (POST /graphql, 1 event)',
      method: 'POST',
      path: '/graphql',
      headers: GRAPHQL_HEADERS,
      body: JSON.stringify({
        query: 'mutation RecordEvent($input: EventInput!) { recordEvent(input: $input) { accepted } }',
        variables: { input: one },
      }),
      eventsPerRequest: 1,
      connections: 50,
      graphql: true,
      pulseBody: '{"data":{"recordEvent":{"accepted":true}}}',
    },
    {
      id: 'recordEvents',
      label: `recordEvents (POST /graphql, ${BATCH_EVENTS} events)`,
      method: 'POST',
      path: '/graphql',
      headers: GRAPHQL_HEADERS,
      body: JSON.stringify({
        query: 'mutation RecordEvents($inputs: [EventInput!]!) { recordEvents(inputs: $inputs) { accepted } }',
        variables: { inputs: many },
      }),
      eventsPerRequest: BATCH_EVENTS,
      connections: 10,
      graphql: true,
      pulseBody: `{"data":{"recordEvents":{"accepted":${BATCH_EVENTS}}}}`,
    },
    {
      id: 'pixel',
      label: 'GET /pixel.gif',
      method: 'GET',
      path: `/pixel.gif?site_id=${SITE_ID}&path=%2Flanding`,
      // A real browser's User-Agent: Pulse drops hits from bots (still answering 200), and the
      // stored-vs-acknowledged check would flag that.
      headers: { 'user-agent': BROWSER_UA, referer: 'https://bench.example/' },
      eventsPerRequest: 1,
      connections: 50,
      graphql: false,
    },
    {
      id: 'restEvent',
      label: 'POST /event (seed JSON)',
      method: 'POST',
      path: '/event',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: SITE_ID, event_type: 'page_view', path: '/blog', user_id: 'user-2', timestamp }),
      eventsPerRequest: 1,
      connections: 50,
      graphql: false,
    },
  ];
}

export interface LoadResult {
  reqPerSec: number;
  /** requests answered 2xx (and, for Pulse's GraphQL cases, with the exact success body) per second */
  okReqPerSec: number;
  p50: number;
  p99: number;
  meanLatency: number;
  /** requests answered (any status) */
  completed: number;
  ok: number;
  non2xx: number;
  mismatches: number;
  errors: number;
  timeouts: number;
  durationS: number;
  startedAt: number;
  finishedAt: number;
}

/**
 * The body a target must answer for the run to count it as a success: Pulse's exact body; for a
 * peer, the same JSON with trailing whitespace allowed (@apollo/server ends its body with a
 * newline); nothing for the baseline, whose answers are not GraphQL.
 */
export function bodyCheck(c: LoadCase, target: Target): ((body: string) => boolean) | undefined {
  const expected = c.pulseBody;
  if (expected === undefined || target === 'baseline') return undefined;
  if (target === 'pulse') return (body) => body === expected;
  return (body) => body.trimEnd() === expected;
}

export async function runLoad(
  baseUrl: string,
  c: LoadCase,
  target: Target,
  durationS: number,
  connections: number,
): Promise<LoadResult> {
  const verifyBody = bodyCheck(c, target);
  const startedAt = Date.now();
  const r: Result = await autocannon({
    url: baseUrl + c.path,
    method: c.method,
    headers: c.headers,
    body: c.body,
    connections,
    duration: durationS,
    timeout: 10,
    ...(verifyBody === undefined ? {} : { verifyBody }),
  });
  const finishedAt = Date.now();
  const ok = r['2xx'] - r.mismatches;
  return {
    reqPerSec: r.requests.average,
    okReqPerSec: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    meanLatency: r.latency.average,
    completed: r.requests.total,
    ok,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    errors: r.errors,
    timeouts: r.timeouts,
    durationS: r.duration,
    startedAt,
    finishedAt,
  };
}

/** Counts Pulse's stored events with plain better-sqlite3 (read-only, beside the running server). */
export class StoredEvents {
  private readonly db: Database.Database;
  private readonly stmt: Database.Statement<[], { n: number }>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.stmt = this.db.prepare('SELECT COUNT(*) AS n FROM events');
  }

  count(): number {
    return (this.stmt.get() as { n: number }).n;
  }

  /**
   * Polls until the count has not changed for `quietMs` (several flush intervals: the buffer has
   * drained) and has reached `atLeast` (the events acknowledged: on a loaded machine one flush
   * can take longer than `quietMs`, so quiet alone would stop early); a count short of `atLeast`
   * that has not moved for `stalledMs` is returned as it is (the caller reports lost events).
   * Returns the count and when it was first seen, the time of the last row to within `pollMs`.
   */
  async settle(
    atLeast = 0,
    quietMs = 750,
    stalledMs = 15_000,
    pollMs = 25,
    timeoutMs = 120_000,
  ): Promise<{ count: number; lastChangeAt: number }> {
    let count = this.count();
    let lastChangeAt = Date.now();
    const deadline = lastChangeAt + timeoutMs;
    const waiting = () => {
      const quiet = Date.now() - lastChangeAt;
      return quiet < quietMs || (count < atLeast && quiet < stalledMs);
    };
    while (waiting()) {
      if (Date.now() > deadline) throw new Error(`stored count still changing after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
      const now = this.count();
      if (now !== count) {
        count = now;
        lastChangeAt = Date.now();
      }
    }
    return { count, lastChangeAt };
  }

  close(): void {
    this.db.close();
  }
}
