// Bad JSON in the `variables` or `extensions` parameter of a GET or form-encoded request answers
// 400 BAD_REQUEST. Yoga's URL-parameter parser calls JSON.parse unguarded, so without this such a
// request was an "Unexpected error" 500 (found by the property test of every route).
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export function useRequestParseErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw createGraphQLError(`Request parameters are not valid JSON: ${error.message}`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}
