// The graphql-transport-ws protocol's close codes, with a raw `ws` socket (no client library to
// smooth anything over): 4400 bad message, 4401 subscribe before ack, 4403 forbidden (wrong key),
// 4408 no connection_init in time, 4409 a subscription id already in use, 4429 a second init.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testApp } from '../helpers/app.js';
import { LIVE_STATS } from '../helpers/e2e.js';
import { listen } from '../helpers/hardening.js';

interface Closed {
  code: number;
  reason: string;
}

/** A raw graphql-transport-ws socket that records what it receives and how it closed. */
async function rawSocket(wsUrl: string) {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  const waiting: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    waiting.shift()?.();
  });
  const closed = new Promise<Closed>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    send: (message: unknown) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: async () => {
      if (!messages.length) await new Promise<void>((r) => waiting.push(r));
      return messages.shift() as { type: string; id?: string; payload?: unknown };
    },
    closed,
    ws,
  };
}

async function acked(wsUrl: string, payload?: Record<string, unknown>) {
  const socket = await rawSocket(wsUrl);
  socket.send({ type: 'connection_init', payload });
  expect(await socket.next()).toMatchObject({ type: 'connection_ack' });
  return socket;
}

describe('graphql-ws close codes', () => {
  it('4400: a message that is not valid JSON, or not a protocol message', async () => {
    const t = await testApp();
    const { wsUrl } = await listen(t.app);
    const notJson = await rawSocket(wsUrl);
    notJson.send('{ this is not json');
    expect((await notJson.closed).code).toBe(4400);

    const unknownType = await acked(wsUrl);
    unknownType.send({ type: 'make_coffee' });
    expect((await unknownType.closed).code).toBe(4400);

    const noQuery = await acked(wsUrl);
    noQuery.send({ id: '1', type: 'subscribe', payload: { variables: {} } });
    expect((await noQuery.closed).code).toBe(4400);
  });

  it('4401: subscribe before the connection is acknowledged', async () => {
    const t = await testApp();
    const { wsUrl } = await listen(t.app);
    const socket = await rawSocket(wsUrl);
    socket.send({ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } });
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toBe('Unauthorized');
  });

  it('4403: connection_init with a wrong API key', async () => {
    const t = await testApp({ PULSE_API_KEYS: ['right'] });
    const { wsUrl } = await listen(t.app);
    const socket = await rawSocket(wsUrl);
    socket.send({ type: 'connection_init', payload: { Authorization: 'Bearer wrong' } });
    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toBe('Forbidden');

    const right = await acked(wsUrl, { Authorization: 'Bearer right' });
    right.ws.close();
  });

  it('4408: no connection_init within PULSE_WS_INIT_TIMEOUT_MS', async () => {
    const t = await testApp({ PULSE_WS_INIT_TIMEOUT_MS: 200 });
    const { wsUrl } = await listen(t.app);
    const socket = await rawSocket(wsUrl);
    const closed = await socket.closed;
    expect(closed.code).toBe(4408);
    expect(closed.reason).toBe('Connection initialisation timeout');
  });

  it('4409: a second subscription with an id that is still running', async () => {
    const t = await testApp();
    const { wsUrl } = await listen(t.app);
    const socket = await acked(wsUrl);
    socket.send({ id: 'live', type: 'subscribe', payload: { query: LIVE_STATS, variables: { siteId: 's' } } });
    expect(await socket.next()).toMatchObject({ id: 'live', type: 'next' });
    socket.send({ id: 'live', type: 'subscribe', payload: { query: LIVE_STATS, variables: { siteId: 's' } } });
    const closed = await socket.closed;
    expect(closed.code).toBe(4409);
    expect(closed.reason).toBe('Subscriber for live already exists');
  });

  it('4429: a second connection_init', async () => {
    const t = await testApp();
    const { wsUrl } = await listen(t.app);
    const socket = await acked(wsUrl);
    socket.send({ type: 'connection_init' });
    const closed = await socket.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toBe('Too many initialisation requests');
  });

  it('keeps the socket open for a syntax error, answering an error for that operation', async () => {
    const t = await testApp();
    const { wsUrl } = await listen(t.app);
    const socket = await acked(wsUrl);
    socket.send({ id: 'bad', type: 'subscribe', payload: { query: 'subscription {' } });
    const error = await socket.next();
    expect(error).toMatchObject({ id: 'bad', type: 'error' });
    expect(JSON.stringify(error.payload)).toMatch(/Syntax Error/);
    socket.send({ id: 'ok', type: 'subscribe', payload: { query: '{ __typename }' } });
    expect(await socket.next()).toEqual({ id: 'ok', type: 'next', payload: { data: { __typename: 'Query' } } });
    socket.ws.close();
  });
});
