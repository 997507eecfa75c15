// The benchmark's own logic (test/bench/): the peers serve exactly Pulse's EventInput, answers are
// checked per server, `--peers` selects by name, and the goals table of issue #12 marks each goal
// met, MISSED or n/a from a run's medians.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildSchema, type GraphQLInputObjectType, type GraphQLObjectType } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodyCheck, loadCases, StoredEvents } from '../../bench/http-load.js';
import { PEERS, selectPeers } from '../../bench/peers/registry.js';
import { extractDefinition, PEER_SDL, peerResolvers } from '../../bench/peers/sdl.js';
import { type CaseSummary, type GoalRow, printGoals, summaryLine } from '../../bench/summaries.js';
import { ROOT } from '../../helpers/markdown.js';

const pulseSchema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
const peerSchema = buildSchema(PEER_SDL);
const cases = loadCases('2026-12-01T00:00:00.000Z');
const byId = (id: string) => cases.find((c) => c.id === id) as (typeof cases)[number];

describe('the peers’ schema', () => {
  it('has Pulse’s EventInput, field for field, and the mutations with Pulse’s signatures', () => {
    // Field names, types and defaults (descriptions aside): what variable coercion works from.
    const fields = (s: typeof pulseSchema) =>
      Object.values((s.getType('EventInput') as GraphQLInputObjectType).getFields()).map(
        (f) => `${f.name}: ${f.type}${f.defaultValue === undefined ? '' : ` = ${JSON.stringify(f.defaultValue)}`}`,
      );
    expect(fields(peerSchema)).toEqual(fields(pulseSchema));
    expect(fields(peerSchema)).toContain('timestamp: DateTime!');
    const mutation = (s: typeof pulseSchema) => {
      const fields = (s.getMutationType() as GraphQLObjectType).getFields();
      return ['recordEvent', 'recordEvents'].map((f) => {
        const field = fields[f];
        return `${f}(${field?.args.map((a) => `${a.name}: ${a.type}`).join(', ')}): ${field?.type}`;
      });
    };
    expect(mutation(peerSchema)).toEqual(mutation(pulseSchema));
  });

  it('cuts a definition out by its header, and says which one is missing', () => {
    expect(extractDefinition('type A {\n  a: Int\n}\n\ninput B {\n  b: Int\n}\n', 'input B')).toBe(
      'input B {\n  b: Int\n}',
    );
    expect(() => extractDefinition('type A {\n  a: Int\n}\n', 'input EventInput')).toThrow(
      'schema.graphql has no "input EventInput {" definition',
    );
  });

  it('answers accepted like Pulse: true for one event, the count for a batch', () => {
    expect(peerResolvers.Mutation.recordEvent(undefined, { input: { siteId: 's' } })).toEqual({ accepted: true });
    expect(peerResolvers.Mutation.recordEvents(undefined, { inputs: [{}, {}, {}] })).toEqual({ accepted: 3 });
  });
});

describe('body checks per server', () => {
  const recordEvent = byId('recordEvent');
  const ok = recordEvent.pulseBody as string;

  it('holds Pulse to its exact body', () => {
    const check = bodyCheck(recordEvent, 'pulse');
    expect(check?.(ok)).toBe(true);
    expect(check?.(`${ok}\n`)).toBe(false);
    expect(check?.('{"errors":[{"message":"x"}]}')).toBe(false);
  });

  it('lets a peer end the same JSON with a newline (@apollo/server does), and nothing else', () => {
    const check = bodyCheck(recordEvent, 'apollo');
    expect(check?.(`${ok}\n`)).toBe(true);
    expect(check?.('{"data":{"recordEvent":null},"errors":[{"message":"x"}]}')).toBe(false);
  });

  it('checks no body for the baseline or a REST case', () => {
    expect(bodyCheck(recordEvent, 'baseline')).toBeUndefined();
    expect(bodyCheck(byId('restEvent'), 'pulse')).toBeUndefined();
  });

  it('runs recordEvents at 10 connections and the single-event routes at 50, and only GraphQL cases on peers', () => {
    expect(cases.map((c) => [c.id, c.connections, c.graphql])).toEqual([
      ['recordEvent', 50, true],
      ['recordEvents', 10, true],
      ['pixel', 50, false],
      ['restEvent', 50, false],
    ]);
  });
});

describe('--peers / --no-peers', () => {
  it('starts every peer by default, none with --no-peers, the named ones with --peers', () => {
    expect(selectPeers(undefined, false).map((p) => p.name)).toEqual(['yoga', 'apollo', 'mercurius-jit']);
    expect(selectPeers('yoga,mercurius-jit', true)).toEqual([]);
    expect(selectPeers(' mercurius-jit ', false)).toEqual(PEERS.filter((p) => p.name === 'mercurius-jit'));
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => selectPeers('yoga,express', false)).toThrow(
      '--peers: unknown express (known: yoga,apollo,mercurius-jit)',
    );
  });
});

