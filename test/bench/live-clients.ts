// The load generator of `npm run bench:live`, in a process of its own (forked by live.ts, which
// drives it over IPC): opens many liveStats subscriptions with raw `ws` sockets speaking
// graphql-transport-ws (lighter than a graphql-ws client per socket), then records events and
// times the push's arrival on every socket of the changed site.
import WebSocket from 'ws';

export type ClientCommand =
  | { type: 'connect'; wsUrl: string; sites: { siteId: string; count: number }[]; concurrency: number }
  | { type: 'measure'; graphqlUrl: string; siteId: string; rounds: number; gapMs: number; timeoutMs: number }
  | { type: 'close' };

export type ClientReply =
  | { type: 'connected'; sockets: number; failed: number; ms: number }
  | {
      type: 'measured';
      siteId: string;
      /** per round: ms from the recordEvent answer to the push on each socket of the site */
      rounds: number[][];
      timeouts: number;
    }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const QUERY =
  'subscription LiveStats($siteId: String!) { liveStats(siteId: $siteId) { siteId date totalViews uniqueUsers totalEvents topPaths { path views } } }';

interface Sub {
  ws: WebSocket;
  /** resolves when a push carrying the awaited total arrives */
  waiting: ((at: number) => void) | null;
  expect: string;
}

const bySite = new Map<string, Sub[]>();
const totals = new Map<string, number>();
const now = () => performance.timeOrigin + performance.now();

function open(wsUrl: string, siteId: string): Promise<Sub> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
    const sub: Sub = { ws, waiting: null, expect: '' };
    let first = true;
    const timer = setTimeout(() => reject(new Error('subscribe timed out')), 60_000);
    ws.on('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { siteId } } }));
        return;
      }
      if (first) {
        first = false;
        clearTimeout(timer);
        if (!text.includes('"totalEvents"')) reject(new Error(`unexpected first message: ${text.slice(0, 200)}`));
        else resolve(sub);
        return;
      }
      // A substring check, not JSON.parse: the client shares the machine's two cores with the server.
      if (sub.waiting && text.includes(sub.expect)) {
        const done = sub.waiting;
        sub.waiting = null;
        done(now());
      }
    });
  });
}

async function connect(cmd: Extract<ClientCommand, { type: 'connect' }>): Promise<ClientReply> {
  const started = now();
  const jobs: { siteId: string }[] = [];
  for (const { siteId, count } of cmd.sites) for (let i = 0; i < count; i++) jobs.push({ siteId });
  let next = 0;
  let failed = 0;
  let sockets = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as { siteId: string };
      try {
        const sub = await open(cmd.wsUrl, job.siteId);
        const list = bySite.get(job.siteId) ?? [];
        list.push(sub);
        bySite.set(job.siteId, list);
        sockets++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  return { type: 'connected', sockets, failed, ms: now() - started };
}

async function measure(cmd: Extract<ClientCommand, { type: 'measure' }>): Promise<ClientReply> {
  const subs = bySite.get(cmd.siteId) ?? [];
  const rounds: number[][] = [];
  let timeouts = 0;
  for (let r = 0; r < cmd.rounds; r++) {
    const total = (totals.get(cmd.siteId) ?? 0) + 1;
    totals.set(cmd.siteId, total);
    const arrivals = subs.map(
      (sub) =>
        new Promise<number>((resolve) => {
          sub.expect = `"totalEvents":${total},`;
          sub.waiting = resolve;
        }),
    );
    const res = await fetch(cmd.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation R($input: EventInput!) { recordEvent(input: $input) { accepted } }',
        variables: {
          input: {
            siteId: cmd.siteId,
            eventType: 'page_view',
            path: `/p/${r % 10}`,
            userId: `u${r}`,
            timestamp: new Date().toISOString(),
          },
        },
      }),
    });
    const body = await res.text();
    const accepted = now();
    if (!body.includes('"accepted":true')) throw new Error(`recordEvent failed: ${body}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), cmd.timeoutMs);
    });
    const result = await Promise.race([Promise.all(arrivals), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      timeouts++;
      for (const sub of subs) sub.waiting = null;
    } else {
      rounds.push(result.map((at) => at - accepted));
    }
    await new Promise((resolve) => setTimeout(resolve, cmd.gapMs));
  }
  return { type: 'measured', siteId: cmd.siteId, rounds, timeouts };
}

process.on('message', (cmd: ClientCommand) => {
  const run = async (): Promise<ClientReply> => {
    if (cmd.type === 'connect') return connect(cmd);
    if (cmd.type === 'measure') return measure(cmd);
    for (const list of bySite.values()) for (const sub of list) sub.ws.terminate();
    bySite.clear();
    return { type: 'closed' };
  };
  run().then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
