// CPU accounting from /proc: how much of the machine each benchmark process used during a run,
// and how much went to everything else (another test run, a build) — the noise a reader should
// know about on a shared machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SEC = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface CpuSnapshot {
  at: number;
  /** user + nice + system ticks over all CPUs (irq/softirq excluded: our loopback traffic lands there) */
  busy: number;
  steal: number;
  /** utime + stime ticks of each watched pid */
  pids: Map<number, number>;
}

export interface CpuUsage {
  seconds: number;
  /** cores used by each named process */
  own: Record<string, number>;
  /** cores used by processes the benchmark did not start */
  other: number;
  /** cores the hypervisor took */
  steal: number;
}

function pidTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , , , steal = 0] = line.trim().split(/\s+/).map(Number);
  return { at: Date.now(), busy: user + nice + system, steal, pids: new Map(pids.map((p) => [p, pidTicks(p)])) };
}

/** Usage between two snapshots; `names` maps watched pids to the labels printed. */
export function cpuUsage(a: CpuSnapshot, b: CpuSnapshot, names: ReadonlyMap<number, string>): CpuUsage {
  const seconds = Math.max((b.at - a.at) / 1000, 1e-3);
  const cores = (ticks: number) => ticks / TICKS_PER_SEC / seconds;
  const own: Record<string, number> = {};
  let ownTicks = 0;
  for (const [pid, name] of names) {
    const ticks = (b.pids.get(pid) ?? 0) - (a.pids.get(pid) ?? 0);
    ownTicks += ticks;
    own[name] = cores(ticks);
  }
  return { seconds, own, other: Math.max(0, cores(b.busy - a.busy - ownTicks)), steal: cores(b.steal - a.steal) };
}

/**
 * Waits (at most `maxMs`) until processes outside `names` use less than `threshold` cores over a
 * 300 ms window; returns the last window's foreign load.
 */
export async function waitForQuiet(names: ReadonlyMap<number, string>, maxMs: number, threshold = 0.25) {
  const pids = [...names.keys()];
  const deadline = Date.now() + maxMs;
  let other = 0;
  do {
    const a = cpuSnapshot(pids);
    await new Promise((r) => setTimeout(r, 300));
    other = cpuUsage(a, cpuSnapshot(pids), names).other;
  } while (other >= threshold && Date.now() < deadline);
  return other;
}
