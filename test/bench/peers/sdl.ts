// The schema every peer server serves: Pulse's own `EventInput` (and the `DateTime` scalar it
// uses), read from `schema.graphql` at the repository root at startup so the peers coerce exactly
// the input Pulse coerces, plus do-nothing `recordEvent`/`recordEvents` mutations whose answers
// have the shape of Pulse's (`RecordEventPayload.accepted: Boolean!`, `RecordEventsPayload.accepted: Int!`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMA_FILE = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));

/** One top-level definition (`input EventInput { … }`) cut out of an SDL document by its header. */
export function extractDefinition(sdl: string, header: string): string {
  const start = sdl.indexOf(`\n${header} {`);
  if (start === -1) throw new Error(`schema.graphql has no "${header} {" definition`);
  const end = sdl.indexOf('\n}', start);
  if (end === -1) throw new Error(`schema.graphql: "${header}" is not closed`);
  return sdl.slice(start + 1, end + 2);
}

const pulseSdl = readFileSync(SCHEMA_FILE, 'utf8');

/** The peers' SDL: Pulse's EventInput verbatim, and the two mutations with Pulse's signatures. */
export const PEER_SDL = `
scalar DateTime

${extractDefinition(pulseSdl, 'input EventInput')}

type RecordEventPayload {
  accepted: Boolean!
}

type RecordEventsPayload {
  accepted: Int!
}

type Query {
  ok: Boolean!
}

type Mutation {
  recordEvent(input: EventInput!): RecordEventPayload!
  recordEvents(inputs: [EventInput!]!): RecordEventsPayload!
}
`;

/** Stands in for Pulse's ring buffer, emptied at Pulse's flush batch size like baseline-server.ts. */
const BATCH = 5000;
let events: unknown[] = [];

function keep(event: unknown): void {
  events.push(event);
  if (events.length >= BATCH) events = [];
}

const ACCEPTED_ONE = { accepted: true };

/** The do-nothing resolvers: push the input(s), answer `accepted`. */
export const peerResolvers = {
  Query: { ok: () => true },
  Mutation: {
    recordEvent: (_: unknown, args: { input: unknown }) => {
      keep(args.input);
      return ACCEPTED_ONE;
    },
    recordEvents: (_: unknown, args: { inputs: unknown[] }) => {
      for (const e of args.inputs) keep(e);
      return { accepted: args.inputs.length };
    },
  },
};

export function announce(name: string, port: number): void {
  process.stdout.write(`Peer ${name} listening on http://127.0.0.1:${port}\n`);
}

export function exitOnSignal(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
}
