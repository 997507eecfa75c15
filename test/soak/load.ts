// The soak's traffic: a weighted mix of every route, paced to a request rate, counting what the
// server accepted (events), refused as overloaded, refused as invalid (sent on purpose), and the
// bot hits it answered without storing.
const TS = () => new Date().toISOString();
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const BOTS = ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'Mozilla/5.0 (compatible; bingbot/2.0)'];
const SITES = ['soak-a', 'soak-b', 'soak-c'];

const RECORD_EVENT = 'mutation R($input: EventInput!) { recordEvent(input: $input) { accepted } }';
const RECORD_EVENTS = 'mutation R($inputs: [EventInput!]!) { recordEvents(inputs: $inputs) { accepted } }';

export interface LoadCounts {
  requests: number;
  /** events the server said it accepted */
  accepted: number;
  /** requests refused with OVERLOADED / 503 */
  overloaded: number;
  /** invalid requests refused, as they should be */
  invalid: number;
  /** bot hits answered (and, by design, not stored) */
  bots: number;
  /** requests whose outcome the client does not know (network errors) */
  unknown: number;
  /** 5xx answers other than OVERLOADED, and invalid events that were accepted */
  errors5xx: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const event = () => ({
  siteId: pick(SITES),
  eventType: Math.random() < 0.8 ? 'page_view' : 'click',
  path: `/p/${Math.floor(Math.random() * 50)}`,
  userId: Math.random() < 0.7 ? `u${Math.floor(Math.random() * 1000)}` : null,
  timestamp: TS(),
});

export class Load {
  readonly counts: LoadCounts = {
    requests: 0,
    accepted: 0,
    overloaded: 0,
    invalid: 0,
    bots: 0,
    unknown: 0,
    errors5xx: 0,
  };
  private readonly actions: [number, () => Promise<void>][];

  constructor(
    private readonly base: string,
    private readonly opts: { rate: number; concurrency: number },
  ) {
    this.actions = [
      [25, () => this.graphqlBatch()],
      [20, () => this.graphqlOne()],
      [15, () => this.rest('application/json', BROWSER)],
      [10, () => this.rest('text/plain;charset=UTF-8', BROWSER)],
      [12, () => this.pixel(BROWSER)],
      [3, () => this.pixel(pick(BOTS))],
      [2, () => this.rest('text/plain;charset=UTF-8', pick(BOTS))],
      [5, () => this.stats()],
      [5, () => this.invalid()],
    ];
  }

  /** Sends requests until `deadline` (epoch ms). */
  async run(deadline: number): Promise<void> {
    const start = Date.now();
    let issued = 0;
    const total = this.actions.reduce((n, [w]) => n + w, 0);
    const worker = async () => {
      for (;;) {
        const due = start + (issued++ * 1000) / this.opts.rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (Date.now() >= deadline) return;
        const action = this.choose(Math.random() * total);
        this.counts.requests++;
        try {
          await action?.();
        } catch {
          this.counts.unknown++;
        }
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency }, worker));
  }

  private choose(roll: number): (() => Promise<void>) | undefined {
    let left = roll;
    for (const [weight, action] of this.actions) {
      left -= weight;
      if (left < 0) return action;
    }
    return this.actions[0]?.[1];
  }

  private async graphql(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{
    data?: Record<string, { accepted: number | boolean }> | null;
    errors?: { extensions?: { code?: string } }[];
  }> {
    const res = await fetch(`${this.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status >= 500) this.counts.errors5xx++;
    return (await res.json()) as never;
  }

  private refused(body: { errors?: { extensions?: { code?: string } }[] }): void {
    if (body.errors?.some((e) => e.extensions?.code === 'OVERLOADED')) this.counts.overloaded++;
    else this.counts.errors5xx++;
  }

  private async graphqlBatch(): Promise<void> {
    const inputs = Array.from({ length: 1 + Math.floor(Math.random() * 50) }, event);
    const body = await this.graphql(RECORD_EVENTS, { inputs });
    if (body.data?.recordEvents) this.counts.accepted += Number(body.data.recordEvents.accepted);
    else this.refused(body);
  }

  private async graphqlOne(): Promise<void> {
    const body = await this.graphql(RECORD_EVENT, { input: event() });
    if (body.data?.recordEvent?.accepted === true) this.counts.accepted++;
    else this.refused(body);
  }

  private async rest(contentType: string, userAgent: string): Promise<void> {
    const e = event();
    const res = await fetch(`${this.base}/event`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'user-agent': userAgent },
      body: JSON.stringify({
        site_id: e.siteId,
        event_type: e.eventType,
        path: e.path,
        user_id: e.userId,
        timestamp: e.timestamp,
      }),
    });
    await res.arrayBuffer();
    this.count(res.status, 202, userAgent, contentType.startsWith('text/plain'));
  }

  private async pixel(userAgent: string): Promise<void> {
    const e = event();
    const q = new URLSearchParams({ site_id: e.siteId, path: e.path });
    const res = await fetch(`${this.base}/pixel.gif?${q}`, { headers: { 'user-agent': userAgent } });
    await res.arrayBuffer();
    this.count(res.status, 200, userAgent, true);
  }

  private count(status: number, ok: number, userAgent: string, browserRoute: boolean): void {
    if (status === ok) {
      if (browserRoute && userAgent !== BROWSER) this.counts.bots++;
      else this.counts.accepted++;
    } else if (status === 503) this.counts.overloaded++;
    else this.counts.errors5xx++;
  }

  private async stats(): Promise<void> {
    const siteId = pick(SITES);
    if (Math.random() < 0.5) {
      const body = await this.graphql(
        'query S($s: String!) { siteStats(siteId: $s) { totalViews uniqueUsers totalEvents topPaths { path views } } }',
        { s: siteId },
      );
      if (!body.data) this.counts.errors5xx++;
    } else {
      const res = await fetch(`${this.base}/stats?site_id=${siteId}&date=${TS().slice(0, 10)}`);
      await res.arrayBuffer();
      if (res.status !== 200) this.counts.errors5xx++;
    }
  }

  private async invalid(): Promise<void> {
    const which = Math.floor(Math.random() * 3);
    let refused: boolean;
    if (which === 0) {
      const body = await this.graphql(RECORD_EVENT, { input: { ...event(), path: 'no-slash' } });
      refused = body.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT';
    } else if (which === 1) {
      const res = await fetch(`${this.base}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: 'soak-a', event_type: 'x', timestamp: 'noon' }),
      });
      await res.arrayBuffer();
      refused = res.status === 400;
    } else {
      const res = await fetch(`${this.base}/pixel.gif?path=/no-site`, { headers: { 'user-agent': BROWSER } });
      await res.arrayBuffer();
      refused = res.status === 400;
    }
    if (refused) this.counts.invalid++;
    else this.counts.errors5xx++;
  }
}
