// The security and reliability settings: documented defaults, parsing, and refusals naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('security and reliability configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PULSE_MAX_DEPTH: 10,
      PULSE_MAX_ALIASES: 15,
      PULSE_MAX_TOKENS: 2000,
      PULSE_MAX_DIRECTIVES: 10,
      PULSE_MAX_COST: 5000,
      PULSE_GRAPHIQL: true,
      PULSE_DASHBOARD: true,
      PULSE_INTROSPECTION: true,
      PULSE_CSRF_PREVENTION: true,
      PULSE_ALLOWED_SITES: [],
      PULSE_RATE_LIMIT_PER_SECOND: 0,
      PULSE_RATE_LIMIT_LOOPBACK: false,
      PULSE_TRUST_PROXY: 0,
      PULSE_METRICS: true,
      PULSE_DB_BUSY_TIMEOUT_MS: 1000,
      PULSE_FLUSH_BACKOFF_MS: 50,
      PULSE_FLUSH_MAX_BACKOFF_MS: 5000,
      PULSE_WS_INIT_TIMEOUT_MS: 3000,
    });
    expect(loadConfig({}).PULSE_RATE_LIMIT_BURST).toBeUndefined();
  });

  it('parses booleans, decimal rates, proxy hops and site lists', () => {
    const config = loadConfig({
      PULSE_GRAPHIQL: 'false',
      PULSE_DASHBOARD: 'false',
      PULSE_INTROSPECTION: '0',
      PULSE_CSRF_PREVENTION: 'Off',
      PULSE_METRICS: 'no',
      PULSE_RATE_LIMIT_LOOPBACK: 'TRUE',
      PULSE_RATE_LIMIT_PER_SECOND: '0.5',
      PULSE_RATE_LIMIT_BURST: '20',
      PULSE_ALLOWED_SITES: 'a.example, b.example',
      PULSE_TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      PULSE_GRAPHIQL: false,
      PULSE_DASHBOARD: false,
      PULSE_INTROSPECTION: false,
      PULSE_CSRF_PREVENTION: false,
      PULSE_METRICS: false,
      PULSE_RATE_LIMIT_LOOPBACK: true,
      PULSE_RATE_LIMIT_PER_SECOND: 0.5,
      PULSE_RATE_LIMIT_BURST: 20,
      PULSE_ALLOWED_SITES: ['a.example', 'b.example'],
      PULSE_TRUST_PROXY: 1,
    });
    expect(loadConfig({ PULSE_TRUST_PROXY: '2' }).PULSE_TRUST_PROXY).toBe(2);
    expect(loadConfig({ PULSE_TRUST_PROXY: 'false' }).PULSE_TRUST_PROXY).toBe(0);
  });

  it.each([
    ['PULSE_GRAPHIQL', 'maybe'],
    ['PULSE_DASHBOARD', 'sometimes'],
    ['PULSE_TRUST_PROXY', 'yes please'],
    ['PULSE_RATE_LIMIT_PER_SECOND', '-1'],
    ['PULSE_RATE_LIMIT_PER_SECOND', 'fast'],
    ['PULSE_RATE_LIMIT_BURST', '0'],
    ['PULSE_MAX_DEPTH', '0'],
    ['PULSE_MAX_TOKENS', '5'],
    ['PULSE_DB_BUSY_TIMEOUT_MS', '1s'],
  ])('rejects %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
