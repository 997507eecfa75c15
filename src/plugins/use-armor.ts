// Limits on what one GraphQL document may ask for, with graphql-armor: depth, aliases, tokens,
// directives and cost, and no "Did you mean …?" field suggestions in error messages.
// Over-limit documents fail validation (GRAPHQL_VALIDATION_FAILED, HTTP 400 with
// application/graphql-response+json) or, for the token limit, parsing (GRAPHQL_PARSE_FAILED);
// nothing is executed.
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface ArmorOptions {
  /** deepest selection nesting (default 10) */
  maxDepth?: number;
  /** aliases in one operation (default 15) */
  maxAliases?: number;
  /** lexer tokens in one document (default 2000); big recordEvents batches belong in variables */
  maxTokens?: number;
  /** directives in one operation (default 10) */
  maxDirectives?: number;
  /** graphql-armor's cost: objects 2, scalars 1, ×1.5 per level of depth (default 5000) */
  maxCost?: number;
  /** hide "Did you mean …?" suggestions, which reveal the schema when introspection is off (default true) */
  blockFieldSuggestions?: boolean;
}

export const ARMOR_DEFAULTS: Required<ArmorOptions> = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 10,
  maxCost: 5000,
  blockFieldSuggestions: true,
};

/**
 * graphql-armor's validation rules throw by default; a throw escapes graphql-js's validate() (the
 * fast path would answer 500). Reported to the validation context instead, they become ordinary
 * validation errors. The token limit runs in the parser, which has no context: it throws a
 * GraphQLError, which Yoga and the fast path already treat as a syntax error.
 */
const reportToContext = (context: ValidationContext | null, error: GraphQLError): void => {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
};
const asValidationError = { propagateOnRejection: false, onReject: [reportToContext] };

export function useArmor(options: ArmorOptions = {}): Plugin {
  const o = { ...ARMOR_DEFAULTS, ...options };
  const armor = new EnvelopArmor({
    maxDepth: { n: o.maxDepth, ...asValidationError },
    maxAliases: { n: o.maxAliases, ...asValidationError },
    maxDirectives: { n: o.maxDirectives, ...asValidationError },
    costLimit: { maxCost: o.maxCost, ...asValidationError },
    maxTokens: { n: o.maxTokens },
    blockFieldSuggestion: { enabled: o.blockFieldSuggestions },
  });
  const plugins = armor.protect().plugins as Plugin[];
  return {
    onPluginInit({ addPlugin }) {
      for (const plugin of plugins) addPlugin(plugin);
    },
  };
}
