// Gives the input errors graphql-js raises before any resolver runs the BAD_USER_INPUT code
// (docs/api.md, "Errors"): scalar values it could not parse (in the document or in variables),
// and variables that do not coerce at all (a required field missing, a wrong type).
import { type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, maskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import { ScalarInputError } from '../builder.js';
import { PulseError, toGraphQLError } from '../errors.js';

function fromScalar(error: Error): boolean {
  let cause: unknown = (error as GraphQLError).originalError;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof ScalarInputError) return true;
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return false;
}

function asInputError(error: GraphQLError): GraphQLError {
  // Built without originalError: the scalar's message is already in the text, and the error
  // mask hides errors whose cause is not a GraphQLError.
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
  });
}

/**
 * Yoga's error mask, except that scalar parse failures pass through as BAD_USER_INPUT, and a
 * PulseError a resolver threw (e.g. DATABASE_UNAVAILABLE from a stats read) keeps its code.
 */
export const maskInputErrors: NonNullable<
  Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean>
>['maskError'] = (error, message, isDev) => {
  if (error instanceof GraphQLError && error.originalError instanceof PulseError) {
    return toGraphQLError(error.originalError, error);
  }
  return error instanceof GraphQLError && fromScalar(error) ? asInputError(error) : maskError(error, message, isDev);
};

export function useInputErrorCodes(): Plugin {
  const recode = (result: ExecutionResult, setResult: (r: ExecutionResult) => void) => {
    // A result without `data` means execution never started: the variables did not coerce.
    if (!('data' in result) && result.errors?.length) {
      setResult({ ...result, errors: result.errors.map((e) => (e.extensions?.code ? e : asInputError(e))) });
    }
  };
  return {
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result) {
          // Yoga's own validation hook mutates extensions the same way (code ||= ...).
          if (fromScalar(error)) Object.assign((error as GraphQLError).extensions, { code: 'BAD_USER_INPUT' });
        }
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) recode(result, setResult);
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) recode(result, setResult);
        },
      };
    },
  };
}
