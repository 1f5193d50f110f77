import type { CodegenConfig } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { addTypenameToDocument } from '@apollo/client/utilities';

// The server emits schema.graphql at the repo root (npm run schema:emit); the console's
// types are generated from it so a schema change breaks the web build, not a user's session.
const apolloTypenames: Types.DocumentTransformObject = {
  transform: ({ documents }) => documents.map((source) => (source.document ? { ...source, document: addTypenameToDocument(source.document) } : source)),
};

const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './web/src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // Every operation gets its sha256 (document.__meta__.hash) and web/src/gql/persisted-documents.json
        // maps hash → document; the API runs the console's operations from that manifest (PERSISTED_DOCUMENTS).
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      // Apollo Client adds __typename to every selection but the operation's own; the manifest's
      // documents (and hashes) must be exactly what it sends, so codegen applies the same transform.
      documentTransforms: [apolloTypenames],
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
