// The benchmark's report sections: per-case medians and ratios, the GraphQL peers, CPU per
// request, events stored, memory, flush throughput, the goals of issue #12, and the one-line
// summary; each prints and returns what it printed.
import type { CpuUsage } from './cpu.js';
import { type FlushRun, flushMethods, PLAIN } from './flush.js';
import { BATCH_EVENTS, type LoadCase, type LoadResult, type Target } from './http-load.js';
import type { RssSampler } from './processes.js';
import { fmtInt, fmtMb, fmtMs, fmtPct, fmtRatio, median, table } from './report.js';

/** Other processes above this many cores during a run make it "noisy" in the report. */
export const NOISY_CORES = 0.25;

/** The goals of issue #12 (docs/performance.md), checked by printGoals. */
export const STORED_GOAL = 150_000;
const PEER_GOAL = { peer: 'mercurius-jit', ratio: 1.0 };
const BARE_GOAL = 0.8;
const P99_GOALS: Record<LoadCase['id'], { ms: number; connections: number }> = {
  recordEvent: { ms: 10, connections: 50 },
  pixel: { ms: 10, connections: 50 },
  restEvent: { ms: 10, connections: 50 },
  recordEvents: { ms: 50, connections: 10 },
};
const RSS_GOAL = 250 * 1024 * 1024;
/** "flat across rounds": the last round's peak RSS at most this fraction above the first round's */
export const RSS_FLAT_GROWTH = 0.05;

export const log = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

export interface HttpRun extends LoadResult {
  round: number;
  case: LoadCase['id'];
  target: Target;
  /** Pulse only: events in the database before the run and after it settled */
  storedBefore?: number;
  storedAfter?: number;
  /** Pulse only: from start of load to the last row stored */
  storedSeconds?: number;
  storedPerSec?: number;
  /** cores used during the load by Pulse, the baseline, the peers, the bench process (autocannon) and others */
  cpu: CpuUsage;
  /** the server's CPU time per answered request (Pulse: until its buffer drained, so flushes count) */
  serverCpuUsPerReq: number;
}

export interface CaseMedians {
  reqPerSec: number;
  okReqPerSec: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
}

export interface PeerMedians extends CaseMedians {
  failures: number;
}

export interface CaseSummary {
  case: LoadCase['id'];
  label: string;
  eventsPerRequest: number;
  connections: number;
  pulse: CaseMedians;
  baseline: CaseMedians;
  ratio: { reqPerSec: number; p50: number; p99: number; cpuUsPerReq: number };
  failures: { pulse: number; baseline: number };
  /** GraphQL cases with peers: each peer's medians */
  peers?: Record<string, PeerMedians>;
  /** the peer with the highest median req/s, and Pulse / it */
  fastestPeer?: { name: string; reqPerSec: number; ratio: { reqPerSec: number; cpuUsPerReq: number } };
}

