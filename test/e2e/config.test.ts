// Configuration on the real server: a bad value stops the start with a message naming the
// variable; a good start prints the one line with the URL it listens on.
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/db.js';
import { runServerToExit } from '../helpers/e2e.js';
import { type RunningServer, startServer } from '../helpers/server.js';

const started: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

describe('a bad configuration value', () => {
  it.each([
    ['PORT', 'abc'],
    ['PULSE_FLUSH_INTERVAL_MS', '0'],
    ['PULSE_GEOIP_DB', '/nonexistent/GeoLite2-Country.mmdb'],
    // a file, but no MaxMind database
    ['PULSE_GEOIP_DB', 'package.json'],
  ])('%s=%s stops the start with a message naming the variable', async (name, value) => {
    const result = await runServerToExit({ DATABASE_URL: freshDatabase().url, [name]: value });
    expect(result.timedOut, `the server kept running:\n${result.stdout}${result.stderr}`).toBe(false);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    const output = result.stdout + result.stderr;
    expect(output).toContain(name);
    expect(output).not.toMatch(/Pulse listening on/);
    // a message for a person, not a crash: no stack trace
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('names every bad variable at once', async () => {
    const result = await runServerToExit({
      PULSE_BUFFER_CAPACITY: '-5',
      LOG_LEVEL: 'verbose',
      DATABASE_URL: 'mysql://localhost/pulse',
    });
    expect(result.timedOut).toBe(false);
    expect(result.code).not.toBe(0);
    const output = result.stdout + result.stderr;
    for (const name of ['PULSE_BUFFER_CAPACITY', 'LOG_LEVEL', 'DATABASE_URL']) expect(output).toContain(name);
    expect(output).not.toMatch(/Pulse listening on/);
  });
});

describe('a good start', () => {
  it('prints one line with the URL it listens on, and serves there', async () => {
    const server = await startServer({ DATABASE_URL: freshDatabase().url, PORT: '0' });
    started.push(server);
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.includes('listening'));
    expect(lines).toHaveLength(1);
    const match = /^Pulse listening on http:\/\/127\.0\.0\.1:(\d+)\/graphql$/.exec(lines[0] ?? '');
    expect(match, lines[0]).not.toBeNull();
    const port = Number(match?.[1]);
    // PORT=0 takes any free port and prints the real one
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const query = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });

    expect(await server.stop('SIGINT')).toBe(0);
  });
});
