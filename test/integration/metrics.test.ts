// GET /metrics in the Prometheus text format: what was accepted, refused (by reason), dropped as
// bots, flushed (count and duration), what waits in the buffer, live subscribers, process memory.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testApp } from '../helpers/app.js';
import { LIVE_STATS, RECORD_EVENT, RECORD_EVENTS, waitUntil } from '../helpers/e2e.js';
import { BROWSER_UA, listen, metricValue, scrape } from '../helpers/hardening.js';

const TS = '2025-11-15T10:00:00Z';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('GET /metrics', () => {
  it('answers the Prometheus text format with every Pulse metric and the process metrics', async () => {
    const t = await testApp();
    const { baseUrl } = await listen(t.app);
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const [name, type] of [
      ['pulse_events_accepted_total', 'counter'],
      ['pulse_ingest_refused_total', 'counter'],
      ['pulse_events_dropped_total', 'counter'],
      ['pulse_events_flushed_total', 'counter'],
      ['pulse_flushes_total', 'counter'],
      ['pulse_flush_retries_total', 'counter'],
      ['pulse_flush_duration_seconds', 'histogram'],
      ['pulse_buffer_events', 'gauge'],
      ['pulse_buffer_capacity', 'gauge'],
      ['pulse_flusher_healthy', 'gauge'],
      ['pulse_live_subscribers', 'gauge'],
      ['process_resident_memory_bytes', 'gauge'],
    ]) {
      expect(text, name).toContain(`# TYPE ${name} ${type}`);
      expect(text, name).toContain(`# HELP ${name} `);
    }
    expect(metricValue(text, 'pulse_buffer_capacity')).toBe(t.app.config.PULSE_BUFFER_CAPACITY);
    expect(metricValue(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts accepted, refused by reason, dropped bots, flushed events and their flushes', async () => {
    const t = await testApp({ PULSE_BUFFER_CAPACITY: 6 });
    const { baseUrl, graphqlUrl } = await listen(t.app);
    const event = { siteId: 's', eventType: 'e', timestamp: TS };

    // accepted: 2 + 1 + 1 + 1
    await post(graphqlUrl, { query: RECORD_EVENTS, variables: { inputs: [event, event] } });
    await post(`${baseUrl}/event`, { site_id: 's', event_type: 'e', timestamp: TS });
    await (await fetch(`${baseUrl}/pixel.gif?site_id=s`, { headers: { 'user-agent': BROWSER_UA } })).arrayBuffer();
    await post(graphqlUrl, { query: RECORD_EVENT, variables: { input: event } });
    // dropped as a bot (answered like an accepted hit)
    const bot = await fetch(`${baseUrl}/pixel.gif?site_id=s`, { headers: { 'user-agent': 'Googlebot/2.1' } });
    expect(bot.status).toBe(200);
    await bot.arrayBuffer();
    // refused as invalid: a REST field, a pixel parameter, a GraphQL variable, a resolver rule
    await post(`${baseUrl}/event`, { site_id: 's', event_type: 'e', timestamp: 'noon' });
    await (await fetch(`${baseUrl}/pixel.gif?site_id=bad site`)).arrayBuffer();
    await post(graphqlUrl, { query: RECORD_EVENT, variables: { input: { ...event, timestamp: 'noon' } } });
    await post(graphqlUrl, { query: RECORD_EVENT, variables: { input: { ...event, path: 'no-slash' } } });
    // a bad query (not a mutation) is not an ingest refusal
    await post(graphqlUrl, { query: '{ siteStats(siteId: "bad site") { totalEvents } }' });
    // refused as overloaded: 5 of 6 slots are taken, a batch of 2 does not fit
    const full = await post(graphqlUrl, { query: RECORD_EVENTS, variables: { inputs: [event, event] } });
    expect(JSON.stringify(await full.json())).toContain('OVERLOADED');

    let text = await scrape(baseUrl);
    expect(metricValue(text, 'pulse_events_accepted_total')).toBe(5);
    expect(metricValue(text, 'pulse_buffer_events')).toBe(5);
    expect(metricValue(text, 'pulse_events_dropped_total', { reason: 'bot' })).toBe(1);
    expect(metricValue(text, 'pulse_ingest_refused_total', { reason: 'invalid' })).toBe(4);
    expect(metricValue(text, 'pulse_ingest_refused_total', { reason: 'overloaded' })).toBe(1);
    expect(metricValue(text, 'pulse_events_flushed_total')).toBe(0);

    await t.app.flusher.flush();
    text = await scrape(baseUrl);
    expect(metricValue(text, 'pulse_events_flushed_total')).toBe(5);
    expect(metricValue(text, 'pulse_flushes_total')).toBe(1);
    expect(metricValue(text, 'pulse_flush_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(metricValue(text, 'pulse_flush_retries_total')).toBe(0);
    expect(metricValue(text, 'pulse_buffer_events')).toBe(0);
    expect(metricValue(text, 'pulse_flusher_healthy')).toBe(1);
    // counters only grow: a second scrape reports the same totals
    expect(metricValue(await scrape(baseUrl), 'pulse_events_accepted_total')).toBe(5);
  });

  it('counts live subscribers as they come and go', async () => {
    const t = await testApp();
    const { baseUrl, wsUrl } = await listen(t.app);
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    const messages: { type: string }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    await waitUntil(
      () => messages.length,
      (n) => n > 0,
    );
    expect(messages[0]?.type).toBe('connection_ack');
    for (const id of ['a', 'b']) {
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: LIVE_STATS, variables: { siteId: id } } }));
    }
    await waitUntil(
      async () => metricValue(await scrape(baseUrl), 'pulse_live_subscribers'),
      (n) => n === 2,
    );
    ws.send(JSON.stringify({ id: 'a', type: 'complete' }));
    await waitUntil(
      async () => metricValue(await scrape(baseUrl), 'pulse_live_subscribers'),
      (n) => n === 1,
    );
    ws.close();
    await waitUntil(
      async () => metricValue(await scrape(baseUrl), 'pulse_live_subscribers'),
      (n) => n === 0,
    );
  });

  it('is not served with PULSE_METRICS=false', async () => {
    const t = await testApp({ PULSE_METRICS: false });
    const { baseUrl } = await listen(t.app);
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
