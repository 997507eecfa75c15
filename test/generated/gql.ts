/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment SiteStatsFields on SiteStats {\n  siteId\n  date\n  totalViews\n  uniqueUsers\n  totalEvents\n  topPaths {\n    path\n    views\n  }\n}\n\nmutation RecordEvent($input: EventInput!) {\n  recordEvent(input: $input) {\n    accepted\n  }\n}\n\nmutation RecordEvents($inputs: [EventInput!]!) {\n  recordEvents(inputs: $inputs) {\n    accepted\n  }\n}\n\nquery SiteStats($siteId: String!, $date: Date) {\n  siteStats(siteId: $siteId, date: $date) {\n    ...SiteStatsFields\n  }\n}\n\nsubscription LiveStats($siteId: String!) {\n  liveStats(siteId: $siteId) {\n    ...SiteStatsFields\n  }\n}\n\nquery Breakdown($siteId: String!, $date: Date, $timeZone: String, $filters: [StatsFilter!], $by: Dimension!, $sortBy: BreakdownSort) {\n  siteStats(siteId: $siteId, date: $date, timeZone: $timeZone, filters: $filters) {\n    date\n    totalViews\n    breakdown(by: $by, sortBy: $sortBy) {\n      value\n      views\n      events\n      uniqueUsers\n    }\n  }\n}": typeof types.SiteStatsFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment SiteStatsFields on SiteStats {\n  siteId\n  date\n  totalViews\n  uniqueUsers\n  totalEvents\n  topPaths {\n    path\n    views\n  }\n}\n\nmutation RecordEvent($input: EventInput!) {\n  recordEvent(input: $input) {\n    accepted\n  }\n}\n\nmutation RecordEvents($inputs: [EventInput!]!) {\n  recordEvents(inputs: $inputs) {\n    accepted\n  }\n}\n\nquery SiteStats($siteId: String!, $date: Date) {\n  siteStats(siteId: $siteId, date: $date) {\n    ...SiteStatsFields\n  }\n}\n\nsubscription LiveStats($siteId: String!) {\n  liveStats(siteId: $siteId) {\n    ...SiteStatsFields\n  }\n}\n\nquery Breakdown($siteId: String!, $date: Date, $timeZone: String, $filters: [StatsFilter!], $by: Dimension!, $sortBy: BreakdownSort) {\n  siteStats(siteId: $siteId, date: $date, timeZone: $timeZone, filters: $filters) {\n    date\n    totalViews\n    breakdown(by: $by, sortBy: $sortBy) {\n      value\n      views\n      events\n      uniqueUsers\n    }\n  }\n}": types.SiteStatsFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SiteStatsFields on SiteStats {\n  siteId\n  date\n  totalViews\n  uniqueUsers\n  totalEvents\n  topPaths {\n    path\n    views\n  }\n}\n\nmutation RecordEvent($input: EventInput!) {\n  recordEvent(input: $input) {\n    accepted\n  }\n}\n\nmutation RecordEvents($inputs: [EventInput!]!) {\n  recordEvents(inputs: $inputs) {\n    accepted\n  }\n}\n\nquery SiteStats($siteId: String!, $date: Date) {\n  siteStats(siteId: $siteId, date: $date) {\n    ...SiteStatsFields\n  }\n}\n\nsubscription LiveStats($siteId: String!) {\n  liveStats(siteId: $siteId) {\n    ...SiteStatsFields\n  }\n}\n\nquery Breakdown($siteId: String!, $date: Date, $timeZone: String, $filters: [StatsFilter!], $by: Dimension!, $sortBy: BreakdownSort) {\n  siteStats(siteId: $siteId, date: $date, timeZone: $timeZone, filters: $filters) {\n    date\n    totalViews\n    breakdown(by: $by, sortBy: $sortBy) {\n      value\n      views\n      events\n      uniqueUsers\n    }\n  }\n}"): (typeof documents)["fragment SiteStatsFields on SiteStats {\n  siteId\n  date\n  totalViews\n  uniqueUsers\n  totalEvents\n  topPaths {\n    path\n    views\n  }\n}\n\nmutation RecordEvent($input: EventInput!) {\n  recordEvent(input: $input) {\n    accepted\n  }\n}\n\nmutation RecordEvents($inputs: [EventInput!]!) {\n  recordEvents(inputs: $inputs) {\n    accepted\n  }\n}\n\nquery SiteStats($siteId: String!, $date: Date) {\n  siteStats(siteId: $siteId, date: $date) {\n    ...SiteStatsFields\n  }\n}\n\nsubscription LiveStats($siteId: String!) {\n  liveStats(siteId: $siteId) {\n    ...SiteStatsFields\n  }\n}\n\nquery Breakdown($siteId: String!, $date: Date, $timeZone: String, $filters: [StatsFilter!], $by: Dimension!, $sortBy: BreakdownSort) {\n  siteStats(siteId: $siteId, date: $date, timeZone: $timeZone, filters: $filters) {\n    date\n    totalViews\n    breakdown(by: $by, sortBy: $sortBy) {\n      value\n      views\n      events\n      uniqueUsers\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;