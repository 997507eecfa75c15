// The GraphQL client libraries people use (Apollo Client 4, urql 6) against the real server, with
// the typed documents that codegen writes from test/documents/operations.graphql.
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { createClient as createUrqlClient, fetchExchange } from '@urql/core';
import { describe, expect, it } from 'vitest';
import {
  BreakdownDocument,
  RecordEventDocument,
  RecordEventsDocument,
  SiteStatsDocument,
} from '../generated/graphql.js';
import { countStoredEvents } from '../helpers/db.js';
import { waitUntil } from '../helpers/e2e.js';
import { serverForFile } from '../helpers/server.js';

const file = serverForFile({ PULSE_FLUSH_INTERVAL_MS: '50' });

const DAY = '2025-11-15';

async function waitForStored(siteId: string, count: number): Promise<void> {
  await waitUntil(
    () => countStoredEvents(file.dbPath, 'site_id = ?', siteId),
    (n) => n === count,
  );
}

describe('Apollo Client 4', () => {
  const client = () =>
    new ApolloClient({
      link: new HttpLink({ uri: file.server.graphqlUrl }),
      cache: new InMemoryCache(),
    });

  it('reads a breakdown with a filter in a time zone through the typed document', async () => {
    const apollo = client();
    const siteId = 'apollo-breakdown';
    const at = (time: string, path: string, eventType = 'page_view', userId = 'u1') => ({
      siteId,
      eventType,
      path,
      userId,
      timestamp: `${DAY}T${time}Z`,
    });
    const recorded = await apollo.mutate({
      mutation: RecordEventsDocument,
      variables: {
        inputs: [
          at('08:00:00', '/home'),
          at('08:01:00', '/docs', 'page_view', 'u2'),
          at('08:02:00', '/docs', 'click', 'u3'),
          at('16:00:00', '/docs'), // 01:00 on the next day in Tokyo (+09:00)
        ],
      },
    });
    expect(recorded.data?.recordEvents.accepted).toBe(4);
    await waitForStored(siteId, 4);
    const result = await apollo.query({
      query: BreakdownDocument,
      variables: {
        siteId,
        date: DAY,
        timeZone: 'Asia/Tokyo',
        filters: [{ dimension: 'EVENT_TYPE', value: 'page_view' }],
        by: 'PATH',
        sortBy: 'UNIQUE_USERS',
      },
      fetchPolicy: 'network-only',
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.siteStats).toEqual({
      __typename: 'SiteStats',
      date: DAY,
      totalViews: 2,
      breakdown: [
        { __typename: 'BreakdownRow', value: '/docs', views: 1, events: 1, uniqueUsers: 1 },
        { __typename: 'BreakdownRow', value: '/home', views: 1, events: 1, uniqueUsers: 1 },
      ],
    });
  });

  it('records events with recordEvent and recordEvents and reads them back with siteStats', async () => {
    const apollo = client();
    const siteId = 'apollo-site';
    const one = await apollo.mutate({
      mutation: RecordEventDocument,
      variables: {
        input: { siteId, eventType: 'page_view', path: '/home', userId: 'u1', timestamp: `${DAY}T08:00:00Z` },
      },
    });
    expect(one.error).toBeUndefined();
    expect(one.data?.recordEvent.accepted).toBe(true);

    const many = await apollo.mutate({
      mutation: RecordEventsDocument,
      variables: {
        inputs: [
          { siteId, eventType: 'page_view', path: '/home', userId: 'u2', timestamp: `${DAY}T09:00:00Z` },
          { siteId, eventType: 'page_view', path: '/docs', userId: 'u2', timestamp: `${DAY}T09:01:00Z` },
          { siteId, eventType: 'click', path: '/docs', userId: 'u3', timestamp: `${DAY}T09:02:00Z` },
        ],
      },
    });
    expect(many.data?.recordEvents.accepted).toBe(3);
    await waitForStored(siteId, 4);

    const result = await apollo.query({
      query: SiteStatsDocument,
      variables: { siteId, date: DAY },
      fetchPolicy: 'network-only',
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.siteStats).toEqual({
      __typename: 'SiteStats',
      siteId,
      date: DAY,
      totalViews: 3,
      uniqueUsers: 3,
      totalEvents: 4,
      topPaths: [
        { __typename: 'PathViews', path: '/home', views: 2 },
        { __typename: 'PathViews', path: '/docs', views: 1 },
      ],
    });

    const allTime = await apollo.query({
      query: SiteStatsDocument,
      variables: { siteId },
      fetchPolicy: 'network-only',
    });
    expect(allTime.data?.siteStats).toMatchObject({ date: null, totalEvents: 4 });
  });

  it('surfaces a validation error as CombinedGraphQLErrors with code BAD_USER_INPUT', async () => {
    const apollo = client();
    const error = await apollo
      .mutate({
        mutation: RecordEventDocument,
        variables: {
          input: { siteId: 'apollo-bad', eventType: 'page_view', path: 'nope', timestamp: `${DAY}T08:00:00Z` },
        },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    if (!CombinedGraphQLErrors.is(error)) return;
    expect(error.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.errors[0]?.message).toContain('path');
  });
});

describe('urql 6', () => {
  const client = () => createUrqlClient({ url: file.server.graphqlUrl, exchanges: [fetchExchange] });

  it('records events with recordEvent and recordEvents and reads them back with siteStats', async () => {
    const urql = client();
    const siteId = 'urql-site';
    const one = await urql
      .mutation(RecordEventDocument, {
        input: { siteId, eventType: 'page_view', path: '/a', userId: 'u1', timestamp: `${DAY}T10:00:00Z` },
      })
      .toPromise();
    expect(one.error).toBeUndefined();
    expect(one.data?.recordEvent.accepted).toBe(true);

    const many = await urql
      .mutation(RecordEventsDocument, {
        inputs: [
          { siteId, eventType: 'page_view', path: '/b', timestamp: `${DAY}T10:00:01Z` },
          { siteId, eventType: 'page_view', path: '/b', userId: 'u1', timestamp: `${DAY}T23:59:59Z` },
          // another day: in all-time stats only
          { siteId, eventType: 'page_view', path: '/c', userId: 'u2', timestamp: '2025-11-16T00:00:00Z' },
        ],
      })
      .toPromise();
    expect(many.error).toBeUndefined();
    expect(many.data?.recordEvents.accepted).toBe(3);
    await waitForStored(siteId, 4);

    const day = await urql
      .query(SiteStatsDocument, { siteId, date: DAY }, { requestPolicy: 'network-only' })
      .toPromise();
    expect(day.error).toBeUndefined();
    expect(day.data?.siteStats).toEqual({
      siteId,
      date: DAY,
      totalViews: 3,
      uniqueUsers: 1,
      totalEvents: 3,
      topPaths: [
        { path: '/b', views: 2 },
        { path: '/a', views: 1 },
      ],
    });

    const allTime = await urql.query(SiteStatsDocument, { siteId }, { requestPolicy: 'network-only' }).toPromise();
    expect(allTime.data?.siteStats).toMatchObject({ date: null, totalViews: 4, uniqueUsers: 2, totalEvents: 4 });
  });

  it('rejects a batch with one bad event whole, with code BAD_USER_INPUT naming the event', async () => {
    const urql = client();
    const siteId = 'urql-batch';
    const res = await urql
      .mutation(RecordEventsDocument, {
        inputs: [
          { siteId, eventType: 'page_view', path: '/ok', timestamp: `${DAY}T10:00:00Z` },
          { siteId, eventType: 'page_view', path: 'no-leading-slash', timestamp: `${DAY}T10:00:01Z` },
        ],
      })
      .toPromise();
    expect(res.data?.recordEvents ?? null).toBeNull();
    const codes = res.error?.graphQLErrors.map((e) => e.extensions?.code);
    expect(codes).toEqual(['BAD_USER_INPUT']);
    expect(res.error?.graphQLErrors[0]?.message).toMatch(/inputs\.1\.path/);

    // None of the batch is stored: a later accepted event arrives alone.
    const marker = await urql
      .mutation(RecordEventDocument, {
        input: { siteId, eventType: 'marker', timestamp: `${DAY}T11:00:00Z` },
      })
      .toPromise();
    expect(marker.data?.recordEvent.accepted).toBe(true);
    await waitForStored(siteId, 1);
    expect(countStoredEvents(file.dbPath, 'site_id = ? AND event_type = ?', siteId, 'page_view')).toBe(0);
  });
});
