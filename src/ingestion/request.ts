// Validation of raw event input (GraphQL, REST, pixel all come here): the rules of docs/api.md
// ("Schema", "Tracking pixel", "REST routes"), in one zod schema, turning input into EventRecords
// or a list of problems that name each field.
import { z } from 'zod';
import { DEVICES, type EventRecord } from '../core/event.js';
import { referrerSource } from './attributes.js';
import { COUNTRY_CODES } from './country.js';

export const MAX_BATCH = 1000;

const ISO_DATETIME = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' });

/**
 * The pattern ISO_DATETIME's safeParse tests (its only check): tested directly, without zod's
 * payload and issue objects, on every timestamp of every event.
 */
const ISO_DATETIME_PATTERN = ISO_DATETIME.def.pattern;
const isIsoDateTime: (value: string) => boolean = ISO_DATETIME_PATTERN
  ? (value) => ISO_DATETIME_PATTERN.test(value)
  : (value) => ISO_DATETIME.safeParse(value).success;

/** Parses a DateTime string to epoch ms, or returns null when it is not one docs/api.md accepts ("Recording events": an offset or Z). */
export function parseDateTime(value: unknown): number | null {
  if (typeof value !== 'string' || !isIsoDateTime(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a calendar date YYYY-MM-DD to the epoch ms of its UTC midnight, or null when invalid. */
export function parseDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2025-02-30 over into March; a real date formats back to itself.
  return new Date(ms).toISOString().slice(0, 10) === value ? ms : null;
}

const SITE_ID_CHARS = /^[A-Za-z0-9._:-]+$/;

const siteIdSchema = z
  .string({ message: 'is required and must be a string' })
  .min(1, 'must be 1-128 characters')
  .max(128, 'must be 1-128 characters')
  .regex(SITE_ID_CHARS, 'may contain only A-Z a-z 0-9 . _ : -');

/** The siteId rule of docs/api.md ("Schema"), for the stats routes; null when valid, else what is wrong. */
export function siteIdProblem(value: unknown): string | null {
  const result = siteIdSchema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'is invalid');
}

const text = (max: number) =>
  z
    .string({ message: 'must be a string' })
    .min(1, `must be 1-${max} characters`)
    .max(max, `must be 1-${max} characters`)
    .nullish();

/** Only the referrer's host survives validation (docs/api.md, "Derived on arrival"). */
const referrerSchema = z
  .string({ message: 'must be a string' })
  .max(2048, 'must be at most 2048 characters')
  .transform((referrer, ctx) => {
    const source = referrerSource(referrer);
    if (source === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return z.NEVER;
    }
    return source;
  })
  .nullish();

const COUNTRY_RULE = 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"';

export const eventInputSchema = z.object({
  siteId: siteIdSchema,
  eventType: z
    .string({ message: 'is required and must be a string' })
    .min(1, 'must be 1-64 characters')
    .max(64, 'must be 1-64 characters'),
  path: z
    .string({ message: 'must be a string' })
    .max(2048, 'must be at most 2048 characters')
    .startsWith('/', 'must start with "/"')
    .nullish(),
  userId: z
    .string({ message: 'must be a string' })
    .min(1, 'must be 1-256 characters')
    .max(256, 'must be 1-256 characters')
    .nullish(),
  eventId: z
    .string({ message: 'must be a string' })
    .min(1, 'must be 1-128 characters')
    .max(128, 'must be 1-128 characters')
    .nullish(),
  timestamp: z.string({ message: 'is required and must be an ISO 8601 date-time' }).transform((s, ctx) => {
    const ms = parseDateTime(s);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time with an offset or Z' });
      return z.NEVER;
    }
    return ms;
  }),
});

/**
 * Where the visitor came from and what they use (docs/api.md, "Event attributes"). A schema of
 * their own, parsed only for input that carries any of them: eight more optional keys in the
 * event schema cost every event (~1-2 µs in a mixed batch on the development machine), most of
 * which carry none.
 */
const attributesSchema = z.object({
  referrer: referrerSchema,
  utmSource: text(256),
  utmMedium: text(256),
  utmCampaign: text(256),
  browser: text(64),
  os: text(64),
  device: z.enum(DEVICES, { message: 'must be "desktop", "mobile" or "tablet"' }).nullish(),
  /** accepted in either case, stored upper-case */
  country: z
    .string({ message: COUNTRY_RULE })
    .transform((code, ctx) => {
      const upper = code.toUpperCase();
      if (!COUNTRY_CODES.has(upper)) {
        ctx.addIssue({ code: 'custom', message: COUNTRY_RULE });
        return z.NEVER;
      }
      return upper;
    })
    .nullish(),
});

export type EventInput = z.input<typeof eventInputSchema> & z.input<typeof attributesSchema>;

