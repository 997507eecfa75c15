// Synthetic traffic for demos and benchmarks: a few sites, paths with a skewed (Zipf-like)
// popularity, returning visitors (a few heavy users, a long tail), sessions of several page views
// with some clicks and signups, and more traffic in the daytime. Deterministic for a seed.
// Where visitors come from and what they use (docs/api.md, "Breakdowns"): a session's landing page
// carries its referrer (about 40% of sessions have none: direct) and, on about 10%, UTM
// parameters; each visitor keeps one browser, OS, device and country (about 40 countries, skewed).

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
  /** the landing page's referrer (absent: direct, or a page after the landing one) */
  referrer?: string;
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  browser: string;
  os: string;
  device: string;
  country: string;
}

/** [value, weight] */
type Weighted<T> = readonly (readonly [T, number])[];

function chooser<T>(options: Weighted<T>): (u: number) => T {
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  return (u) => {
    let x = u * total;
    for (const [value, w] of options) {
      x -= w;
      if (x < 0) return value;
    }
    return (options[options.length - 1] as readonly [T, number])[0];
  };
}

// Referrers: search engines, social sites, news, and a long tail of blogs; weights are shares of
// the sessions that have one.
const REFERRERS = chooser<string | null>([
  ['https://www.google.com/', 45],
  ['https://www.bing.com/search?q=pulse+analytics', 4],
  ['https://duckduckgo.com/', 3],
  ['https://search.yahoo.com/', 1],
  ['https://news.ycombinator.com/item?id=42', 6],
  ['https://www.reddit.com/r/webdev/comments/abc/', 5],
  ['https://t.co/xyz', 4],
  ['https://www.facebook.com/', 4],
  ['https://www.linkedin.com/feed/', 3],
  ['https://github.com/pulse/pulse', 3],
  ['https://lobste.rs/s/abc', 1],
  ['https://www.theverge.com/2026/1/1/story', 1],
  ['https://techcrunch.com/2026/01/01/story/', 1],
  [null, 19], // the long tail, below
]);
const UTM_SOURCES = chooser([
  ['newsletter', 40],
  ['twitter', 15],
  ['facebook', 10],
  ['google', 20],
  ['partner', 15],
] as const);
const UTM_MEDIUM: Record<string, string> = {
  newsletter: 'email',
  twitter: 'social',
  facebook: 'social',
  google: 'cpc',
  partner: 'referral',
};
const PLATFORMS = chooser([
  [['Chrome', 'Windows', 'desktop'], 30],
  [['Edge', 'Windows', 'desktop'], 6],
  [['Firefox', 'Windows', 'desktop'], 3],
  [['Chrome', 'macOS', 'desktop'], 8],
  [['Safari', 'macOS', 'desktop'], 6],
  [['Firefox', 'Linux', 'desktop'], 1.5],
  [['Chrome', 'Linux', 'desktop'], 1.5],
  [['Chrome', 'Chrome OS', 'desktop'], 1],
  [['Safari', 'iOS', 'mobile'], 18],
  [['Chrome', 'iOS', 'mobile'], 2],
  [['Chrome', 'Android', 'mobile'], 16],
  [['Samsung Internet', 'Android', 'mobile'], 3],
  [['Safari', 'iOS', 'tablet'], 2.5],
  [['Chrome', 'Android', 'tablet'], 0.5],
] as const);
const COUNTRIES = [
  'US',
  'IN',
  'DE',
  'GB',
  'BR',
  'FR',
  'CA',
  'JP',
  'NL',
  'ES',
  'IT',
  'PL',
  'AU',
  'RU',
  'CN',
  'KR',
  'SE',
  'CH',
  'ID',
  'MX',
  'TR',
  'UA',
  'AR',
  'BE',
  'AT',
  'CZ',
  'DK',
  'FI',
  'NO',
  'PT',
  'IE',
  'IL',
  'SG',
  'VN',
  'PH',
  'NG',
  'ZA',
  'EG',
  'PK',
  'NP',
] as const;

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
  // Attributes from a generator of their own: the events' other fields stay what they were for a seed.
  const arnd = random((opts.seed ?? 42) ^ 0x5eed);
  const askewed = (n: number) => Math.min(n - 1, Math.floor((n + 1) ** arnd()) - 1);
  /** A visitor's browser, OS, device and country: fixed per visitor (a hash of its number). */
  const visitorTraits = (key: number) => {
    const h = random(key * 2654435761 + 1);
    const [browser, os, device] = PLATFORMS(h());
    const country = COUNTRIES[Math.min(COUNTRIES.length - 1, Math.floor((COUNTRIES.length + 1) ** h()) - 1)] as string;
    return { browser, os, device, country };
  };
  const step = (end - start) / total;
  let produced = 0;
  let t = start;
  while (produced < total) {
    const out: DemoEvent[] = [];
    while (out.length < chunk && produced < total) {
      const site = Math.floor(rnd() ** 1.5 * opts.sites);
      const siteId = `demo-${site + 1}`;
      const anonymous = rnd() < 0.1;
      const visitor = skewed(visitors);
      const userId = anonymous ? null : `visitor-${visitor}`;
      const session = 1 + Math.floor(rnd() * 5);
      const traits = visitorTraits(anonymous ? visitors + Math.floor(arnd() * 1e9) : visitor);
      const landing: Partial<DemoEvent> = {};
      if (arnd() >= 0.4) {
        const referrer = REFERRERS(arnd());
        landing.referrer = referrer ?? `https://blog-${askewed(400)}.example.com/posts/${Math.floor(arnd() * 1000)}`;
      }
      if (arnd() < 0.1) {
        const utmSource = UTM_SOURCES(arnd());
        landing.utmSource = utmSource;
        landing.utmMedium = UTM_MEDIUM[utmSource] as string;
        landing.utmCampaign = `campaign-${askewed(30)}`;
      }
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
          ...(i === 0 ? landing : {}),
          ...traits,
        });
        produced++;
      }
    }
    yield out;
  }
}
