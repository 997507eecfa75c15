// The flush stores the attributes a breakdown or a filter names (source, UTM, browser, OS, device,
// country) with each event, absent ones as NULL, on both backends; the attribute rollups count them.
import { expect, it } from 'vitest';
import type { EventRecord } from '../../../src/core/event.js';
import { openStorage } from '../../../src/storage/open.js';
import { describeBackends, freshStorageUrl, rawQuery } from '../../helpers/backends.js';

const AT = Date.UTC(2026, 2, 8, 6, 59, 59, 999);
const full: EventRecord = {
  id: 1,
  siteId: 'site',
  eventType: 'page_view',
  path: '/pricing',
  userId: 'u1',
  timestamp: AT,
  source: 'news.ycombinator.com',
  utmSource: 'newsletter',
  utmMedium: 'e-mail "weekly"',
  utmCampaign: "spring'26 ü😀",
  browser: 'Firefox',
  os: 'Linux',
  device: 'desktop',
  country: 'DE',
};
const bare: EventRecord = { id: 2, siteId: 'site', eventType: 'click', path: null, userId: null, timestamp: AT + 1 };
const nulls: EventRecord = {
  ...bare,
  id: 3,
  source: null,
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  browser: null,
  os: null,
  device: null,
  country: null,
};

const COLUMNS = `source, utm_source AS "utmSource", utm_medium AS "utmMedium", utm_campaign AS "utmCampaign",
  browser, os, device, country`;

describeBackends('event attributes', (backend) => {
  it('are stored with the event, absent ones as NULL', async () => {
    const db = await openStorage((await freshStorageUrl(backend)).url);
    try {
      await db.writeBatch([full, bare, nulls]);
      const rows = await rawQuery(db, `SELECT ${COLUMNS} FROM events ORDER BY id`);
      const none = {
        source: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        browser: null,
        os: null,
        device: null,
        country: null,
      };
      expect(rows).toEqual([
        {
          source: 'news.ycombinator.com',
          utmSource: 'newsletter',
          utmMedium: 'e-mail "weekly"',
          utmCampaign: "spring'26 ü😀",
          browser: 'Firefox',
          os: 'Linux',
          device: 'desktop',
          country: 'DE',
        },
        none,
        none,
      ]);
      // each attribute dimension counts the full event under its value, the other two under none ('')
      const dims = await rawQuery<{ dim: string; value: string; events: number | string; views: number | string }>(
        db,
        `SELECT dim, value, events, views FROM rollup_dims_daily ORDER BY dim, value`,
      );
      expect(dims.map((r) => [r.dim, r.value, Number(r.events), Number(r.views)])).toEqual([
        ['BROWSER', '', 2, 0],
        ['BROWSER', 'Firefox', 1, 1],
        ['COUNTRY', '', 2, 0],
        ['COUNTRY', 'DE', 1, 1],
        ['DEVICE', '', 2, 0],
        ['DEVICE', 'desktop', 1, 1],
        ['OS', '', 2, 0],
        ['OS', 'Linux', 1, 1],
        ['SOURCE', '', 2, 0],
        ['SOURCE', 'news.ycombinator.com', 1, 1],
        ['UTM_CAMPAIGN', '', 2, 0],
        ['UTM_CAMPAIGN', "spring'26 ü😀", 1, 1],
        ['UTM_MEDIUM', '', 2, 0],
        ['UTM_MEDIUM', 'e-mail "weekly"', 1, 1],
        ['UTM_SOURCE', '', 2, 0],
        ['UTM_SOURCE', 'newsletter', 1, 1],
      ]);
    } finally {
      await db.close();
    }
  });
});
