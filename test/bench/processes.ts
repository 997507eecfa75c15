// Child processes for the benchmark: Pulse (`node dist/server.js`) and the baseline,
// each started on a free port and awaited until it prints its URL; plus an RSS sampler over /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The node flags `npm start` passes (package.json "start"), so the bench runs Pulse as deployed. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((a) => a.startsWith('--'));
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  output: () => string;
  /** SIGTERM, then the exit code (SIGKILL after `graceMs`) */
  stop: (graceMs?: number) => Promise<number | null>;
}

export interface StartOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** matches the ready line; group 1 is the base URL */
  ready: RegExp;
  timeoutMs?: number;
  /** called with the pid right after spawn (before the child is ready) */
  onSpawn?: (pid: number) => void;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

export async function startChild(opts: StartOptions): Promise<Child> {
  const proc = spawn(process.execPath, opts.args, {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  if (proc.pid !== undefined) opts.onSpawn?.(proc.pid);
  let out = '';
  const append = (d: Buffer) => {
    // Keeps the last 64 KB: enough to explain a failure without growing during the run.
    out = (out + d.toString()).slice(-65_536);
  };
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      live.delete(proc);
      resolve(code);
    }),
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.name} did not start in ${opts.timeoutMs ?? 60_000} ms:\n${out}`)),
      opts.timeoutMs ?? 60_000,
    );
    const onData = () => {
      const m = opts.ready.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        proc.stdout?.off('data', onData);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited with ${code} before it was ready:\n${out}`));
    });
  });
  if (proc.pid === undefined) throw new Error(`${opts.name} has no pid`);
  return {
    name: opts.name,
    proc,
    pid: proc.pid,
    baseUrl,
    output: () => out,
    stop: async (graceMs = 30_000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** One field of /proc/<pid>/status in bytes (VmRSS, VmHWM), or null once the process is gone. */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's VmRSS every `intervalMs`, keeping the overall peak and a peak per phase. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private phase = 'startup';
  readonly phasePeaks = new Map<string, number>();
  peak = 0;
  /** the latest sample */
  last = 0;
  samples = 0;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Later samples count towards `name` (a phase seen before keeps its peak and can grow it). */
  enter(name: string): void {
    this.sample();
    this.phase = name;
    this.sample();
  }

  sample(): void {
    const rss = procStatusBytes(this.pid, 'VmRSS');
    if (rss === null) return;
    this.samples++;
    this.last = rss;
    if (rss > this.peak) this.peak = rss;
    if (rss > (this.phasePeaks.get(this.phase) ?? 0)) this.phasePeaks.set(this.phase, rss);
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
