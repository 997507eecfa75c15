// A flush batch as both backends take it: one JSON parameter for the whole batch, and the
// client-eventId repeats inside a batch taken out first (the first one is kept).
import type { EventRecord } from '../core/event.js';

/**
 * [[id, siteId, eventType, path, userId, timestamp, clientEventId, source, utmSource, utmMedium,
 * utmCampaign, browser, os, device, country], ...] as JSON (an absent attribute as null).
 */
export function eventsJson(events: readonly EventRecord[]): string {
  const rows = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as EventRecord;
    rows[i] = [
      e.id ?? null,
      e.siteId,
      e.eventType,
      e.path,
      e.userId,
      e.timestamp,
      e.clientEventId ?? null,
      e.source ?? null,
      e.utmSource ?? null,
      e.utmMedium ?? null,
      e.utmCampaign ?? null,
      e.browser ?? null,
      e.os ?? null,
      e.device ?? null,
      e.country ?? null,
    ];
  }
  return JSON.stringify(rows);
}

type Nullable = string | null;
type Row = [number | null, string, string, Nullable, Nullable, number, Nullable, ...Nullable[]];

/** The inverse of eventsJson. */
export function eventsFromJson(json: string): EventRecord[] {
  return (JSON.parse(json) as Row[]).map(
    ([
      id,
      siteId,
      eventType,
      path,
      userId,
      timestamp,
      clientEventId,
      source,
      utmSource,
      utmMedium,
      utmCampaign,
      browser,
      os,
      device,
      country,
    ]) => ({
      id: id ?? undefined,
      siteId,
      eventType,
      path,
      userId,
      timestamp,
      clientEventId,
      source: source ?? null,
      utmSource: utmSource ?? null,
      utmMedium: utmMedium ?? null,
      utmCampaign: utmCampaign ?? null,
      browser: browser ?? null,
      os: os ?? null,
      device: device ?? null,
      country: country ?? null,
    }),
  );
}

const SEP = '\u0000';

/** The batch without events that repeat a client eventId of the same site earlier in the batch. */
export function withoutRepeatedClientIds(events: readonly EventRecord[]): readonly EventRecord[] {
  if (!events.some((e) => e.clientEventId)) return events;
  const seen = new Set<string>();
  return events.filter((e) => {
    if (!e.clientEventId) return true;
    const key = `${e.siteId}${SEP}${e.clientEventId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
