// Summarises a V8 .heapsnapshot (node --heapsnapshot-signal / writeHeapSnapshot): the total
// self size and count per node type and constructor name, largest first, and the largest
// single objects. `tsx test/bench/probes/heap-summary.ts <file.heapsnapshot> [top]`
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: heap-summary.ts <file.heapsnapshot> [top]');
const top = Number(process.argv[3] ?? 25);
const snap = JSON.parse(readFileSync(file, 'utf8')) as {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
};
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const F = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const groups = new Map<string, { size: number; count: number }>();
const largest: { key: string; size: number }[] = [];
let total = 0;
for (let i = 0; i < snap.nodes.length; i += F) {
  const type = types[snap.nodes[i + iType] as number] as string;
  const name = snap.strings[snap.nodes[i + iName] as number] as string;
  const size = snap.nodes[i + iSize] as number;
  total += size;
  const key =
    type === 'object' || type === 'closure'
      ? `${type} ${name}`
      : type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? 'string'
        : `${type} ${name.slice(0, 40)}`;
  const g = groups.get(key) ?? { size: 0, count: 0 };
  g.size += size;
  g.count++;
  groups.set(key, g);
  if (size > 256 * 1024) largest.push({ key: `${type} ${name.slice(0, 60)}`, size });
}
const mb = (b: number) => (b / 1048576).toFixed(2);
console.log(`${file}: ${mb(total)} MB in ${snap.nodes.length / F} nodes`);
for (const [key, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top))
  console.log(`${mb(g.size).padStart(8)} MB  ${String(g.count).padStart(9)}  ${key.slice(0, 100)}`);
console.log('largest single nodes (> 256 KB):');
for (const l of largest.sort((a, b) => b.size - a.size).slice(0, 15))
  console.log(`${mb(l.size).padStart(8)} MB  ${l.key}`);
