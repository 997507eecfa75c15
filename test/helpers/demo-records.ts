// Demo events (src/demo/generate.ts) as the records ingestion stores: validated, with the
// attributes it derives from them (the referrer's host, without "www.", as source; UTM, browser,
// OS, device and country as given). For tests and benchmarks that write through the storage port.
import type { EventRecord } from '../../src/core/event.js';
import type { DemoEvent } from '../../src/demo/generate.js';
import { validateEvents } from '../../src/ingestion/request.js';

const hosts = new Map<string, string>();

/** The referrer's host without "www." (cached: the demo repeats a few hundred referrers). */
function sourceOf(referrer: string): string {
  let host = hosts.get(referrer);
  if (host === undefined) {
    host = new URL(referrer).hostname.replace(/^www\./, '');
    hosts.set(referrer, host);
  }
  return host;
}

export function demoRecords(chunk: DemoEvent[]): EventRecord[] {
  const valid = validateEvents(chunk);
  if (!valid.ok) throw new Error('generated an invalid event');
  return valid.value.map((e, i) => {
    const d = chunk[i] as DemoEvent;
    return {
      ...e,
      source: d.referrer ? sourceOf(d.referrer) : null,
      utmSource: d.utmSource ?? null,
      utmMedium: d.utmMedium ?? null,
      utmCampaign: d.utmCampaign ?? null,
      browser: d.browser,
      os: d.os,
      device: d.device,
      country: d.country,
    };
  });
}
