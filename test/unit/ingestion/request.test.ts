import { describe, expect, it } from 'vitest';
import { parseDate, parseDateTime, validateEvent, validateEvents } from '../../../src/ingestion/request.js';

const good = {
  siteId: 'site-abc-123',
  eventType: 'page_view',
  path: '/pricing',
  userId: 'user-xyz-789',
  timestamp: '2025-11-15T18:30:01Z',
};

function problems(input: unknown) {
  const v = validateEvent(input);
  return v.ok ? [] : v.problems;
}

describe('validateEvent', () => {
  it('turns a valid input into a record with epoch ms', () => {
    expect(validateEvent(good)).toEqual({
      ok: true,
      value: {
        ...good,
        timestamp: Date.UTC(2025, 10, 15, 18, 30, 1),
        clientEventId: null,
        source: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        browser: null,
        os: null,
        device: null,
        country: null,
      },
    });
  });

  it('accepts offsets and converts them to UTC', () => {
    const v = validateEvent({ ...good, timestamp: '2025-11-16T01:30:00+02:00' });
    expect(v.ok && v.value.timestamp).toBe(Date.UTC(2025, 10, 15, 23, 30));
  });

  it('makes path and userId optional (null when absent)', () => {
    const v = validateEvent({ siteId: 's', eventType: 'click', timestamp: good.timestamp });
    expect(v.ok && v.value).toMatchObject({ path: null, userId: null });
  });

  it.each([
    ['siteId', '', 'must be 1-128 characters'],
    ['siteId', 'x'.repeat(129), 'must be 1-128 characters'],
    ['siteId', 'has space', 'may contain only A-Z a-z 0-9 . _ : -'],
    ['siteId', 'ünï', 'may contain only A-Z a-z 0-9 . _ : -'],
    ['eventType', '', 'must be 1-64 characters'],
    ['eventType', 'e'.repeat(65), 'must be 1-64 characters'],
    ['path', 'pricing', 'must start with "/"'],
    ['path', `/${'p'.repeat(2048)}`, 'must be at most 2048 characters'],
    ['userId', '', 'must be 1-256 characters'],
    ['userId', 'u'.repeat(257), 'must be 1-256 characters'],
    ['timestamp', '2025-11-15T18:30:01', 'must be an ISO 8601 date-time with an offset or Z'],
    ['timestamp', '2025-11-15', 'must be an ISO 8601 date-time with an offset or Z'],
    ['timestamp', 'yesterday', 'must be an ISO 8601 date-time with an offset or Z'],
    ['timestamp', '2025-13-40T00:00:00Z', 'must be an ISO 8601 date-time with an offset or Z'],
    ['referrer', 'not a url', 'must be an absolute http(s) URL'],
    ['referrer', '/relative/page', 'must be an absolute http(s) URL'],
    ['referrer', 'ftp://files.example.com/x', 'must be an absolute http(s) URL'],
    ['referrer', 'javascript:alert(1)', 'must be an absolute http(s) URL'],
    ['referrer', `https://example.com/${'q'.repeat(2029)}`, 'must be at most 2048 characters'],
    ['utmSource', '', 'must be 1-256 characters'],
    ['utmSource', 's'.repeat(257), 'must be 1-256 characters'],
    ['utmMedium', 'm'.repeat(257), 'must be 1-256 characters'],
    ['utmCampaign', 'c'.repeat(257), 'must be 1-256 characters'],
    ['browser', 'b'.repeat(65), 'must be 1-64 characters'],
    ['os', '', 'must be 1-64 characters'],
    ['device', 'phone', 'must be "desktop", "mobile" or "tablet"'],
    ['device', 'Desktop', 'must be "desktop", "mobile" or "tablet"'],
    ['country', 'USA', 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
    ['country', 'ZZ', 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
    ['country', 'U1', 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
  ])('rejects %s = %j: %s', (field, value, message) => {
    const found = problems({ ...good, [field]: value });
    expect(found).toContainEqual({ field, message });
    expect(found.every((p) => p.field === field)).toBe(true);
  });

  it('accepts the limits themselves', () => {
    expect(
      problems({
        ...good,
        siteId: `${'a'.repeat(124)}.:_-`,
        eventType: 'e'.repeat(64),
        path: `/${'p'.repeat(2047)}`,
        userId: 'u'.repeat(256),
      }),
    ).toEqual([]);
  });

  it('keeps only the host of a referrer, lower-case and without "www."', () => {
    const source = (referrer: string) => {
      const v = validateEvent({ ...good, referrer });
      return v.ok ? v.value.source : v.problems;
    };
    expect(source('https://www.Google.com/search?q=my+email%40example.com&token=secret')).toBe('google.com');
    expect(source('http://news.ycombinator.com:8080/item?id=1#top')).toBe('news.ycombinator.com');
    expect(source('https://www.example.org./')).toBe('example.org');
    expect(source('https://wwwexample.com/')).toBe('wwwexample.com');
    expect(source('https://user:password@blog.example.net/post')).toBe('blog.example.net');
    // what document.referrer is for a direct visit: no source
    expect(source('')).toBeNull();
    expect(source(`https://example.com/${'q'.repeat(2028)}`)).toBe('example.com');
  });

  it('takes UTM values, relayed attributes and a country in either case (stored upper-case)', () => {
    const v = validateEvent({
      ...good,
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'c'.repeat(256),
      browser: 'Firefox',
      os: 'Linux',
      device: 'tablet',
      country: 'de',
    });
    expect(v.ok && v.value).toMatchObject({
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'c'.repeat(256),
      browser: 'Firefox',
      os: 'Linux',
      device: 'tablet',
      country: 'DE',
    });
  });

  it('names every missing or mistyped field', () => {
    const fields = problems({ path: 5 }).map((p) => p.field);
    expect(fields.sort()).toEqual(['eventType', 'path', 'siteId', 'timestamp']);
    expect(problems(null)).toHaveLength(1);
  });
});

describe('validateEvents', () => {
  it('accepts 1-1000 events and rejects the whole batch for one bad event', () => {
    expect(validateEvents([good]).ok).toBe(true);
    expect(validateEvents(Array(1000).fill(good)).ok).toBe(true);
    const bad = validateEvents([good, good, { ...good, path: 'x' }]);
    expect(bad).toEqual({ ok: false, problems: [{ field: 'inputs.2.path', message: 'must start with "/"' }] });
    const badReferrer = validateEvents([good, { ...good, referrer: 'nope' }]);
    expect(badReferrer).toEqual({
      ok: false,
      problems: [{ field: 'inputs.1.referrer', message: 'must be an absolute http(s) URL' }],
    });
  });

  it('rejects empty and oversized batches', () => {
    expect(validateEvents([])).toMatchObject({ ok: false, problems: [{ field: 'inputs' }] });
    expect(validateEvents(Array(1001).fill(good))).toMatchObject({
      ok: false,
      problems: [{ field: 'inputs', message: 'must hold 1-1000 events, got 1001' }],
    });
  });
});

describe('date parsing', () => {
  it('parses real calendar dates only', () => {
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseDate('2025-02-29')).toBeNull();
    expect(parseDate('2025-1-01')).toBeNull();
    expect(parseDate(20250101)).toBeNull();
  });

  it('parses date-times with Z or offsets and nothing else', () => {
    expect(parseDateTime('2025-11-15T18:30:01.250Z')).toBe(Date.UTC(2025, 10, 15, 18, 30, 1, 250));
    expect(parseDateTime('2025-11-15T18:30:01-05:30')).toBe(Date.UTC(2025, 10, 16, 0, 0, 1));
    expect(parseDateTime('2025-11-15 18:30:01Z')).toBeNull();
  });
});
