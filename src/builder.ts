// The Pothos schema builder: plugins and scalars only; types live in schema/.
import SchemaBuilder from '@pothos/core';
import { Kind } from 'graphql';
import type { PulseContext } from './context.js';
import { parseDate, parseDateTime } from './ingestion/request.js';

export const builder = new SchemaBuilder<{
  Context: PulseContext;
  DefaultFieldNullability: false;
  Scalars: {
    /** kept as the client's string; validated here, turned into epoch ms by ingestion */
    DateTime: { Input: string; Output: string };
    Date: { Input: string; Output: string };
  };
}>({ defaultFieldNullability: false });

/**
 * Thrown by the scalars. graphql-js wraps it with the field's path and expected type; the
 * error mask (plugins/use-input-error-codes) turns the wrapped error into BAD_USER_INPUT.
 */
export class ScalarInputError extends Error {
  override name = 'ScalarInputError';
}

function stringScalar(name: string, valid: (value: string) => boolean, rule: string) {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string' || !valid(value)) throw new ScalarInputError(`${name} ${rule}`);
    return value;
  };
  return {
    description: `${name}: ${rule}`,
    serialize: (value: unknown) => parse(value),
    parseValue: parse,
    parseLiteral: (ast: { kind: Kind; value?: unknown }) => {
      if (ast.kind !== Kind.STRING) throw new ScalarInputError(`${name} ${rule}`);
      return parse(ast.value);
    },
  };
}

builder.scalarType(
  'DateTime',
  stringScalar(
    'DateTime',
    (v) => parseDateTime(v) !== null,
    'must be an ISO 8601 date-time with an offset or Z, e.g. 2025-11-15T18:30:01Z',
  ),
);
builder.scalarType(
  'Date',
  stringScalar('Date', (v) => parseDate(v) !== null, 'must be a calendar date YYYY-MM-DD'),
);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
