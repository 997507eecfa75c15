// Gives the input errors graphql-js raises before any resolver runs the BAD_USER_INPUT code
// (docs/api.md, "Errors"): scalar values it could not parse (in the document or in variables),
// unknown enum values (e.g. a Dimension, in the document or in variables: the message then names
// the argument, e.g. "breakdown.by"), and variables that do not coerce at all (a required field
// missing, a wrong type).
import {
  type ArgumentNode,
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { isAsyncIterable, type MaskError, maskError, type Plugin } from 'graphql-yoga';
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

/** graphql-js's messages for a value that is not one of an enum's values. */
const ENUM_PROBLEM = /does not exist in "\w+" enum|^Enum "\w+" cannot represent/;
const VARIABLE_PROBLEM = /^Variable "\$(\w+)" got invalid value [\s\S]*?(?: at "([^"]+)")?; ([\s\S]*)$/;

/**
 * The argument holding a value, named as Pulse names input fields: "by" under a nested field is
 * "breakdown.by", a root field's argument is its name ("filters"), with list indices and input
 * fields after it ("filters.0.dimension"). Null when no argument holds it.
 */
function argumentPath(document: DocumentNode, match: (value: ValueNode) => boolean): string | null {
  const inValue = (value: ValueNode, path: string): string | null => {
    if (match(value)) return path;
    if (value.kind === Kind.LIST) {
      for (let i = 0; i < value.values.length; i++) {
        const found = inValue(value.values[i] as ValueNode, `${path}.${i}`);
        if (found) return found;
      }
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        const found = inValue(field.value, `${path}.${field.name.value}`);
        if (found) return found;
      }
    }
    return null;
  };
  const inArguments = (args: readonly ArgumentNode[] | undefined, prefix: string): string | null => {
    for (const arg of args ?? []) {
      const found = inValue(arg.value, `${prefix}${arg.name.value}`);
      if (found) return found;
    }
    return null;
  };
  const inSet = (set: SelectionSetNode | undefined, root: boolean): string | null => {
    for (const selection of set?.selections ?? []) {
      let found: string | null = null;
      if (selection.kind === Kind.FIELD) {
        found =
          inArguments(selection.arguments, root ? '' : `${selection.name.value}.`) ??
          inSet(selection.selectionSet, false);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) found = inSet(selection.selectionSet, root);
      if (found) return found;
    }
    return null;
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const found = inSet(definition.selectionSet, definition.kind === Kind.OPERATION_DEFINITION);
    if (found) return found;
  }
  return null;
}

/** `problem` about the input field `field`, as an InputError states it (docs/api.md, "Errors"). */
function namingField(error: GraphQLError, field: string, problem: string): GraphQLError {
  return new GraphQLError(`Invalid input: ${field}: ${problem}`, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', problems: [{ field, message: problem }] },
  });
}

/** An enum literal in the document that is not one of its values, named by its argument. */
function enumLiteralError(error: GraphQLError, document: DocumentNode): GraphQLError | null {
  const at = error.positions?.[0];
  if (at === undefined || !ENUM_PROBLEM.test(error.message)) return null;
  const field = argumentPath(document, (value) => value.loc?.start === at);
  return field ? namingField(error, field, error.message) : null;
}

/** A variable whose value (somewhere inside it) is not one of an enum's values, named by its argument. */
function enumVariableError(error: GraphQLError, document: DocumentNode | undefined): GraphQLError | null {
  const m = VARIABLE_PROBLEM.exec(error.message);
  if (!m || !document || !ENUM_PROBLEM.test(m[3] as string)) return null;
  const name = m[1] as string;
  const field = argumentPath(document, (value) => value.kind === Kind.VARIABLE && value.name.value === name);
  if (!field) return null;
  // "filters[0].dimension" inside $filters: ".0.dimension" after the argument's own name
  const inner = (m[2] ?? name).slice(name.length).replace(/\[(\d+)\]/g, '.$1');
  return namingField(error, `${field}${inner}`, `${m[3]} (variable $${name})`);
}

/**
 * Yoga's error mask, except that scalar parse failures pass through as BAD_USER_INPUT, and a
 * PulseError a resolver threw (e.g. DATABASE_UNAVAILABLE from a stats read) keeps its code.
 */
export const maskInputErrors: MaskError = (error, message, isDev) => {
  if (error instanceof GraphQLError && error.originalError instanceof PulseError) {
    return toGraphQLError(error.originalError, error);
  }
  return error instanceof GraphQLError && fromScalar(error) ? asInputError(error) : maskError(error, message, isDev);
};

export function useInputErrorCodes(): Plugin {
  const recode = (
    result: ExecutionResult,
    setResult: (r: ExecutionResult) => void,
    document: DocumentNode | undefined,
  ) => {
    // A result without `data` means execution never started: the variables did not coerce.
    if (!('data' in result) && result.errors?.length) {
      setResult({
        ...result,
        errors: result.errors.map((e) => enumVariableError(e, document) ?? (e.extensions?.code ? e : asInputError(e))),
      });
    }
  };
  return {
    onValidate({ params }) {
      return ({ valid, result, setResult }) => {
        if (valid) return;
        let renamed = false;
        const errors = result.map((error) => {
          if (!(error instanceof GraphQLError)) return error;
          const named = enumLiteralError(error, params.documentAST);
          if (named) {
            renamed = true;
            return named;
          }
          // Yoga's own validation hook mutates extensions the same way (code ||= ...).
          if (fromScalar(error)) Object.assign(error.extensions, { code: 'BAD_USER_INPUT' });
          return error;
        });
        if (renamed) setResult(errors);
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) recode(result, setResult, args.document);
        },
      };
    },
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) recode(result, setResult, args.document);
        },
      };
    },
  };
}
