import { graphql } from '@/gql';

export const ApiKeyFieldsFragment = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    prefix
    role
    createdAt
    lastUsedAt
    revokedAt
    rateLimit
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys($groupId: ID!) {
    apiKeys(groupId: $groupId) {
      ...ApiKeyFields
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($groupId: ID!, $name: String!, $role: Role!, $rateLimit: Int) {
    createApiKey(groupId: $groupId, name: $name, role: $role, rateLimit: $rateLimit) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);
