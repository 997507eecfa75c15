// GraphQL Code Generator: writes schema.graphql (committed; a test fails when it drifts from the
// code) and typed documents for the tests' operations in test/generated/.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  documents: ['test/documents/**/*.graphql'],
  // ESM imports with .js extensions, as NodeNext resolution requires
  importExtension: '.js',
  generates: {
    'schema.graphql': { plugins: ['schema-ast'], config: { includeDirectives: false, sort: true } },
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string', Date: 'string' }, useTypeImports: true },
    },
  },
};

export default config;
