// The bot step: browser hits (pixel, beacon) from bot User-Agents are dropped and counted; other
// hits (GraphQL, JSON POST /event: server code, the seed's curl) are never judged by User-Agent.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { type BotCount, dropBots, type HitContext, runPipeline } from '../../../src/ingestion/pipeline.js';

const event: EventRecord = { siteId: 's', eventType: 'page_view', path: '/', userId: null, timestamp: 0 };
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const hit = (userAgent: string, anonymousVisitor = true): HitContext => ({
  ip: '10.0.0.1',
  userAgent,
  anonymousVisitor,
});

describe('dropBots', () => {
  it.each([
    'Googlebot/2.1 (+http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
    'facebookexternalhit/1.1',
    'curl/8.5.0',
  ])('drops a browser hit from %s and counts it', (userAgent) => {
    const count: BotCount = { bots: 0 };
    const result = runPipeline([dropBots(count)], [event], hit(userAgent));
    expect(result).toEqual({ kept: [], dropped: { bot: 1 } });
    expect(count.bots).toBe(1);
  });

  it('keeps browser hits from browsers, and hits that are not browser hits whatever their User-Agent', () => {
    const count: BotCount = { bots: 0 };
    expect(runPipeline([dropBots(count)], [event], hit(FIREFOX)).kept).toEqual([event]);
    expect(runPipeline([dropBots(count)], [event], hit('curl/8.5.0', false)).kept).toEqual([event]);
    expect(count.bots).toBe(0);
  });
});
