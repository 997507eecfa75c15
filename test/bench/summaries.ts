// The benchmark's report sections: per-case medians and ratios, CPU per request, events stored,
// memory, flush throughput, and the one-line summary; each prints and returns what it printed.
import type { CpuUsage } from './cpu.js';
import { type FlushRun, flushMethods, PLAIN } from './flush.js';
import { BATCH_EVENTS, type LoadCase, type LoadResult, type Target } from './http-load.js';
import type { RssSampler } from './processes.js';
import { fmtInt, fmtMb, fmtMs, fmtRatio, median, table } from './report.js';

/** Other processes above this many cores during a run make it "noisy" in the report. */
export const NOISY_CORES = 0.25;

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
  /** cores used during the load by Pulse/baseline, the bench process (autocannon) and others */
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

export interface CaseSummary {
  case: LoadCase['id'];
  label: string;
  eventsPerRequest: number;
  pulse: CaseMedians;
  baseline: CaseMedians;
  ratio: { reqPerSec: number; p50: number; p99: number; cpuUsPerReq: number };
  failures: { pulse: number; baseline: number };
}

export function printHttp(cases: LoadCase[], runs: HttpRun[]): CaseSummary[] {
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
    summaries.push({
      case: c.id,
      label: c.label,
      eventsPerRequest: c.eventsPerRequest,
      pulse,
      baseline,
      ratio: {
        reqPerSec: pulse.reqPerSec / baseline.reqPerSec,
        p50: pulse.p50 / baseline.p50,
        p99: pulse.p99 / baseline.p99,
        cpuUsPerReq: pulse.cpuUsPerReq / baseline.cpuUsPerReq,
      },
      failures: { pulse: fails(pick('pulse')), baseline: fails(pick('baseline')) },
    });
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
      `  median: ${fmtInt(storedSummary.medianStoredPerSec)} events/s stored (${fmtInt(storedSummary.medianAckedPerSec)} events/s acknowledged)`,
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
) {
  log();
  log('== Pulse server memory (VmRSS sampled every 100 ms over the whole bench)');
  if (!rss) return undefined;
  const phases = Object.fromEntries(rss.phasePeaks);
  log(`  peak RSS ${fmtMb(rss.peak)} (VmHWM ${hwm === null ? 'n/a' : fmtMb(hwm)}, ${rss.samples} samples)`);
  log(`  per phase: ${[...rss.phasePeaks].map(([p, b]) => `${p} ${fmtMb(b)}`).join(', ')}`);
  const roundPeaks = Array.from({ length: rounds }, (_, i) => rss.phasePeaks.get(`round ${i + 1}`) ?? 0);
  if (roundPeaks.length > 1) {
    const growth = (roundPeaks[roundPeaks.length - 1] ?? 0) - (roundPeaks[0] ?? 0);
    log(`  round peaks ${roundPeaks.map(fmtMb).join(' → ')} (last − first: ${growth >= 0 ? '+' : ''}${fmtMb(growth)})`);
  }
  if (base) log(`  baseline server: peak RSS ${fmtMb(base.peak)} (VmHWM ${baseHwm === null ? 'n/a' : fmtMb(baseHwm)})`);
  return { peak: rss.peak, vmHwm: hwm, phases, roundPeaks, baselinePeak: base?.peak, baselineVmHwm: baseHwm };
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
      `${s.case} ${fmtInt(s.pulse.reqPerSec)} req/s (${fmtRatio(s.ratio.reqPerSec)} baseline, p99 ${fmtMs(s.pulse.p99)})`,
    );
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
  const memory = results.memory as { peak: number } | undefined;
  if (memory) parts.push(`Pulse peak RSS ${fmtMb(memory.peak)}`);
  if (http?.noisyRuns)
    parts.push(`${http.noisyRuns}/${http.runs.length} HTTP runs had other load >= ${NOISY_CORES} cores`);
  return parts.join(' | ');
}
