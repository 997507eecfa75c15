// Counts GraphQL ingest requests refused for invalid input (a mutation answered BAD_USER_INPUT),
// for the metrics; the REST and pixel routes count theirs where they answer 400. Refusals Ingest
// raises itself (OVERLOADED, FORBIDDEN) are counted there. Looks at nothing on success.
import { type ExecutionResult, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { RefusalReason } from '../ingestion/ingest.js';

export function useIngestRefusals(refused: Record<RefusalReason, number>): Plugin {
  const hooks = {
    onExecuteDone({
      args,
      result,
    }: {
      args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null };
      result: ExecutionResult | AsyncIterable<ExecutionResult>;
    }) {
      if (isAsyncIterable(result) || !result.errors?.length) return;
      if (!result.errors.some((e) => e.extensions?.code === 'BAD_USER_INPUT')) return;
      if (getOperationAST(args.document, args.operationName)?.operation === 'mutation') refused.invalid++;
    },
  };
  // One shared hooks object: nothing is allocated per execution.
  return { onExecute: () => hooks };
}
