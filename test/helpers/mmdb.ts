// Writes a small IPv4 MaxMind DB file (format 2.0: search tree, data section, metadata) whose
// records have MaxMind's GeoIP2-Country layout, { country: { iso_code } }: a stand-in for a user's
// GeoLite2-Country file, with answers the bundled database would not give.
import { writeFileSync } from 'node:fs';

type Value = string | number | bigint | Value[] | { [key: string]: Value };

function control(type: number, size: number): Buffer {
  if (size >= 29) throw new Error('this writer only encodes small values');
  return type <= 7 ? Buffer.from([(type << 5) | size]) : Buffer.from([size, type - 7]);
}

function unsigned(type: number, value: number | bigint): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex === '0') return control(type, 0);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([control(type, bytes.length), bytes]);
}

/** Strings, maps, arrays; numbers as uint32 (uint16 where the metadata needs it: see `u16`). */
function encode(value: Value): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'bigint') return unsigned(9, value);
  if (typeof value === 'number') return unsigned(6, value);
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

const u16 = (n: number) => ({ u16: n }) as unknown as Value;
function encodeMeta(value: Value): Buffer {
  if (typeof value === 'object' && value !== null && 'u16' in value) return unsigned(5, (value as { u16: number }).u16);
  if (typeof value === 'object' && !Array.isArray(value) && typeof value !== 'bigint') {
    const entries = Object.entries(value);
    return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encodeMeta(v)])]);
  }
  return encode(value);
}

interface Node {
  children: [Node | number | null, Node | number | null];
  index: number;
}

/** networks: "a.b.c.d/prefix" → ISO country code. */
export function writeCountryMmdb(path: string, networks: Record<string, string>): void {
  // data section: one record per country
  const offsets = new Map<string, number>();
  const data: Buffer[] = [];
  let size = 0;
  for (const code of new Set(Object.values(networks))) {
    const record = encode({ country: { iso_code: code } });
    offsets.set(code, size);
    data.push(record);
    size += record.length;
  }
  // search tree
  const root: Node = { children: [null, null], index: 0 };
  const nodes: Node[] = [root];
  for (const [cidr, code] of Object.entries(networks)) {
    const [ip = '', prefix = '32'] = cidr.split('/');
    const bits = ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    let node = root;
    for (let depth = 0; depth < Number(prefix); depth++) {
      const bit = Math.floor(bits / 2 ** (31 - depth)) % 2;
      if (depth === Number(prefix) - 1) {
        node.children[bit] = offsets.get(code) as number;
        break;
      }
      let next = node.children[bit];
      if (typeof next !== 'object' || next === null) {
        next = { children: [null, null], index: nodes.length };
        nodes.push(next);
        node.children[bit] = next;
      }
      node = next;
    }
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 8); // record size 32: two 4-byte records per node
  for (const node of nodes) {
    node.children.forEach((child, side) => {
      const record =
        child === null ? nodeCount : typeof child === 'number' ? nodeCount + 16 + child : (child as Node).index;
      tree.writeUInt32BE(record, node.index * 8 + side * 4);
    });
  }
  const metadata = encodeMeta({
    binary_format_major_version: u16(2),
    binary_format_minor_version: u16(0),
    build_epoch: BigInt(Math.floor(Date.now() / 1000)),
    database_type: 'GeoLite2-Country',
    description: { en: 'Pulse test database' },
    ip_version: u16(4),
    languages: ['en'],
    node_count: nodeCount,
    record_size: u16(32),
  });
  writeFileSync(
    path,
    Buffer.concat([
      tree,
      Buffer.alloc(16),
      ...data,
      Buffer.from([0xab, 0xcd, 0xef]),
      Buffer.from('MaxMind.com'),
      metadata,
    ]),
  );
}
