import type { CodegenConfig } from '@graphql-codegen/cli';

// The server emits schema.graphql at the repo root (npm run schema:emit); the console's
// types are generated from it so a schema change breaks the web build, not a user's session.
const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './web/src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        // Apollo Client 4 takes TypedDocumentNode objects (the default "graphQLTag" mode).
        useTypeImports: true,
        enumType: 'string-literal',
        strictScalars: true,
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
