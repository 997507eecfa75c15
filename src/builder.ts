// The Pothos schema builder: plugins and scalars only; types live in schema/.
import SchemaBuilder from '@pothos/core';
import { Kind } from 'graphql';
import type { PulseContext } from './context.js';
import { parseDate, parseDateTime } from './ingestion/request.js';

export const builder = new SchemaBuilder<{
  Context: PulseContext;
  DefaultFieldNullability: false;
  Scalars: {
    /** parsed once, here, to epoch ms; output as an ISO string */
    DateTime: { Input: number; Output: string };
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

/** A scalar written as a string; `parse` gives its input value, or null when the string is invalid. */
function stringScalar<T>(name: string, parse: (value: string) => T | null, rule: string) {
  const fail = () => new ScalarInputError(`${name} ${rule}`);
  const parseValue = (value: unknown): T => {
    const parsed = typeof value === 'string' ? parse(value) : null;
    if (parsed === null) throw fail();
    return parsed;
  };
  return {
    description: `${name}: ${rule}`,
    serialize: (value: unknown): string => {
      if (typeof value !== 'string' || parse(value) === null) throw fail();
      return value;
    },
    parseValue,
    parseLiteral: (ast: { kind: Kind; value?: unknown }) => {
      if (ast.kind !== Kind.STRING) throw fail();
      return parseValue(ast.value);
    },
  };
}

builder.scalarType(
  'DateTime',
  stringScalar(
    'DateTime',
    parseDateTime,
    'must be an ISO 8601 date-time with an offset or Z, e.g. 2025-11-15T18:30:01Z',
  ),
);
builder.scalarType(
  'Date',
  stringScalar('Date', (v) => (parseDate(v) === null ? null : v), 'must be a calendar date YYYY-MM-DD'),
);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
