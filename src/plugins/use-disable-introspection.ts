// Switches schema introspection off (PULSE_INTROSPECTION=false): `__schema` and `__type` fail
// validation with graphql-js's own NoSchemaIntrospectionCustomRule; `__typename` still works.
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useDisableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
