// npm run bench:attributes — the per-event cost of deriving browser, OS, device and country on
// arrival (ingestion/attributes.ts), with the caches as the ingest path uses them, over a mix of
// ~200 User-Agents and ~10k client addresses where a few browsers and returning visitors make most
// of the hits (Zipf-like); and, for comparison, the same work without any cache (bowser parse and
// database lookup per event). Prints the median ns/event over rounds. Goal (issue #11): ≤ 3 µs cached.
// Flags: --events N per round (200000), --rounds R (7), --user-agents U (200), --addresses A (10000),
// --uncached-events N (20000), --json FILE.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EventRecord } from '../../src/core/event.js';
import { cachedUserAgents, deriveAttributes, parseUserAgent } from '../../src/ingestion/attributes.js';
import { cachedCountries, openCountryReader, publicAddress } from '../../src/ingestion/country.js';
import type { HitContext } from '../../src/ingestion/pipeline.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '7' },
    'user-agents': { type: 'string', default: '200' },
    addresses: { type: 'string', default: '10000' },
    'uncached-events': { type: 'string', default: '20000' },
    json: { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const USER_AGENTS = Number(values['user-agents']);
const ADDRESSES = Number(values.addresses);
const UNCACHED_EVENTS = Number(values['uncached-events']);

/** A seeded generator (mulberry32), so every run draws the same mix. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(11);

/** An index in [0, n), log-uniform: index i about as likely as 1/(i+1) (Zipf-like, exponent 1). */
const zipf = (n: number) => Math.min(n - 1, Math.floor(n ** rand()) - 1);

/** Real-world shapes of User-Agents, each at many versions: ~200 distinct strings. */
function userAgents(count: number): string[] {
  const templates = [
    (v: number) =>
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
    (v: number) =>
      `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
    (v: number) =>
      `Mozilla/5.0 (Linux; Android 14; Pixel ${v % 9}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
    (v: number) =>
      `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${v % 7} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${v % 7} Mobile/15E148 Safari/604.1`,
    (v: number) =>
      `Mozilla/5.0 (iPad; CPU OS 17_${v % 7} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${v % 7} Mobile/15E148 Safari/604.1`,
    (v: number) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
    (v: number) => `Mozilla/5.0 (X11; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
    (v: number) =>
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`,
    (v: number) =>
      `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v % 20}.1 Safari/605.1.15`,
    (v: number) =>
      `Mozilla/5.0 (Linux; Android 13; SM-X${700 + v}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  ];
  const out = new Set<string>();
  for (let v = 100; out.size < count; v++) for (const t of templates) if (out.size < count) out.add(t(v));
  return [...out];
}

/** Distinct public addresses, one in ten IPv6. */
function addresses(count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const ip =
      rand() < 0.1
        ? `2a0${Math.floor(rand() * 10)}:${Math.floor(rand() * 65536).toString(16)}::${Math.floor(rand() * 65536).toString(16)}`
        : Array.from({ length: 4 }, () => Math.floor(rand() * 256)).join('.');
    if (publicAddress(ip) !== null) out.add(ip);
  }
  return [...out];
}

const uas = userAgents(USER_AGENTS);
const ips = addresses(ADDRESSES);
/** Each visitor (address) keeps one browser; visitors and browsers are both Zipf-like. */
const visitorUa = ips.map(() => uas[zipf(uas.length)] as string);
function hits(n: number): HitContext[] {
  return Array.from({ length: n }, () => {
    const v = zipf(ips.length);
    return { ip: ips[v] as string, userAgent: visitorUa[v] as string, anonymousVisitor: true };
  });
}

// An event as validation gives it: no attributes, no referrer.
const EVENT: EventRecord = {
  siteId: 'bench',
  eventType: 'page_view',
  path: '/',
  userId: null,
  timestamp: 0,
  clientEventId: null,
  source: null,
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  browser: null,
  os: null,
  device: null,
  country: null,
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

function time(n: number, run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / n;
}

const lookup = await openCountryReader();
// The step as buildApp wires it: one User-Agent cache and one address cache for the process.
const step = deriveAttributes({ userAgent: cachedUserAgents(), countries: cachedCountries(lookup) });
let sink = 0;
const cached: number[] = [];
const workload = hits(EVENTS);
for (let round = 0; round <= ROUNDS; round++) {
  const ns = time(EVENTS, () => {
    for (const hit of workload) {
      const out = step(EVENT, hit);
      if ('drop' in out) continue;
      sink += out.country === null ? 0 : 1;
    }
  });
  if (round > 0) cached.push(ns); // round 0 warms the caches and the JIT
}

const uncachedWork = hits(UNCACHED_EVENTS);
const uncachedUa: number[] = [];
const uncachedCountry: number[] = [];
for (let round = 0; round <= Math.min(ROUNDS, 5); round++) {
  const uaNs = time(UNCACHED_EVENTS, () => {
    for (const hit of uncachedWork) sink += parseUserAgent(hit.userAgent).device === null ? 0 : 1;
  });
  const countryNs = time(UNCACHED_EVENTS, () => {
    for (const hit of uncachedWork) {
      const address = publicAddress(hit.ip);
      sink += address === null || lookup(address) === null ? 0 : 1;
    }
  });
  if (round > 0) {
    uncachedUa.push(uaNs);
    uncachedCountry.push(countryNs);
  }
}

const result = {
  userAgents: uas.length,
  addresses: ips.length,
  eventsPerRound: EVENTS,
  rounds: ROUNDS,
  cachedNsPerEvent: Math.round(median(cached)),
  cachedRoundsNs: cached.map(Math.round),
  uncachedUserAgentNs: Math.round(median(uncachedUa)),
  uncachedCountryNs: Math.round(median(uncachedCountry)),
  uncachedNsPerEvent: Math.round(median(uncachedUa) + median(uncachedCountry)),
  goalNs: 3000,
};
console.log(
  `attributes: ${result.userAgents} User-Agents, ${result.addresses} addresses, ${EVENTS} events x ${ROUNDS} rounds`,
);
console.log(
  `  cached (as ingest runs it): median ${result.cachedNsPerEvent} ns/event  (rounds: ${result.cachedRoundsNs.join(', ')})`,
);
console.log(
  `  uncached: bowser parse ${result.uncachedUserAgentNs} ns + mmdb lookup ${result.uncachedCountryNs} ns = ${result.uncachedNsPerEvent} ns/event`,
);
console.log(`  goal ≤ 3000 ns/event cached: ${result.cachedNsPerEvent <= 3000 ? 'met' : 'NOT met'}`);
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
if (sink < 0) console.log(sink); // keeps the work observable