/** For GraphQL input, whose DateTime scalar has already parsed the timestamp to epoch ms. */
const parsedEventInputSchema = eventInputSchema.extend({ timestamp: z.number() });

export interface InputProblem {
  /** dotted path of the bad field, e.g. "timestamp" or "inputs.3.siteId" */
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: InputProblem[] };

function toProblems(error: z.ZodError, prefix: (string | number)[]): InputProblem[] {
  return error.issues.map((issue) => ({
    field: [...prefix, ...issue.path].join('.') || '(input)',
    message: issue.message,
  }));
}

type Attributes = z.output<typeof attributesSchema>;
const NO_ATTRIBUTES: Attributes = Object.freeze({});

function toRecord(v: z.output<typeof eventInputSchema>, a: Attributes): EventRecord {
  return {
    id: undefined,
    siteId: v.siteId,
    eventType: v.eventType,
    path: v.path ?? null,
    userId: v.userId ?? null,
    timestamp: v.timestamp,
    clientEventId: v.eventId ?? null,
    source: a.referrer ?? null,
    utmSource: a.utmSource ?? null,
    utmMedium: a.utmMedium ?? null,
    utmCampaign: a.utmCampaign ?? null,
    browser: a.browser ?? null,
    os: a.os ?? null,
    device: a.device ?? null,
    country: a.country ?? null,
  };
}

const EVENT_KEYS = new Set(Object.keys(eventInputSchema.shape));

/**
 * Whether the input has a key besides the event's own (then the attributes schema runs). Its own
 * keys are walked rather than the eight attribute names looked up: loads of absent properties
 * made validation ~1 µs slower per event (measured), walking a handful of keys costs ~nothing.
 */
function carriesAttributes(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  for (const key in input) if (!EVENT_KEYS.has(key)) return true;
  return false;
}

type Validator = (input: unknown, prefix?: (string | number)[]) => Validated<EventRecord>;

/** The zod schemas' verdict: the record, or every problem with its field and message. */
function zodValidator(schema: typeof eventInputSchema | typeof parsedEventInputSchema): Validator {
  return (input, prefix = []) => {
    const result = schema.safeParse(input);
    let attributes = NO_ATTRIBUTES;
    let problems = result.success ? null : toProblems(result.error, prefix);
    if (carriesAttributes(input)) {
      const parsed = attributesSchema.safeParse(input);
      if (parsed.success) attributes = parsed.data;
      else problems = [...(problems ?? []), ...toProblems(parsed.error, prefix)];
    }
    return problems === null && result.success
      ? { ok: true, value: toRecord(result.data, attributes) }
      : { ok: false, problems: problems ?? [] };
  };
}

/** The zod schemas alone (what the fast path below falls back to), for raw input. */
export const validateEventByZod = zodValidator(eventInputSchema);
/** The zod schemas alone, for GraphQL input. */
export const validateParsedEventByZod = zodValidator(parsedEventInputSchema);

// The fast path. zod's safeParse costs a few µs an event (payload and issue objects per field,
// checks walked one by one) and every adapter pays it per event, while nearly every input a
// client sends is plainly valid. fastRecord checks the same rules by hand and gives the same
// record; whenever anything is not plainly valid it gives up (null) and the zod schemas decide,
// so every refusal, field and message comes from zod as before. It may only accept what the
// schemas accept: test/unit/ingestion/request-fast.property.test.ts checks that over random inputs.

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;
/** absent (undefined or null), or text of 1..max characters */
const isOptionalText = (value: unknown, max: number): boolean => value == null || isText(value, max);
const DEVICE_SET: ReadonlySet<unknown> = new Set(DEVICES);

/** Raw input: an ISO 8601 string with an offset or Z. */
const rawTimestamp = parseDateTime;
/** GraphQL input: epoch ms from the DateTime scalar (z.number(): finite). */
const parsedTimestamp = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Fills the attributes into `record` as attributesSchema would give them; false when any of them
 * is not plainly valid.
 */
function fastAttributes(e: Record<string, unknown>, record: EventRecord): boolean {
  const { referrer, utmSource, utmMedium, utmCampaign, browser, os, device, country } = e;
  if (
    !isOptionalText(utmSource, 256) ||
    !isOptionalText(utmMedium, 256) ||
    !isOptionalText(utmCampaign, 256) ||
    !isOptionalText(browser, 64) ||
    !isOptionalText(os, 64) ||
    (device != null && !DEVICE_SET.has(device))
  ) {
    return false;
  }
  if (referrer != null) {
    if (typeof referrer !== 'string' || referrer.length > 2048) return false;
    const source = referrerSource(referrer);
    if (source === undefined) return false;
    record.source = source;
  }
  if (country != null) {
    if (typeof country !== 'string') return false;
    const upper = country.toUpperCase();
    if (!COUNTRY_CODES.has(upper)) return false;
    record.country = upper;
  }
  record.utmSource = (utmSource as string | null | undefined) ?? null;
  record.utmMedium = (utmMedium as string | null | undefined) ?? null;
  record.utmCampaign = (utmCampaign as string | null | undefined) ?? null;
  record.browser = (browser as string | null | undefined) ?? null;
  record.os = (os as string | null | undefined) ?? null;
  record.device = (device as string | null | undefined) ?? null;
  return true;
}

