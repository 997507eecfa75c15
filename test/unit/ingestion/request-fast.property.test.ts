// validateEvent / validateParsedEvent check plainly valid input by hand and leave everything else
// to the zod schemas (ingestion/request.ts, "The fast path"). Property: over random inputs, valid
// and invalid in every field, their outcome (the record, or every problem with field and message)
// is exactly the zod schemas' own.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEVICES } from '../../../src/core/event.js';
import {
  eventInputSchema,
  validateEvent,
  validateEventAt,
  validateEventByZod,
  validateEvents,
  validateParsedEvent,
  validateParsedEventByZod,
} from '../../../src/ingestion/request.js';

/** Strings around each rule's edges: lengths at and past the limits, odd characters, case. */
const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.string({ minLength: max - 1, maxLength: max + 1 }),
    fc.constantFrom('', ' ', 'x', 'ünï', 'a b', '\u0000', '🙂'.repeat(max)),
  );
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([] as unknown[]),
  fc.constant({}),
  fc.constant(['x']),
);
/** A field's value: mostly absent or of the right type, sometimes of any other. */
const field = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: value },
    { weight: 2, arbitrary: fc.constantFrom(undefined, null) },
    { weight: 1, arbitrary: notString },
  );

const siteId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/),
  fc.constantFrom('x'.repeat(128), 'x'.repeat(129), '', 'has space', 'a/b', 'ünï', 'site\n'),
  fc.string({ maxLength: 6 }),
);
const path = fc.oneof(
  fc.string({ maxLength: 10 }).map((s) => `/${s}`),
  fc.constantFrom('/', '', 'pricing', `/${'p'.repeat(2047)}`, `/${'p'.repeat(2048)}`, '//x', '/a?b#c'),
);
const isoOffset = fc
  .tuple(
    fc.date({ min: new Date(-62_000_000_000_000), max: new Date(253_000_000_000_000), noInvalidDate: true }),
    fc.constantFrom('Z', '+02:00', '-05:30', '+23:59', '+24:00', '', 'z', '+0200'),
  )
  .map(
    ([date, zone]) =>
      date
        .toISOString()
        .slice(0, 23)
        .replace(/\.000$/, '') + zone,
  );
const rawTimestamp = fc.oneof(
  isoOffset,
  fc.constantFrom(
    '2025-11-15T18:30:01Z',
    '2025-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2025-13-40T00:00:00Z',
    '2025-11-15T18:30Z',
    '2025-11-15T18:30:01.123456789+01:00',
    '2025-11-15',
    'yesterday',
    '',
  ),
  fc.string({ maxLength: 25 }),
);
const parsedTimestamp = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0),
  fc.constant('2025-11-15T18:30:01Z'),
);
const referrer = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    '',
    'https://www.Example.com./x',
    'http://localhost:3000/',
    'not a url',
    '/relative/page',
    'ftp://files.example.com/x',
    'javascript:alert(1)',
    'https://',
    'file:///etc/passwd',
    `https://example.com/${'q'.repeat(2029)}`,
    `https://example.com/${'q'.repeat(2028)}`,
  ),
);
const country = fc.oneof(
  fc.constantFrom('DE', 'de', 'De', 'us', 'XK', 'ZZ', 'USA', 'U1', '', 'ß', 'ss'),
  fc.string({ maxLength: 3 }),
);
const device = fc.oneof(fc.constantFrom(...DEVICES, 'Desktop', 'phone', ''), fc.string({ maxLength: 3 }));

const attributeFields = {
  referrer: field(referrer),
  utmSource: field(text(256)),
  utmMedium: field(text(256)),
  utmCampaign: field(text(256)),
  browser: field(text(64)),
  os: field(text(64)),
  device: field(device),
  country: field(country),
  unknownKey: field(fc.string({ maxLength: 3 })),
};

/** Valid values for every field (absent ones too), to which a few arbitrary ones are then applied. */
const validFields = (timestamp: fc.Arbitrary<unknown>) => ({
  siteId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/),
  eventType: fc.string({ minLength: 1, maxLength: 64 }),
  path: fc.option(
    fc.string({ maxLength: 10 }).map((s) => `/${s}`),
    { nil: undefined },
  ),
  userId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  eventId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  timestamp,
  referrer: fc.option(fc.webUrl(), { nil: undefined, freq: 3 }),
  utmSource: fc.option(fc.string({ minLength: 1, maxLength: 9 }), { nil: undefined, freq: 3 }),
  country: fc.option(fc.constantFrom('DE', 'fr', 'Us'), { nil: undefined, freq: 3 }),
  device: fc.option(fc.constantFrom(...DEVICES), { nil: undefined, freq: 3 }),
});

const anyFields = (timestamp: fc.Arbitrary<unknown>) => ({
  siteId: field(siteId),
  eventType: field(text(64)),
  path: field(path),
  userId: field(text(256)),
  eventId: field(text(128)),
  timestamp: field(timestamp),
  ...attributeFields,
});

/**
 * An event input: valid fields (valid timestamps from `validTimestamp`), then 0-3 of them replaced
 * by arbitrary values; fields that come out undefined are left out (as JSON would).
 */
