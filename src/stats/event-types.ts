// eventTypes: the count of each event type in a scope, most frequent first, ties by name.
import type { EventTypeCount, StatsScope } from '../core/stats.js';
import type { Storage } from '../storage/port.js';
import { rangeOf } from './scope.js';

export type { EventTypeCount } from '../core/stats.js';

export function eventTypes(storage: Storage, scope: StatsScope): Promise<EventTypeCount[]> {
  return storage.eventTypes(rangeOf(scope));
}
