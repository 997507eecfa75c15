import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 4000,
      HOST: '0.0.0.0',
      DATABASE_URL: 'file:./data/pulse.db',
      PULSE_API_KEYS: [],
      LOG_LEVEL: 'info',
    });
    expect(loadConfig({}).PULSE_FLUSH_INTERVAL_MS).toBeLessThanOrEqual(250);
  });

  it('parses values and comma-separated keys; empty values count as unset', () => {
    const config = loadConfig({ PORT: '0', PULSE_API_KEYS: ' a, b ,,c', PULSE_BUFFER_CAPACITY: '10', LOG_LEVEL: '' });
    expect(config).toMatchObject({
      PORT: 0,
      PULSE_API_KEYS: ['a', 'b', 'c'],
      PULSE_BUFFER_CAPACITY: 10,
      LOG_LEVEL: 'info',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PULSE_FLUSH_INTERVAL_MS', '0'],
    ['PULSE_BUFFER_CAPACITY', '-5'],
    ['PULSE_FLUSH_BATCH_SIZE', '1.5'],
    ['LOG_LEVEL', 'verbose'],
    ['DATABASE_URL', 'mysql://pulse@db/pulse'],
    ['PULSE_GEOIP_DB', '/nonexistent/GeoLite2-Country.mmdb'],
    ['PULSE_GEOIP_DB', 'src'],
  ])('rejects %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('takes SQLite and PostgreSQL URLs, and never repeats a refused URL (it may hold a password)', () => {
    for (const url of ['file:./x.db', 'postgresql://u:p@h:5432/d', 'postgres://h/d']) {
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
    expect(() => loadConfig({ DATABASE_URL: 'mysql://pulse:s3cret-pw@db/pulse' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://pulse:s3cret-pw@db/pulse' })).not.toThrow(/s3cret-pw/);
  });
});
