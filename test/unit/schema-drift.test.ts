// schema.graphql is committed for clients and codegen; it must match the schema the code builds.
import { readFileSync } from 'node:fs';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

it('the committed schema.graphql matches the code (run `npm run codegen` after schema changes)', () => {
  const committed = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
  expect(printSchema(lexicographicSortSchema(committed))).toBe(printSchema(lexicographicSortSchema(schema)));
});
