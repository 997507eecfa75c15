// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package.
// `tsx test/bench/cpu-profile.ts <file.cpuprofile> [top]`, or used by run.ts --cpu-prof.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** node_modules/<pkg> (scoped too), the project file under src/, or a V8/Node pseudo-frame. */
function owner(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return url;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  const src = /\/(src\/.*)$/.exec(url);
  return src?.[1] ?? url.replace(/^file:\/\//, '');
}

export function summarizeProfile(path: string): { totalMs: number; functions: SelfTime[]; packages: SelfTime[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const where = url === '' ? '' : ` ${owner(url)}:${lineNumber + 1}`;
    const fn = `${functionName || '(anonymous)'}${where}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const pkg = functionName === '(garbage collector)' ? '(garbage collector)' : owner(url);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 }));
  return { totalMs: total / 1000, functions: rank(fns), packages: rank(pkgs) };
}

export function formatProfile(path: string, top = 25): string {
  const s = summarizeProfile(path);
  const pct = (x: SelfTime) =>
    `${(x.share * 100).toFixed(1).padStart(5)}%  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`;
  return [
    `CPU profile ${path}: ${s.totalMs.toFixed(0)} ms busy (idle excluded)`,
    'self time by package/file:',
    ...s.packages.slice(0, 15).map((x) => `  ${pct(x)}`),
    `self time by function (top ${top}):`,
    ...s.functions.slice(0, top).map((x) => `  ${pct(x)}`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx test/bench/cpu-profile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const n = Number(top ?? 25);
  process.stdout.write(`${formatProfile(file, Number.isInteger(n) && n > 0 ? n : 25)}\n`);
}
