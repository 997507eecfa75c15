// The seed's snake_case field names on the REST and pixel routes, and the way back for errors.
import type { InputProblem } from '../ingestion/request.js';

const TO_CAMEL: Record<string, string> = {
  site_id: 'siteId',
  event_type: 'eventType',
  path: 'path',
  user_id: 'userId',
  timestamp: 'timestamp',
  event_id: 'eventId',
  referrer: 'referrer',
  utm_source: 'utmSource',
  utm_medium: 'utmMedium',
  utm_campaign: 'utmCampaign',
  // for callers relaying a browser's hit; otherwise derived (docs/api.md, "Derived on arrival")
  browser: 'browser',
  os: 'os',
  device: 'device',
  country: 'country',
};
const TO_SNAKE: Record<string, string> = Object.fromEntries(Object.entries(TO_CAMEL).map(([s, c]) => [c, s]));

/** {site_id, ...} → {siteId, ...}; unknown keys are ignored, as the seed did. */
export function eventFromSnake(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in TO_CAMEL) {
    if (body[key] !== undefined) out[TO_CAMEL[key] as string] = body[key];
  }
  return out;
}

export function problemsToSnake(problems: readonly InputProblem[]): InputProblem[] {
  return problems.map((p) => ({ field: TO_SNAKE[p.field] ?? p.field, message: p.message }));
}
