// Where a visitor came from and what they use, derived on arrival (docs/api.md, "Derived on
// arrival"): the source is the referrer's host only (never its path or query), browser, OS and
// device class come from the User-Agent (bowser), country from the client address (country.ts).
// Attributes the event already carries (a caller relaying for a browser) win over derived ones.
import Bowser from 'bowser';
import { DEVICES } from '../core/event.js';
import type { CountryLookup } from './country.js';
import type { HitContext, Step } from './pipeline.js';

/** A host as a source: lower-case, without a trailing dot or a leading "www."; null when nothing is left. */
export function sourceHost(hostname: string): string | null {
  let host = hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.startsWith('www.')) host = host.slice(4);
  return host === '' ? null : host;
}

/** The URL, or null when it is none (one parse: URL.canParse and then new URL would be two). */
function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * The source of a referrer URL: its host as sourceHost gives it; null for no referrer ("", what
 * document.referrer is for a direct visit); undefined when it is not an absolute http(s) URL.
 * (Not cached, unlike the User-Agent: a cache would hold whole referrers, paths and queries.)
 */
export function referrerSource(referrer: string): string | null | undefined {
  if (referrer === '') return null;
  const url = parseUrl(referrer);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  return sourceHost(url.hostname);
}

/** The host of the page a hit came from (an Origin or Referer header), as a source; null when unknown. */
export function pageHost(header: string | undefined): string | null {
  if (!header) return null;
  const url = parseUrl(header);
  return url === null ? null : sourceHost(url.hostname);
}

export interface UserAgentAttributes {
  browser: string | null;
  os: string | null;
  device: string | null;
}

const NONE: UserAgentAttributes = Object.freeze({ browser: null, os: null, device: null });
const MAX_NAME = 64;

const name = (value: string | undefined): string | null => (value ? value.slice(0, MAX_NAME) : null);

/** Browser, OS and device class (desktop, mobile, tablet; null for TVs, bots and the unknown). */
export function parseUserAgent(userAgent: string): UserAgentAttributes {
  if (userAgent.trim() === '') return NONE;
  const parsed = Bowser.parse(userAgent);
  const type = parsed.platform.type;
  return {
    browser: name(parsed.browser.name),
    os: name(parsed.os.name),
    device: type !== undefined && (DEVICES as readonly string[]).includes(type) ? type : null,
  };
}

/**
 * Parsing a User-Agent costs ~10 µs and a site's hits come from few distinct ones, so answers are
 * remembered, bounded as the bot check's are (forgotten all at once when full).
 */
export function cachedUserAgents(limit = 2000): (userAgent: string) => UserAgentAttributes {
  let seen = new Map<string, UserAgentAttributes>();
  return (userAgent) => {
    let attributes = seen.get(userAgent);
    if (attributes === undefined) {
      attributes = Object.freeze(parseUserAgent(userAgent));
      if (seen.size >= limit) seen = new Map();
      seen.set(userAgent, attributes);
    }
    return attributes;
  };
}

export interface AttributeSources {
  userAgent: (userAgent: string) => UserAgentAttributes;
  countries: CountryLookup;
}

/** What one request's hit gives every event it carries: worked out once per hit, on first use. */
interface HitAttributes {
  hit: HitContext | null;
  page: string | null | undefined;
  userAgent: UserAgentAttributes | undefined;
  country: string | null | undefined;
}

/**
 * The pipeline step. A referrer on the page's own host is no source (an internal link); browser,
 * OS and device are derived together unless the event names any of them, the country unless the
 * event names one. A batch shares one hit, so its answers are worked out once per request.
 */
export function deriveAttributes({ userAgent, countries }: AttributeSources): Step {
  const last: HitAttributes = { hit: null, page: undefined, userAgent: undefined, country: undefined };
  return (event, hit) => {
    if (last.hit !== hit) {
      last.hit = hit;
      last.page = undefined;
      last.userAgent = undefined;
      last.country = undefined;
    }
    const derived = event; // changed in place (ingestion/pipeline.ts)
    if (derived.source != null) {
      if (last.page === undefined) last.page = pageHost(hit.page);
      if (derived.source === last.page) derived.source = null;
    }
    if (derived.browser == null && derived.os == null && derived.device == null) {
      last.userAgent ??= userAgent(hit.userAgent);
      derived.browser = last.userAgent.browser;
      derived.os = last.userAgent.os;
      derived.device = last.userAgent.device;
    }
    if (derived.country == null) {
      if (last.country === undefined) last.country = countries.country(hit.ip);
      derived.country = last.country;
    }
    return derived;
  };
}