/** The record the schemas would give `input`, or null when it is not plainly valid (then ask zod). */
function fastRecord(input: unknown, timestampOf: (value: unknown) => number | null): EventRecord | null {
  // z.object takes any non-array object and reads its fields as properties (inherited ones too).
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const e = input as Record<string, unknown>;
  const { siteId, eventType, path, userId, eventId } = e;
  if (typeof siteId !== 'string' || siteId.length > 128 || !SITE_ID_CHARS.test(siteId)) return null;
  if (!isText(eventType, 64)) return null;
  if (path != null && (typeof path !== 'string' || path.length > 2048 || !path.startsWith('/'))) return null;
  if (!isOptionalText(userId, 256) || !isOptionalText(eventId, 128)) return null;
  const timestamp = timestampOf(e.timestamp);
  if (timestamp === null) return null;
  // The same fields in the same order as toRecord: one object shape for every record.
  const record: EventRecord = {
    id: undefined,
    siteId,
    eventType,
    path: (path as string | null | undefined) ?? null,
    userId: (userId as string | null | undefined) ?? null,
    timestamp,
    clientEventId: (eventId as string | null | undefined) ?? null,
    source: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    browser: null,
    os: null,
    device: null,
    country: null,
  };
  if (carriesAttributes(input) && !fastAttributes(e, record)) return null;
  return record;
}

function validator(timestampOf: (value: unknown) => number | null, byZod: Validator): Validator {
  return (input, prefix) => {
    const record = fastRecord(input, timestampOf);
    return record !== null ? { ok: true, value: record } : byZod(input, prefix);
  };
}

/** Validates raw input (REST, pixel): the timestamp is an ISO 8601 string. */
export const validateEvent = validator(rawTimestamp, validateEventByZod);
/** Validates GraphQL input: the same rules, with the timestamp already parsed by the DateTime scalar. */
export const validateParsedEvent = validator(parsedTimestamp, validateParsedEventByZod);

/**
 * validateEvent for input whose absent timestamp means `now` (the pixel, docs/api.md "Tracking
 * pixel"): the outcome validateEvent gives the input with `now`'s ISO 8601 string filled in, without
 * making and parsing that string when the input is plainly valid. Fills it in otherwise.
 */
export function validateEventAt(input: Record<string, unknown>, now: number): Validated<EventRecord> {
  if (input.timestamp === undefined) {
    // toISOString's form (…T…:…:….sssZ) parses back to the same epoch ms.
    const record = fastRecord(input, () => now);
    if (record !== null) return { ok: true, value: record };
    input.timestamp = new Date(now).toISOString();
  }
  return validateEvent(input);
}

/** The validators with a fast path, and how each reads the timestamp. */
const FAST_TIMESTAMPS = new Map<Validator, (value: unknown) => number | null>([
  [validateEvent, rawTimestamp],
  [validateParsedEvent, parsedTimestamp],
]);

/** Validates a batch all or nothing: any bad event makes the whole batch invalid. */
export function validateEvents(
  inputs: readonly unknown[],
  prefix = 'inputs',
  validate: Validator = validateEvent,
): Validated<EventRecord[]> {
  if (inputs.length < 1 || inputs.length > MAX_BATCH) {
    return {
      ok: false,
      problems: [{ field: prefix, message: `must hold 1-${MAX_BATCH} events, got ${inputs.length}` }],
    };
  }
  const records: EventRecord[] = new Array(inputs.length);
  const problems: InputProblem[] = [];
  // validateEvent and validateParsedEvent's fast path straight away: no field prefix and result
  // object per event unless zod has to decide.
  const timestampOf = FAST_TIMESTAMPS.get(validate);
  for (let i = 0; i < inputs.length; i++) {
    const record = timestampOf === undefined ? null : fastRecord(inputs[i], timestampOf);
    if (record !== null) {
      records[i] = record;
      continue;
    }
    const v = validate(inputs[i], [prefix, i]);
    if (v.ok) records[i] = v.value;
    else problems.push(...v.problems);
  }
  return problems.length ? { ok: false, problems } : { ok: true, value: records };
}

export function describeProblems(problems: readonly InputProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}