const eventInput = (timestamp: fc.Arbitrary<unknown>, validTimestamp: fc.Arbitrary<unknown>) =>
  fc
    .tuple(
      fc.record(validFields(validTimestamp), { requiredKeys: [] }),
      fc.record(anyFields(timestamp), { requiredKeys: [] }),
      fc.subarray(Object.keys(anyFields(timestamp)), { maxLength: 3 }),
    )
    .map(([valid, any, replaced]) => {
      const input: Record<string, unknown> = { ...valid };
      for (const key of replaced) input[key] = (any as Record<string, unknown>)[key];
      return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    });

/** Inputs that are not plain objects, or carry their fields on the prototype. */
const oddInput = (events: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    fc.constantFrom(null, undefined, 'event', 42, [], [{ siteId: 's' }], new Date(0)),
    events.map((input) => Object.create(input) as unknown),
    events.map((input) => Object.assign(Object.create(null) as object, input)),
  );

const input = (timestamp: fc.Arbitrary<unknown>, validTimestamp: fc.Arbitrary<unknown>) => {
  const events = eventInput(timestamp, validTimestamp);
  return fc.oneof({ weight: 8, arbitrary: events }, { weight: 1, arbitrary: oddInput(events) });
};
const raw = input(
  rawTimestamp,
  isoOffset.filter((t) => /(Z|[+-]\d\d:\d\d)$/.test(t)),
);
const parsed = input(parsedTimestamp, fc.integer({ min: -8.64e15, max: 8.64e15 }));

const RUNS = 10_000;

describe('the hand-written fast path of event validation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives raw input (REST, pixel) exactly the outcome of the zod schemas', () => {
    let accepted = 0;
    fc.assert(
      fc.property(raw, (event) => {
        const outcome = validateEvent(event, ['input']);
        expect(outcome).toStrictEqual(validateEventByZod(event, ['input']));
        if (outcome.ok) accepted++;
      }),
      { numRuns: RUNS },
    );
    // Both verdicts are frequent (the property is not about refusals alone).
    expect(accepted).toBeGreaterThan(RUNS / 5);
    expect(accepted).toBeLessThan(RUNS - RUNS / 5);
  });

  it('gives GraphQL input (timestamp in epoch ms) exactly the outcome of the zod schemas', () => {
    let accepted = 0;
    fc.assert(
      fc.property(parsed, (event) => {
        const outcome = validateParsedEvent(event, ['input']);
        expect(outcome).toStrictEqual(validateParsedEventByZod(event, ['input']));
        if (outcome.ok) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 5);
  });

  it('gives the pixel (absent timestamp: now) the outcome of the input with now as an ISO string', () => {
    const plain = eventInput(rawTimestamp, isoOffset).map((event) => {
      const { timestamp, ...rest } = event;
      return { event: rest, timestamp };
    });
    let absent = 0;
    fc.assert(
      fc.property(
        plain,
        fc.boolean(),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        ({ event, timestamp }, keep, now) => {
          const input = keep && timestamp !== undefined ? { ...event, timestamp } : event;
          const expected =
            input.timestamp === undefined
              ? validateEvent({ ...input, timestamp: new Date(now).toISOString() })
              : validateEvent(input);
          if (input.timestamp === undefined) absent++;
          expect(validateEventAt({ ...input }, now)).toStrictEqual(expected);
        },
      ),
      { numRuns: 5_000 },
    );
    expect(absent).toBeGreaterThan(1_000);
  });

  it('gives batches exactly the outcome of the zod schemas, problems in order', () => {
    fc.assert(
      fc.property(fc.array(raw, { minLength: 1, maxLength: 6 }), (events) => {
        const byZod = validateEvents(events, 'inputs', validateEventByZod);
        expect(validateEvents(events, 'inputs', validateEvent)).toStrictEqual(byZod);
        expect(validateEvents(events, 'inputs')).toStrictEqual(byZod);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.array(parsed, { minLength: 1, maxLength: 6 }), (events) => {
        const byZod = validateEvents(events, 'inputs', validateParsedEventByZod);
        expect(validateEvents(events, 'inputs', validateParsedEvent)).toStrictEqual(byZod);
      }),
      { numRuns: 2_000 },
    );
  });

  it('does not run zod for a plainly valid event, and does for one it refuses', () => {
    const safeParse = vi.spyOn(eventInputSchema, 'safeParse');
    const good = {
      siteId: 'site-abc',
      eventType: 'page_view',
      path: '/pricing',
      userId: 'u1',
      timestamp: '2025-11-15T18:30:01+01:00',
      referrer: 'https://www.news.example/a?b=c',
      country: 'de',
      device: 'mobile',
    };
    expect(validateEvent(good)).toMatchObject({
      ok: true,
      value: { timestamp: Date.UTC(2025, 10, 15, 17, 30, 1), source: 'news.example', country: 'DE', device: 'mobile' },
    });
    expect(safeParse).not.toHaveBeenCalled();
    expect(validateEvent({ ...good, path: 'pricing' })).toEqual({
      ok: false,
      problems: [{ field: 'path', message: 'must start with "/"' }],
    });
    expect(safeParse).toHaveBeenCalledTimes(1);
  });
});
