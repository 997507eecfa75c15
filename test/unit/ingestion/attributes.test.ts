// Attributes derived on arrival (docs/api.md, "Derived on arrival"): the referrer's host as the
// source (none for the page's own host), browser/OS/device from the User-Agent, the country from
// the address; what the event already carries wins.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import {
  cachedUserAgents,
  deriveAttributes,
  pageHost,
  parseUserAgent,
  referrerSource,
} from '../../../src/ingestion/attributes.js';
import { cachedCountries } from '../../../src/ingestion/country.js';
import type { HitContext } from '../../../src/ingestion/pipeline.js';
import {
  CHROME_ANDROID_PHONE,
  CHROME_ANDROID_TABLET,
  CHROME_WINDOWS,
  EDGE_WINDOWS,
  FIREFOX_LINUX,
  SAFARI_IPAD,
  SAFARI_IPHONE,
  SAFARI_MAC,
} from '../../helpers/user-agents.js';

describe('parseUserAgent', () => {
  it.each([
    [CHROME_WINDOWS, 'Chrome', 'Windows', 'desktop'],
    [EDGE_WINDOWS, 'Microsoft Edge', 'Windows', 'desktop'],
    [FIREFOX_LINUX, 'Firefox', 'Linux', 'desktop'],
    [SAFARI_MAC, 'Safari', 'macOS', 'desktop'],
    [SAFARI_IPHONE, 'Safari', 'iOS', 'mobile'],
    [CHROME_ANDROID_PHONE, 'Chrome', 'Android', 'mobile'],
    [SAFARI_IPAD, 'Safari', 'iOS', 'tablet'],
    [CHROME_ANDROID_TABLET, 'Chrome', 'Android', 'tablet'],
  ])('%s → %s, %s, %s', (userAgent, browser, os, device) => {
    expect(parseUserAgent(userAgent)).toEqual({ browser, os, device });
  });

  it.each(['', '   ', 'curl/8.5.0', 'node'])('%j: nothing known', (userAgent) => {
    expect(parseUserAgent(userAgent)).toEqual({ browser: null, os: null, device: null });
  });

  it('remembers answers, and starts over when its bound is reached', () => {
    const parse = cachedUserAgents(2);
    const first = parse(CHROME_WINDOWS);
    expect(parse(CHROME_WINDOWS)).toBe(first);
    parse(FIREFOX_LINUX);
    parse(SAFARI_IPHONE); // the third distinct one: the cache was full and is emptied
    expect(parse(CHROME_WINDOWS)).not.toBe(first);
    expect(parse(CHROME_WINDOWS)).toEqual(first);
  });
});

describe('referrerSource and pageHost', () => {
  it('give hosts only, lower-case, without "www."', () => {
    expect(referrerSource('https://WWW.Example.COM/a?b=c')).toBe('example.com');
    expect(referrerSource('')).toBeNull();
    expect(referrerSource('mailto:someone@example.com')).toBeUndefined();
    expect(referrerSource('https://')).toBeUndefined();
    expect(pageHost('https://www.shop.example:8443')).toBe('shop.example');
    expect(pageHost('null')).toBeNull();
    expect(pageHost(undefined)).toBeNull();
  });
});

describe('deriveAttributes', () => {
  const countries = cachedCountries((address) => (address === '193.0.6.139' ? 'NL' : null));
  const step = deriveAttributes({ userAgent: cachedUserAgents(), countries });
  const event = (extra: Partial<EventRecord> = {}): EventRecord => ({
    siteId: 's',
    eventType: 'page_view',
    path: '/',
    userId: null,
    timestamp: 0,
    ...extra,
  });
  const hit = (extra: Partial<HitContext> = {}): HitContext => ({
    ip: '193.0.6.139',
    userAgent: SAFARI_IPHONE,
    anonymousVisitor: true,
    ...extra,
  });

  it('fills browser, OS, device and country from the hit', () => {
    expect(step(event(), hit())).toMatchObject({ browser: 'Safari', os: 'iOS', device: 'mobile', country: 'NL' });
  });

  it('keeps what the event carries: a relayed browser/OS/device stands as a whole, a country alone', () => {
    const none = { browser: null, os: null, device: null, country: null };
    expect(step(event({ ...none, browser: 'Firefox' }), hit())).toMatchObject({
      browser: 'Firefox',
      os: null,
      device: null,
      country: 'NL',
    });
    expect(step(event({ ...none, country: 'JP', device: 'desktop' }), hit())).toMatchObject({
      browser: null,
      os: null,
      device: 'desktop',
      country: 'JP',
    });
  });

  it('drops a referrer on the page\'s own host (with or without "www."), keeps any other', () => {
    expect(step(event({ source: 'example.com' }), hit({ page: 'https://www.example.com/pricing' }))).toMatchObject({
      source: null,
    });
    expect(step(event({ source: 'news.example.com' }), hit({ page: 'https://example.com' }))).toMatchObject({
      source: 'news.example.com',
    });
    expect(step(event({ source: 'google.com' }), hit({ page: undefined }))).toMatchObject({ source: 'google.com' });
  });

  it('gives no country for loopback, private and malformed addresses', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3', '192.168.0.9', 'fd00::1', '', 'garbage']) {
      expect(step(event(), hit({ ip })), ip).toMatchObject({ country: null });
    }
  });
});
