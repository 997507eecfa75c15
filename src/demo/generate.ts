// Synthetic traffic for demos and benchmarks: a few sites, paths with a skewed (Zipf-like)
// popularity, returning visitors (a few heavy users, a long tail), sessions of several page views
// with some clicks and signups, and more traffic in the daytime. Deterministic for a seed.

import { DAY_MS } from '../core/time.js';

export interface DemoOptions {
  sites: number;
  days: number;
  /** epoch ms the last day ends at (default: now) */
  end?: number;
  seed?: number;
  /** distinct paths per site */
  paths?: number;
  /** visitors per site over the whole period */
  visitors?: number;
}

export interface DemoEvent {
  siteId: string;
  eventType: string;
  path: string;
  userId: string | null;
  timestamp: string;
}

/** mulberry32: small, fast, good enough for synthetic data */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SECTIONS = ['', 'blog', 'docs', 'pricing', 'about', 'features', 'changelog', 'careers'];

/** Generates events in time order, in chunks of `chunk`, `total` in all. */
export function* demoEvents(total: number, opts: DemoOptions, chunk = 1000): Generator<DemoEvent[]> {
  const rnd = random(opts.seed ?? 42);
  const end = opts.end ?? Date.now();
  const start = end - opts.days * DAY_MS;
  const pathCount = opts.paths ?? 500;
  const visitors = opts.visitors ?? 50_000;
  const paths = Array.from({ length: pathCount }, (_, i) => {
    const section = SECTIONS[i % SECTIONS.length];
    return i === 0 ? '/' : `/${section ? `${section}/` : ''}page-${i}`;
  });
  // Zipf (s = 1): index = floor((n + 1)^u) - 1 is log-uniform, so the i-th item is chosen with
  // probability ~ 1/(i + 1): the top 10 of 500 paths get ~40% of views, as on real sites.
  const skewed = (n: number) => Math.min(n - 1, Math.floor((n + 1) ** rnd()) - 1);
  const step = (end - start) / total;
  let produced = 0;
  let t = start;
  while (produced < total) {
    const out: DemoEvent[] = [];
    while (out.length < chunk && produced < total) {
      const site = Math.floor(rnd() ** 1.5 * opts.sites);
      const siteId = `demo-${site + 1}`;
      const anonymous = rnd() < 0.1;
      const userId = anonymous ? null : `visitor-${skewed(visitors)}`;
      const session = 1 + Math.floor(rnd() * 5);
      for (let i = 0; i < session && out.length < chunk && produced < total; i++) {
        // daytime (UTC) traffic is five times the night's: the clock advances slower by day. The
        // factors average to one over a day (12/0.6 + 12/3 = 24 hours of steps), so the events
        // fill the whole period.
        const hour = new Date(t).getUTCHours();
        t += step * (hour >= 8 && hour < 20 ? 0.6 : 3) * (0.5 + rnd());
        const r = rnd();
        const eventType = r < 0.8 ? 'page_view' : r < 0.95 ? 'click' : 'signup';
        out.push({
          siteId,
          eventType,
          path: paths[skewed(pathCount)] as string,
          userId,
          timestamp: new Date(Math.min(t, end - 1)).toISOString(),
        });
        produced++;
      }
    }
    yield out;
  }
}
