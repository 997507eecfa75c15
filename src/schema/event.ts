// Ingestion over GraphQL: EventInput, recordEvent and recordEvents (all or nothing).
import { builder } from '../builder.js';
import type { PulseContext } from '../context.js';
import type { EventRecord } from '../core/event.js';
import { InputError, PulseError, toGraphQLError } from '../errors.js';
import { MAX_BATCH, validateEvents, validateParsedEvent } from '../ingestion/request.js';

const EventInput = builder.inputType('EventInput', {
  description: 'One analytics event.',
  fields: (t) => ({
    siteId: t.string({ required: true, description: '1-128 characters of [A-Za-z0-9._:-]' }),
    eventType: t.string({ required: true, description: '1-64 characters, e.g. "page_view"' }),
    path: t.string({ description: 'at most 2048 characters, starting with "/"' }),
    userId: t.string({ description: '1-256 characters; counted by uniqueUsers' }),
    timestamp: t.field({ type: 'DateTime', required: true, description: 'when the event happened' }),
    referrer: t.string({
      description:
        "the page the visitor came from: an absolute http(s) URL, at most 2048 characters; only its host is kept (the SOURCE dimension), and a referrer on the page's own host counts as none",
    }),
    utmSource: t.string({ description: '1-256 characters: the utm_source of the link the visitor followed' }),
    utmMedium: t.string({ description: '1-256 characters: the utm_medium of the link the visitor followed' }),
    utmCampaign: t.string({ description: '1-256 characters: the utm_campaign of the link the visitor followed' }),
    browser: t.string({
      description:
        '1-64 characters, e.g. "Chrome": for callers relaying a browser\'s hit; otherwise derived from the User-Agent',
    }),
    os: t.string({
      description:
        '1-64 characters, e.g. "Windows": for callers relaying a browser\'s hit; otherwise derived from the User-Agent',
    }),
    device: t.string({
      description:
        '"desktop", "mobile" or "tablet": for callers relaying a browser\'s hit; otherwise derived from the User-Agent',
    }),
    country: t.string({
      description:
        "ISO 3166-1 alpha-2 code, either case (stored upper-case): for callers relaying a browser's hit; otherwise derived from the client address",
    }),
    eventId: t.string({
      description:
        "optional, 1-128 characters: the client's id for this event; a retry with the same eventId for the same site is stored once",
    }),
  }),
});

const RecordEventPayload = builder.objectRef<{ accepted: boolean }>('RecordEventPayload').implement({
  fields: (t) => ({ accepted: t.exposeBoolean('accepted', { description: 'true: the event is buffered' }) }),
});

const RecordEventsPayload = builder.objectRef<{ accepted: number }>('RecordEventsPayload').implement({
  fields: (t) => ({ accepted: t.exposeInt('accepted', { description: 'how many events were buffered' }) }),
});

function submit(ctx: PulseContext, records: EventRecord[]): number {
  try {
    ctx.pulse.ingest.submit(records, ctx.hit?.());
  } catch (error) {
    throw error instanceof PulseError ? toGraphQLError(error) : error;
  }
  return records.length;
}

builder.mutationField('recordEvent', (t) =>
  t.field({
    type: RecordEventPayload,
    description: 'Buffers one event; answers as soon as it is accepted (written by the next flush).',
    args: { input: t.arg({ type: EventInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const valid = validateParsedEvent(input, ['input']);
      if (!valid.ok) throw toGraphQLError(new InputError(valid.problems));
      submit(ctx, [valid.value]);
      return { accepted: true };
    },
  }),
);

builder.mutationField('recordEvents', (t) =>
  t.field({
    type: RecordEventsPayload,
    description: `Buffers 1-${MAX_BATCH} events, all or nothing: one invalid event rejects the batch.`,
    args: { inputs: t.arg({ type: [EventInput], required: true }) },
    resolve: (_root, { inputs }, ctx) => {
      const valid = validateEvents(inputs, 'inputs', validateParsedEvent);
      if (!valid.ok) throw toGraphQLError(new InputError(valid.problems));
      return { accepted: submit(ctx, valid.value) };
    },
  }),
);
