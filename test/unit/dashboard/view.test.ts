// The dashboard's URL scheme (filters, none, tz) and its days in a time zone (src/dashboard/view.ts).
import { describe, expect, it } from 'vitest';
import { readUrl, scopeOf, timeZoneName, todayIn, toUrl, withFilter, zoneOf } from '../../../src/dashboard/view.js';

describe('dashboard URL', () => {
  it('keeps filters (f=dim:value, none=dim) and tz through a round trip, in dimension order', () => {
    const search = '?site=a.example&period=7d&f=country:DE&none=source&f=path:/a:b?c=1&tz=Asia/Kolkata';
    const view = readUrl(search);
    expect(view.filters).toEqual([
      { dimension: 'PATH', value: '/a:b?c=1' },
      { dimension: 'SOURCE', value: null },
      { dimension: 'COUNTRY', value: 'DE' },
    ]);
    expect(view.tz).toBe('Asia/Kolkata');
    const url = toUrl(view);
    expect(url).toBe(
      '?site=a.example&period=7d&f=path%3A%2Fa%3Ab%3Fc%3D1&none=source&f=country%3ADE&tz=Asia%2FKolkata',
    );
    expect(readUrl(url)).toEqual(view);
  });

  it('keeps one filter per dimension (the last), and ignores unknown dimensions and empty values', () => {
    const view = readUrl('?site=s&f=country:DE&f=country:FR&f=planet:mars&f=browser:&f=nocolon&none=moon');
    expect(view.filters).toEqual([{ dimension: 'COUNTRY', value: 'FR' }]);
  });

  it('a value and none on the same dimension: none wins (it is read last)', () => {
    expect(readUrl('?none=utm_campaign&f=utm_campaign:spring').filters).toEqual([
      { dimension: 'UTM_CAMPAIGN', value: null },
    ]);
  });

  it('withFilter replaces the filter on the same dimension', () => {
    const one = withFilter([], { dimension: 'DEVICE', value: 'mobile' });
    const two = withFilter(one, { dimension: 'BROWSER', value: 'Firefox' });
    expect(withFilter(two, { dimension: 'DEVICE', value: 'tablet' })).toEqual([
      { dimension: 'BROWSER', value: 'Firefox' },
      { dimension: 'DEVICE', value: 'tablet' },
    ]);
  });

  it('a custom range with filters', () => {
    const view = readUrl('?site=s&from=2026-11-30&to=2026-11-01&f=os:Linux');
    expect(view).toMatchObject({ period: 'custom', from: '2026-11-01', to: '2026-11-30' });
    expect(toUrl(view)).toBe('?site=s&from=2026-11-01&to=2026-11-30&f=os%3ALinux');
  });
});

describe('dashboard time zone', () => {
  it('tz= names the zone when the browser knows it (as written), else the browser zone is used', () => {
    expect(timeZoneName('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(timeZoneName('Mars/Olympus')).toBeNull();
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(zoneOf(readUrl('?tz=Mars/Olympus'))).toBe(timeZoneName(browser));
    expect(zoneOf(readUrl('?tz=Europe/Berlin'))).toBe('Europe/Berlin');
  });

  it("today is the zone's date", () => {
    const now = Date.parse('2026-12-01T20:00:00Z');
    expect(todayIn('UTC', now)).toBe('2026-12-01');
    expect(todayIn('Asia/Kathmandu', now)).toBe('2026-12-02'); // 01:45 next day
    expect(todayIn('America/New_York', Date.parse('2026-12-02T03:00:00Z'))).toBe('2026-12-01');
  });

  it('scopes name the zone and count days back from its today', () => {
    const view = readUrl('?site=s&period=7d');
    expect(scopeOf(view, 'Asia/Kolkata', '2026-12-02')).toMatchObject({
      from: '2026-11-26',
      to: '2026-12-02',
      interval: 'DAY',
      live: true,
      title: 'Last 7 days, 2026-11-26 to 2026-12-02 (Asia/Kolkata)',
    });
    expect(scopeOf(readUrl('?site=s'), 'UTC', '2026-12-02')).toMatchObject({ date: '2026-12-02', today: true });
  });
});
