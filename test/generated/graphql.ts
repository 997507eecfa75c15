/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The count a breakdown is sorted by (descending). */
export type BreakdownSort =
  | 'EVENTS'
  | 'UNIQUE_USERS'
  | 'VIEWS';

/** What a breakdown groups by and a filter names: the path, the event type, the source (referring host), the UTM source, medium and campaign, the browser, operating system, device class and country. */
export type Dimension =
  | 'BROWSER'
  | 'COUNTRY'
  | 'DEVICE'
  | 'EVENT_TYPE'
  | 'OS'
  | 'PATH'
  | 'SOURCE'
  | 'UTM_CAMPAIGN'
  | 'UTM_MEDIUM'
  | 'UTM_SOURCE';

/** One analytics event. */
export type EventInput = {
  /** 1-64 characters, e.g. "Chrome": for callers relaying a browser's hit; otherwise derived from the User-Agent */
  browser?: string | null | undefined;
  /** ISO 3166-1 alpha-2 code, either case (stored upper-case): for callers relaying a browser's hit; otherwise derived from the client address */
  country?: string | null | undefined;
  /** "desktop", "mobile" or "tablet": for callers relaying a browser's hit; otherwise derived from the User-Agent */
  device?: string | null | undefined;
  /** optional, 1-128 characters: the client's id for this event; a retry with the same eventId for the same site is stored once */
  eventId?: string | null | undefined;
  /** 1-64 characters, e.g. "page_view" */
  eventType: string;
  /** 1-64 characters, e.g. "Windows": for callers relaying a browser's hit; otherwise derived from the User-Agent */
  os?: string | null | undefined;
  /** at most 2048 characters, starting with "/" */
  path?: string | null | undefined;
  /** the page the visitor came from: an absolute http(s) URL, at most 2048 characters; only its host is kept (the SOURCE dimension), and a referrer on the page's own host counts as none */
  referrer?: string | null | undefined;
  /** 1-128 characters of [A-Za-z0-9._:-] */
  siteId: string;
  /** when the event happened */
  timestamp: string;
  /** 1-256 characters; counted by uniqueUsers */
  userId?: string | null | undefined;
  /** 1-256 characters: the utm_campaign of the link the visitor followed */
  utmCampaign?: string | null | undefined;
  /** 1-256 characters: the utm_medium of the link the visitor followed */
  utmMedium?: string | null | undefined;
  /** 1-256 characters: the utm_source of the link the visitor followed */
  utmSource?: string | null | undefined;
};

/** Only the events whose dimension has this value (null: none). Filters combine with AND. */
export type StatsFilter = {
  dimension: Dimension;
  /** the value as breakdown returns it; null matches events without one */
  value?: string | null | undefined;
};

export type SiteStatsFieldsFragment = { siteId: string, date: string | null, totalViews: number, uniqueUsers: number, totalEvents: number, topPaths: Array<{ path: string, views: number }> };

export type RecordEventMutationVariables = Exact<{
  input: EventInput;
}>;


export type RecordEventMutation = { recordEvent: { accepted: boolean } };

export type RecordEventsMutationVariables = Exact<{
  inputs: Array<EventInput> | EventInput;
}>;


export type RecordEventsMutation = { recordEvents: { accepted: number } };

export type SiteStatsQueryVariables = Exact<{
  siteId: string;
  date?: string | null | undefined;
}>;


export type SiteStatsQuery = { siteStats: { siteId: string, date: string | null, totalViews: number, uniqueUsers: number, totalEvents: number, topPaths: Array<{ path: string, views: number }> } };

export type LiveStatsSubscriptionVariables = Exact<{
  siteId: string;
}>;


export type LiveStatsSubscription = { liveStats: { siteId: string, date: string | null, totalViews: number, uniqueUsers: number, totalEvents: number, topPaths: Array<{ path: string, views: number }> } };

export type BreakdownQueryVariables = Exact<{
  siteId: string;
  date?: string | null | undefined;
  timeZone?: string | null | undefined;
  filters?: Array<StatsFilter> | StatsFilter | null | undefined;
  by: Dimension;
  sortBy?: BreakdownSort | null | undefined;
}>;


export type BreakdownQuery = { siteStats: { date: string | null, totalViews: number, breakdown: Array<{ value: string | null, views: number, events: number, uniqueUsers: number }> } };

export const SiteStatsFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SiteStatsFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SiteStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"totalViews"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueUsers"}},{"kind":"Field","name":{"kind":"Name","value":"totalEvents"}},{"kind":"Field","name":{"kind":"Name","value":"topPaths"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"views"}}]}}]}}]} as unknown as DocumentNode<SiteStatsFieldsFragment, unknown>;
export const RecordEventDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordEvent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EventInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordEvent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accepted"}}]}}]}}]} as unknown as DocumentNode<RecordEventMutation, RecordEventMutationVariables>;
export const RecordEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inputs"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EventInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"inputs"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inputs"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accepted"}}]}}]}}]} as unknown as DocumentNode<RecordEventsMutation, RecordEventsMutationVariables>;
export const SiteStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SiteStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"siteId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"date"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"siteStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"siteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"siteId"}}},{"kind":"Argument","name":{"kind":"Name","value":"date"},"value":{"kind":"Variable","name":{"kind":"Name","value":"date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SiteStatsFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SiteStatsFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SiteStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"totalViews"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueUsers"}},{"kind":"Field","name":{"kind":"Name","value":"totalEvents"}},{"kind":"Field","name":{"kind":"Name","value":"topPaths"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"views"}}]}}]}}]} as unknown as DocumentNode<SiteStatsQuery, SiteStatsQueryVariables>;
export const LiveStatsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LiveStats"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"siteId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liveStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"siteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"siteId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SiteStatsFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SiteStatsFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SiteStats"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"siteId"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"totalViews"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueUsers"}},{"kind":"Field","name":{"kind":"Name","value":"totalEvents"}},{"kind":"Field","name":{"kind":"Name","value":"topPaths"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"views"}}]}}]}}]} as unknown as DocumentNode<LiveStatsSubscription, LiveStatsSubscriptionVariables>;
export const BreakdownDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Breakdown"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"siteId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"date"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timeZone"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filters"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StatsFilter"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Dimension"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sortBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BreakdownSort"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"siteStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"siteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"siteId"}}},{"kind":"Argument","name":{"kind":"Name","value":"date"},"value":{"kind":"Variable","name":{"kind":"Name","value":"date"}}},{"kind":"Argument","name":{"kind":"Name","value":"timeZone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timeZone"}}},{"kind":"Argument","name":{"kind":"Name","value":"filters"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filters"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"totalViews"}},{"kind":"Field","name":{"kind":"Name","value":"breakdown"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}},{"kind":"Argument","name":{"kind":"Name","value":"sortBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sortBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"views"}},{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"uniqueUsers"}}]}}]}}]}}]} as unknown as DocumentNode<BreakdownQuery, BreakdownQueryVariables>;