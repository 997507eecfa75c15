// The country database: the bundled DB-IP Lite file, MaxMind's record layout, addresses that have
// no country, and files that are no database.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_COUNTRY_DB,
  CountryDatabaseError,
  countryOfRecord,
  openCountryLookup,
  publicAddress,
} from '../../../src/ingestion/country.js';

describe('the bundled country database', () => {
  it('places well-known public addresses (IPv4, IPv6, IPv4-mapped IPv6)', async () => {
    const db = await openCountryLookup();
    expect(db.country('8.8.8.8')).toBe('US');
    expect(db.country('193.0.6.139')).toBe('NL'); // RIPE NCC, Amsterdam
    expect(db.country('::ffff:193.0.6.139')).toBe('NL');
    expect(db.country('200.160.2.3')).toBe('BR'); // NIC.br
    expect(db.country('2a00:1450:4001::1')).toBe('DE');
  });

  it('gives none for loopback, private, link-local, carrier-NAT and malformed addresses', async () => {
    const db = await openCountryLookup();
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', '169.254.1.1']) {
      expect(db.country(ip), ip).toBeNull();
    }
    for (const ip of ['fd12::1', 'fe80::1', '', 'not-an-ip', '999.1.1.1']) expect(db.country(ip), ip).toBeNull();
  });
});

describe('publicAddress', () => {
  it('unwraps IPv4-mapped IPv6 and refuses what is not public', () => {
    expect(publicAddress('::ffff:8.8.8.8')).toBe('8.8.8.8');
    expect(publicAddress('2001:4860:4860::8888')).toBe('2001:4860:4860::8888');
    expect(publicAddress('::ffff:10.0.0.1')).toBeNull();
    expect(publicAddress('2001:db8::1')).toBeNull();
    // the edges of the ranges that are not public
    expect(publicAddress('172.15.255.255')).toBe('172.15.255.255');
    expect(publicAddress('172.16.0.0')).toBeNull();
    expect(publicAddress('172.31.255.255')).toBeNull();
    expect(publicAddress('172.32.0.0')).toBe('172.32.0.0');
    expect(publicAddress('100.63.255.255')).toBe('100.63.255.255');
    expect(publicAddress('100.127.255.255')).toBeNull();
    expect(publicAddress('223.255.255.255')).toBe('223.255.255.255');
    expect(publicAddress('224.0.0.1')).toBeNull();
    expect(publicAddress('255.255.255.255')).toBeNull();
    expect(publicAddress('0.1.2.3')).toBeNull();
    expect(publicAddress('::')).toBeNull();
    expect(publicAddress('2A00:1450::1')).toBe('2A00:1450::1');
    expect(publicAddress('fe80::1%eth0')).toBeNull();
  });
});

describe('countryOfRecord', () => {
  it("reads ip-location-db's and MaxMind's layouts, upper-case, and only real codes", () => {
    expect(countryOfRecord({ country_code: 'FR' })).toBe('FR');
    expect(countryOfRecord({ country: { iso_code: 'JP' }, registered_country: { iso_code: 'US' } })).toBe('JP');
    // MaxMind records of anycast/satellite ranges may name only the registered country
    expect(countryOfRecord({ registered_country: { iso_code: 'se' } })).toBe('SE');
    expect(countryOfRecord({ country_code: 'EU' })).toBeNull();
    expect(countryOfRecord({ country_code: 42 })).toBeNull();
    expect(countryOfRecord(null)).toBeNull();
  });
});

describe('opening a database', () => {
  it('reports a missing file and a file that is no database', async () => {
    await expect(openCountryLookup('/nonexistent/GeoLite2-Country.mmdb')).rejects.toThrow(CountryDatabaseError);
    await expect(openCountryLookup('/nonexistent/GeoLite2-Country.mmdb')).rejects.toThrow(/no such file/);
    const junk = join(tmpdir(), `pulse-not-a-db-${process.pid}.mmdb`);
    writeFileSync(junk, 'this is not a MaxMind database');
    await expect(openCountryLookup(junk)).rejects.toThrow(/not a readable mmdb file/);
  });

  it('bundles its file inside the npm package', () => {
    expect(BUNDLED_COUNTRY_DB).toMatch(/@ip-location-db\/dbip-country-mmdb\/dbip-country\.mmdb$/);
  });
});
