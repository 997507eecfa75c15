// Pulse's own failures, each with its public code (docs/api.md, "Errors"); adapters turn them
// into GraphQL errors or HTTP statuses.
import { GraphQLError } from 'graphql';
import { describeProblems, type InputProblem } from './ingestion/request.js';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'OVERLOADED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'DATABASE_UNAVAILABLE';

export class PulseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** seconds a client should wait before retrying, where that applies */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'PulseError';
  }
}

export class InputError extends PulseError {
  constructor(readonly problems: InputProblem[]) {
    super('BAD_USER_INPUT', `Invalid input: ${describeProblems(problems)}`);
  }
}

export const overloaded = () =>
  new PulseError('OVERLOADED', 'The ingest buffer is full; nothing was accepted. Retry later.', 1);
export const stopping = () =>
  new PulseError('OVERLOADED', 'The server is shutting down; nothing was accepted. Retry later.', 1);
export const unauthenticated = () =>
  new PulseError('UNAUTHENTICATED', 'A valid API key is required: send "Authorization: Bearer <key>".');
export const forbiddenSite = (siteId: string) =>
  new PulseError('FORBIDDEN', `Events for site "${siteId}" are not accepted here; nothing was accepted.`);
export const rateLimited = (retryAfter: number) =>
  new PulseError('RATE_LIMITED', 'Too many requests from this client; nothing was accepted. Retry later.', retryAfter);

export const databaseUnavailable = () =>
  new PulseError('DATABASE_UNAVAILABLE', 'The database is unavailable right now; retry later.', 5);

/** `at`: the located error a resolver's PulseError arrived in (keeps its path and locations). */
export function toGraphQLError(error: PulseError, at?: GraphQLError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error instanceof InputError) extensions.problems = error.problems;
  if (error.retryAfter !== undefined) extensions.retryAfter = error.retryAfter;
  return new GraphQLError(error.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    extensions,
  });
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  DATABASE_UNAVAILABLE: 503,
};