export function printHttp(cases: LoadCase[], runs: HttpRun[], peerNames: readonly string[] = []): CaseSummary[] {
  const summaries: CaseSummary[] = [];
  for (const c of cases) {
    const pick = (target: Target) => runs.filter((r) => r.case === c.id && r.target === target);
    const med = (rs: HttpRun[]) => ({
      reqPerSec: median(rs.map((r) => r.reqPerSec)),
      okReqPerSec: median(rs.map((r) => r.okReqPerSec)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuUsPerReq: median(rs.map((r) => r.serverCpuUsPerReq)),
    });
    const fails = (rs: HttpRun[]) => rs.reduce((n, r) => n + r.non2xx + r.mismatches + r.errors + r.timeouts, 0);
    const pulse = med(pick('pulse'));
    const baseline = med(pick('baseline'));
    const summary: CaseSummary = {
      case: c.id,
      label: c.label,
      eventsPerRequest: c.eventsPerRequest,
      connections: c.connections,
      pulse,
      baseline,
      ratio: {
        reqPerSec: pulse.reqPerSec / baseline.reqPerSec,
        p50: pulse.p50 / baseline.p50,
        p99: pulse.p99 / baseline.p99,
        cpuUsPerReq: pulse.cpuUsPerReq / baseline.cpuUsPerReq,
      },
      failures: { pulse: fails(pick('pulse')), baseline: fails(pick('baseline')) },
    };
    const ran = peerNames.filter((name) => pick(name).length > 0);
    if (c.graphql && ran.length > 0) {
      summary.peers = Object.fromEntries(
        ran.map((name) => [name, { ...med(pick(name)), failures: fails(pick(name)) }]),
      );
      const [name, fastest] = Object.entries(summary.peers).sort((a, b) => b[1].reqPerSec - a[1].reqPerSec)[0] as [
        string,
        PeerMedians,
      ];
      summary.fastestPeer = {
        name,
        reqPerSec: fastest.reqPerSec,
        ratio: { reqPerSec: pulse.reqPerSec / fastest.reqPerSec, cpuUsPerReq: pulse.cpuUsPerReq / fastest.cpuUsPerReq },
      };
    }
    summaries.push(summary);
  }
  log();
  log('== HTTP: medians across rounds (ratio = Pulse / baseline; req/s: higher is better, latency: lower is better)');
  log(
    table(
      [
        'case',
        'Pulse req/s',
        'base req/s',
        'ratio',
        'Pulse p50',
        'base p50',
        'ratio',
        'Pulse p99',
        'base p99',
        'ratio',
        'Pulse ev/s',
        'failed',
      ],
      summaries.map((s) => [
        s.label,
        fmtInt(s.pulse.reqPerSec),
        fmtInt(s.baseline.reqPerSec),
        fmtRatio(s.ratio.reqPerSec),
        fmtMs(s.pulse.p50),
        fmtMs(s.baseline.p50),
        fmtRatio(s.ratio.p50),
        fmtMs(s.pulse.p99),
        fmtMs(s.baseline.p99),
        fmtRatio(s.ratio.p99),
        fmtInt(s.pulse.okReqPerSec * s.eventsPerRequest),
        `${s.failures.pulse}/${s.failures.baseline}`,
      ]),
    ),
  );
  log('(Pulse ev/s = events acknowledged per second; failed = non-2xx, wrong body, errors, timeouts: Pulse/baseline)');
  printPeers(summaries);
  const others = runs.map((r) => r.cpu.other);
  const noisy = others.filter((x) => x >= NOISY_CORES).length;
  const pulseCores = median(runs.filter((r) => r.target === 'pulse').map((r) => r.cpu.own.pulse ?? 0));
  const benchCores = median(runs.map((r) => r.cpu.own.bench ?? 0));
  log(
    `CPU during measured runs: Pulse median ${pulseCores.toFixed(2)} cores, autocannon median ${benchCores.toFixed(2)} cores; ` +
      `other processes median ${median(others).toFixed(2)}, max ${Math.max(0, ...others).toFixed(2)} cores` +
      `${noisy ? ` — ${noisy} of ${runs.length} runs NOISY (others >= ${NOISY_CORES} cores)` : ''}`,
  );
  log();
  log(
    '== server CPU per request (medians; less sensitive to other load than req/s; Pulse includes draining its buffer)',
  );
  log(
    table(
      ['case', 'Pulse µs/req', 'base µs/req', 'ratio', 'Pulse µs/event'],
      summaries.map((s) => [
        s.label,
        fmtInt(s.pulse.cpuUsPerReq),
        fmtInt(s.baseline.cpuUsPerReq),
        fmtRatio(s.ratio.cpuUsPerReq),
        (s.pulse.cpuUsPerReq / s.eventsPerRequest).toFixed(1),
      ]),
    ),
  );
  return summaries;
}

/** Events stored per second by the recordEvents runs, and the acknowledged-vs-stored check of every Pulse run. */
/** Per GraphQL case: Pulse, the baseline and every peer side by side, and Pulse / the fastest peer. */
function printPeers(summaries: readonly CaseSummary[]): void {
  const withPeers = summaries.filter((s) => s.peers && s.fastestPeer);
  if (withPeers.length === 0) return;
  log();
  log(
    '== GraphQL peers: the same document against do-nothing resolvers over the same EventInput (medians; ' +
      'Pulse ÷ server: req/s higher is better for Pulse, CPU lower is better for Pulse)',
  );
  for (const s of withPeers) {
    const fastest = s.fastestPeer as NonNullable<CaseSummary['fastestPeer']>;
    const rows: [string, CaseMedians, number][] = [
      ['Pulse', s.pulse, s.failures.pulse],
      ['bare node:http', s.baseline, s.failures.baseline],
      ...Object.entries(s.peers ?? {}).map(([name, m]): [string, CaseMedians, number] => [
        name === fastest.name ? `${name} (fastest peer)` : name,
        m,
        m.failures,
      ]),
    ];
    log(`${s.label}`);
    log(
      table(
        ['  server', 'req/s', 'p50', 'p99', 'CPU µs/req', 'Pulse ÷ req/s', 'Pulse ÷ CPU', 'failed'],
        rows.map(([name, m, failed]) => [
          `  ${name}`,
          fmtInt(m.reqPerSec),
          fmtMs(m.p50),
          fmtMs(m.p99),
          fmtInt(m.cpuUsPerReq),
          fmtRatio(s.pulse.reqPerSec / m.reqPerSec),
          fmtRatio(s.pulse.cpuUsPerReq / m.cpuUsPerReq),
          String(failed),
        ]),
      ),
    );
    log(
      `  ${s.case}: Pulse ÷ bare ${fmtRatio(s.ratio.reqPerSec)}, Pulse ÷ fastest peer (${fastest.name}) ${fmtRatio(fastest.ratio.reqPerSec)} req/s`,
    );
  }
}

export function printStored(cases: readonly LoadCase[], runs: readonly HttpRun[]) {
  const storedRuns = runs.filter((r) => r.target === 'pulse' && r.case === 'recordEvents');
  const storedSummary = storedRuns.length
    ? {
        perRound: storedRuns.map((r) => ({
          round: r.round,
          stored: (r.storedAfter ?? 0) - (r.storedBefore ?? 0),
          acked: r.ok * BATCH_EVENTS,
          seconds: r.storedSeconds,
          storedPerSec: r.storedPerSec,
        })),
        medianStoredPerSec: median(storedRuns.map((r) => r.storedPerSec ?? 0)),
        medianAckedPerSec: median(storedRuns.map((r) => r.okReqPerSec * BATCH_EVENTS)),
      }
    : undefined;
  if (storedSummary) {
    log();
    log('== events stored end to end via recordEvents (rows counted in SQLite; start of load → last row stored)');
    for (const r of storedSummary.perRound) {
      log(
        `  round ${r.round}: ${fmtInt(r.stored)} rows in ${(r.seconds ?? 0).toFixed(2)} s = ${fmtInt(r.storedPerSec ?? 0)} events/s stored (acked ${fmtInt(r.acked)})`,
      );
    }
    log(
      `  median: ${fmtInt(storedSummary.medianStoredPerSec)} events/s stored (goal ≥ ${fmtInt(STORED_GOAL)}; ${fmtInt(storedSummary.medianAckedPerSec)} events/s acknowledged)`,
    );
  }
  const integrity = runs
    .filter((r) => r.target === 'pulse')
    .map((r) => {
      const c = cases.find((x) => x.id === r.case) as LoadCase;
      return { stored: (r.storedAfter ?? 0) - (r.storedBefore ?? 0), acked: r.ok * c.eventsPerRequest };
    });
  const short = integrity.filter((x) => x.stored < x.acked).length;
  log(
    short
      ? `WARNING: ${short} Pulse run(s) stored fewer events than were acknowledged`
      : `integrity: every Pulse run stored at least the events it acknowledged (extra = requests in flight when autocannon stopped)`,
  );
  return { ...storedSummary, pulseRunsStoringFewerThanAcked: short };
}

export function printRss(
  rss: RssSampler | undefined,
  hwm: number | null,
  base: RssSampler | undefined,
  baseHwm: number | null,
  rounds: number,
  peerHwm: Record<string, number | null> = {},
) {
  log();
  log('== Pulse server memory (VmRSS sampled every 100 ms over the whole bench)');
  if (!rss) return undefined;
  const phases = Object.fromEntries(rss.phasePeaks);
  log(`  peak RSS ${fmtMb(rss.peak)} (VmHWM ${hwm === null ? 'n/a' : fmtMb(hwm)}, ${rss.samples} samples)`);
  log(`  per phase: ${[...rss.phasePeaks].map(([p, b]) => `${p} ${fmtMb(b)}`).join(', ')}`);
  const roundPeaks = Array.from({ length: rounds }, (_, i) => rss.phasePeaks.get(`round ${i + 1}`) ?? 0);
  let roundGrowth: number | undefined;
  if (roundPeaks.length > 1) {
    roundGrowth = (roundPeaks[roundPeaks.length - 1] ?? 0) - (roundPeaks[0] ?? 0);
    log(
      `  round peaks ${roundPeaks.map(fmtMb).join(' → ')} (last − first: ${roundGrowth >= 0 ? '+' : ''}${fmtMb(roundGrowth)}, ` +
        `${fmtPct(roundGrowth / (roundPeaks[0] || 1))})`,
    );
  }
  if (base) log(`  baseline server: peak RSS ${fmtMb(base.peak)} (VmHWM ${baseHwm === null ? 'n/a' : fmtMb(baseHwm)})`);
  const peers = Object.entries(peerHwm);
  if (peers.length)
    log(`  peers' VmHWM: ${peers.map(([name, b]) => `${name} ${b === null ? 'n/a' : fmtMb(b)}`).join(', ')}`);
  return {
    peak: rss.peak,
    vmHwm: hwm,
    phases,
    roundPeaks,
    roundGrowth,
    baselinePeak: base?.peak,
    baselineVmHwm: baseHwm,
    peerVmHwm: peerHwm,
  };
}

export function printFlush(runs: FlushRun[]) {
  const med = (id: string) => median(runs.filter((r) => r.method === id).map((r) => r.rowsPerSec));
  const plain = med(PLAIN);
  const rows = flushMethods().map((m) => ({
    method: m.id,
    label: m.label,
    rowsPerSec: med(m.id),
    ratio: med(m.id) / plain,
  }));
  log('  medians (ratio = method / plain better-sqlite3):');
  log(
    table(
      ['method', 'rows/s', 'ratio'],
      rows.map((r) => [r.label, fmtInt(r.rowsPerSec), fmtRatio(r.ratio)]),
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  return rows;
}

export function summaryLine(results: Record<string, unknown>): string {
  const parts: string[] = [];
  const http = results.http as { summaries: CaseSummary[]; runs: HttpRun[]; noisyRuns: number } | undefined;
  for (const s of http?.summaries ?? []) {
    parts.push(
      `${s.case} ${fmtInt(s.pulse.reqPerSec)} req/s (${fmtRatio(s.ratio.reqPerSec)} baseline, p99 ${fmtMs(s.pulse.p99)} @${s.connections}c)`,
    );
  }
  for (const s of http?.summaries ?? []) {
    if (s.fastestPeer)
      parts.push(`${s.case} ÷ fastest peer (${s.fastestPeer.name}) = ${s.fastestPeer.ratio.reqPerSec.toFixed(2)}`);
  }
  const stored = results.stored as { medianStoredPerSec?: number; pulseRunsStoringFewerThanAcked: number } | undefined;
  if (stored?.pulseRunsStoringFewerThanAcked) parts.push(`${stored.pulseRunsStoringFewerThanAcked} runs LOST EVENTS`);
  if (stored?.medianStoredPerSec !== undefined) parts.push(`stored ${fmtInt(stored.medianStoredPerSec)} events/s`);
  const flush = (results.flush as { summary: { method: string; rowsPerSec: number; ratio: number }[] } | undefined)
    ?.summary;
  for (const id of ['insertEvents', 'eventWriter']) {
    const m = flush?.find((f) => f.method === id);
    if (m) parts.push(`flush ${id} ${fmtInt(m.rowsPerSec)} rows/s (${fmtRatio(m.ratio)} better-sqlite3)`);
  }
  const memory = results.memory as { peak: number; roundGrowth?: number } | undefined;
  if (memory)
    parts.push(
      `Pulse peak RSS ${fmtMb(memory.peak)}${memory.roundGrowth === undefined ? '' : ` (rounds ${memory.roundGrowth >= 0 ? '+' : ''}${fmtMb(memory.roundGrowth)})`}`,
    );
  const goals = results.goals as GoalRow[] | undefined;
  if (goals) {
    const missed = goals.filter((g) => g.status === 'MISSED').length;
    const met = goals.filter((g) => g.status === 'met').length;
    parts.push(`goals met ${met}/${met + missed}`);
  }
  if (http?.noisyRuns)
    parts.push(`${http.noisyRuns}/${http.runs.length} HTTP runs had other load >= ${NOISY_CORES} cores`);
  return parts.join(' | ');
}

export interface GoalRow {
  goal: string;
  target: string;
  measured: string;
  status: 'met' | 'MISSED' | 'n/a';
  note?: string;
}

/** The goals of issue #12 against this run's medians: measured value, met or missed (n/a when not measured). */
export function printGoals(results: Record<string, unknown>): GoalRow[] {
  const http = results.http as { summaries: CaseSummary[] } | undefined;
  const byCase = (id: LoadCase['id']) => http?.summaries.find((s) => s.case === id);
  const rows: GoalRow[] = [];
  const row = (
    goal: string,
    target: string,
    value: number | undefined,
    fmt: (n: number) => string,
    ok: (n: number) => boolean,
    note?: string,
  ) => {
    const measured = value === undefined || !Number.isFinite(value) ? undefined : value;
    rows.push({
      goal,
      target,
      measured: measured === undefined ? '—' : fmt(measured),
      status: measured === undefined ? 'n/a' : ok(measured) ? 'met' : 'MISSED',
      ...(note ? { note } : {}),
    });
  };

  const re = byCase('recordEvent');
  const peer = re?.peers?.[PEER_GOAL.peer];
  row(
    `recordEvent req/s ÷ ${PEER_GOAL.peer}`,
    `≥ ${PEER_GOAL.ratio.toFixed(2)}`,
    peer && re ? re.pulse.reqPerSec / peer.reqPerSec : undefined,
    fmtRatio,
    (n) => n >= PEER_GOAL.ratio,
    !re
      ? 'recordEvent not run'
      : !peer
        ? `${PEER_GOAL.peer} not run`
        : // CPU per request moves less than req/s when other processes share the machine.
          `CPU µs/req Pulse ÷ ${PEER_GOAL.peer} ${fmtRatio(re.pulse.cpuUsPerReq / peer.cpuUsPerReq)}` +
          (re.fastestPeer ? `; fastest peer ${re.fastestPeer.name}: ${fmtRatio(re.fastestPeer.ratio.reqPerSec)}` : ''),
  );
  for (const id of ['restEvent', 'pixel'] as const) {
    const s = byCase(id);
    row(
      `${s?.label.replace(/ @\d+c$/, '') ?? id} req/s ÷ bare node:http`,
      `≥ ${BARE_GOAL.toFixed(2)}`,
      s?.ratio.reqPerSec,
      fmtRatio,
      (n) => n >= BARE_GOAL,
      s ? undefined : `${id} not run`,
    );
  }
  const stored = results.stored as { medianStoredPerSec?: number } | undefined;
  row(
    'events/s stored end to end via recordEvents (median)',
    `≥ ${fmtInt(STORED_GOAL)}`,
    stored?.medianStoredPerSec,
    fmtInt,
    (n) => n >= STORED_GOAL,
    stored?.medianStoredPerSec === undefined ? 'recordEvents not run' : undefined,
  );
  for (const id of ['recordEvent', 'restEvent', 'pixel', 'recordEvents'] as const) {
    const s = byCase(id);
    const g = P99_GOALS[id];
    const comparable = s !== undefined && s.connections === g.connections;
    row(
      `p99 ${id} at ${g.connections} connections`,
      `≤ ${g.ms} ms`,
      comparable ? s.pulse.p99 : undefined,
      fmtMs,
      (n) => n <= g.ms,
      !s ? `${id} not run` : comparable ? undefined : `ran at ${s.connections} connections`,
    );
  }
  const memory = results.memory as { peak: number; roundPeaks: number[]; roundGrowth?: number } | undefined;
  row(
    'Pulse peak RSS during the whole bench',
    `≤ ${fmtMb(RSS_GOAL)}`,
    memory?.peak,
    fmtMb,
    (n) => n <= RSS_GOAL,
    memory ? undefined : 'HTTP not run',
  );
  const first = memory?.roundPeaks[0];
  row(
    'Pulse RSS flat across rounds (last − first round peak)',
    `≤ +${fmtPct(RSS_FLAT_GROWTH)} of round 1`,
    memory?.roundGrowth !== undefined && first ? memory.roundGrowth / first : undefined,
    (n) => `${fmtPct(n)} (${memory?.roundPeaks.map(fmtMb).join(' → ')})`,
    (n) => n <= RSS_FLAT_GROWTH,
    memory && memory.roundGrowth === undefined ? 'needs 2+ rounds' : undefined,
  );

  log();
  log('== goals of issue #12 (medians of this run)');
  log(
    table(
      ['goal', 'target', 'measured', 'status'],
      rows.map((r) => [r.goal, r.target, r.measured, r.note ? `${r.status} (${r.note})` : r.status]),
    ),
  );
  return rows;
}
