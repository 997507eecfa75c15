// The validated event as it moves through the buffer into storage.
export interface EventRecord {
  siteId: string;
  eventType: string;
  path: string | null;
  userId: string | null;
  /** UTC epoch milliseconds */
  timestamp: number;
}

export const PAGE_VIEW = 'page_view';
