// runPipeline keeps the input array while no event is dropped or replaced, and copies from the
// first one that is; steps complete the records in place (ingestion/pipeline.ts).
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { deriveVisitorId, type HitContext, runPipeline, type Step } from '../../../src/ingestion/pipeline.js';
import type { VisitorIds } from '../../../src/ingestion/visitor-id.js';

const event = (path: string, userId: string | null = 'u'): EventRecord => ({
  siteId: 's',
  eventType: 'page_view',
  path,
  userId,
  timestamp: 0,
});
const hit: HitContext = { ip: '203.0.113.9', userAgent: 'Firefox', anonymousVisitor: true };

const dropPath =
  (path: string): Step =>
  (e) =>
    e.path === path ? { drop: 'test' } : e;
const replacePath =
  (path: string): Step =>
  (e) =>
    e.path === path ? { ...e, path: `${path}!` } : e;

describe('runPipeline', () => {
  it('keeps every event, in order, when no step drops or replaces one', () => {
    const events = [event('/a'), event('/b'), event('/c')];
    const result = runPipeline([dropPath('/x'), replacePath('/y')], events, hit);
    expect(result.kept.map((e) => e.path)).toEqual(['/a', '/b', '/c']);
    expect(result.dropped).toEqual({});
  });

  it('leaves out dropped events, wherever they are, and counts them by reason', () => {
    for (const drop of ['/a', '/b', '/c']) {
      const events = [event('/a'), event('/b'), event('/c')];
      const result = runPipeline([dropPath(drop)], events, hit);
      expect(result.kept.map((e) => e.path)).toEqual(['/a', '/b', '/c'].filter((p) => p !== drop));
      expect(result.dropped).toEqual({ test: 1 });
      expect(events.map((e) => e.path)).toEqual(['/a', '/b', '/c']);
    }
  });

  it('keeps what a step returns in place of an event, before and after a drop', () => {
    const events = [event('/a'), event('/b'), event('/c'), event('/d')];
    const result = runPipeline([replacePath('/b'), dropPath('/c'), replacePath('/d')], events, hit);
    expect(result.kept.map((e) => e.path)).toEqual(['/a', '/b!', '/d!']);
    expect(result.dropped).toEqual({ test: 1 });
  });

  it('passes events through untouched without a hit', () => {
    const events = [event('/a')];
    expect(runPipeline([dropPath('/a')], events, undefined).kept).toEqual(events);
  });
});

describe('deriveVisitorId', () => {
  const visitors = { derive: (site: string, ip: string, ua: string) => `anon:${site}/${ip}/${ua}` } as VisitorIds;
  const step = deriveVisitorId(visitors);

  it('completes a browser hit without userId in place', () => {
    const e = event('/a', null);
    expect(step(e, hit)).toBe(e);
    expect(e.userId).toBe('anon:s/203.0.113.9/Firefox');
  });

  it("keeps a userId the event carries, and leaves server-side events' missing userId null", () => {
    expect(step(event('/a', 'user-1'), hit)).toMatchObject({ userId: 'user-1' });
    expect(step(event('/a', null), { ...hit, anonymousVisitor: false })).toMatchObject({ userId: null });
  });
});