describe('the goals table of issue #12', () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const medians = (reqPerSec: number, p99: number, cpuUsPerReq = 100) => ({
    reqPerSec,
    okReqPerSec: reqPerSec,
    p50: 1,
    p99,
    cpuUsPerReq,
  });
  const summary = (
    id: CaseSummary['case'],
    connections: number,
    pulse: number,
    bare: number,
    p99: number,
    peers?: Record<string, number>,
  ): CaseSummary => ({
    case: id,
    label: `${id} @${connections}c`,
    eventsPerRequest: 1,
    connections,
    pulse: medians(pulse, p99),
    baseline: medians(bare, 1),
    ratio: { reqPerSec: pulse / bare, p50: 1, p99: p99, cpuUsPerReq: 1 },
    failures: { pulse: 0, baseline: 0 },
    ...(peers
      ? {
          peers: Object.fromEntries(Object.entries(peers).map(([n, r]) => [n, { ...medians(r, 1), failures: 0 }])),
          fastestPeer: { name: 'mercurius-jit', reqPerSec: 5000, ratio: { reqPerSec: pulse / 5000, cpuUsPerReq: 1 } },
        }
      : {}),
  });
  const status = (rows: GoalRow[], goal: string) => rows.find((r) => r.goal.startsWith(goal))?.status;

  it('marks each goal met or MISSED from the medians, and n/a for what was not measured', () => {
    const MB = 1024 * 1024;
    const results = {
      http: {
        summaries: [
          summary('recordEvent', 50, 6000, 10_000, 12, { yoga: 1000, 'mercurius-jit': 5000 }),
          summary('pixel', 50, 8000, 10_000, 9),
          summary('recordEvents', 20, 300, 3000, 40),
        ],
        runs: [],
        noisyRuns: 0,
      },
      stored: { medianStoredPerSec: 120_000, pulseRunsStoringFewerThanAcked: 0 },
      memory: { peak: 240 * MB, roundPeaks: [200 * MB, 230 * MB], roundGrowth: 30 * MB },
    };
    const rows = printGoals(results);
    expect(status(rows, 'recordEvent req/s ÷ mercurius-jit')).toBe('met'); // 6000 / 5000 = 1.2
    expect(rows.find((r) => r.goal.startsWith('recordEvent req/s'))).toMatchObject({
      measured: '1.20x',
      note: 'CPU µs/req Pulse ÷ mercurius-jit 1.00x; fastest peer mercurius-jit: 1.20x',
    });
    expect(status(rows, 'pixel')).toBe('met'); // 0.80
    expect(status(rows, 'restEvent req/s')).toBe('n/a');
    expect(status(rows, 'events/s stored')).toBe('MISSED');
    expect(status(rows, 'p99 recordEvent at 50')).toBe('MISSED'); // 12 ms
    expect(status(rows, 'p99 pixel at 50')).toBe('met'); // 9 ms
    const batch = rows.find((r) => r.goal.startsWith('p99 recordEvents'));
    expect(batch).toMatchObject({ status: 'n/a', note: 'ran at 20 connections' });
    expect(status(rows, 'Pulse peak RSS')).toBe('met');
    expect(status(rows, 'Pulse RSS flat')).toBe('MISSED'); // +15 %
    expect(out.join('')).toContain('== goals of issue #12');

    const line = summaryLine({ ...results, goals: rows });
    expect(line).toContain('recordEvent ÷ fastest peer (mercurius-jit) = 1.20');
    expect(line).toContain('goals met 4/7'); // n/a rows are not counted
  });
});

describe('StoredEvents.settle', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-bench-settle-'));
    db = new Database(join(dir, 'p.db'));
    db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO events DEFAULT VALUES');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps waiting past a quiet spell until the acknowledged events are stored', async () => {
    const stored = new StoredEvents(join(dir, 'p.db'));
    // A slow flush: the rows land after a pause several times longer than the quiet window.
    const late = setTimeout(() => db.exec('INSERT INTO events DEFAULT VALUES; INSERT INTO events DEFAULT VALUES'), 400);
    const settled = await stored.settle(3, 50, 5_000, 10);
    clearTimeout(late);
    stored.close();
    expect(settled.count).toBe(3);
  });

  it('returns a count that stays short once it has stalled, for the caller to report', async () => {
    const stored = new StoredEvents(join(dir, 'p.db'));
    const settled = await stored.settle(5, 50, 300, 10);
    stored.close();
    expect(settled.count).toBe(1);
  });
});
