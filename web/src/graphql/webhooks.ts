import { graphql } from '@/gql';

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints($groupId: ID!) {
    webhookEndpoints(groupId: $groupId) {
      id
      url
      description
      events
      enabled
      secretRotatedAt
      createdAt
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          eventId
          eventType
          status
          attempts
          nextAttemptAt
          deliveredAt
          lastStatusCode
          lastError
          redeliveryOfId
          createdAt
          envelope
          attemptLog {
            attempt
            startedAt
            durationMs
            statusCode
            responseExcerpt
            error
          }
        }
      }
    }
  }
`);

export const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($groupId: ID!, $url: String!, $events: [WebhookEventType!]!, $description: String) {
    createWebhookEndpoint(groupId: $groupId, url: $url, events: $events, description: $description) {
      secret
      endpoint {
        id
        url
      }
    }
  }
`);

export const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $enabled: Boolean) {
    updateWebhookEndpoint(id: $id, enabled: $enabled) {
      id
      enabled
    }
  }
`);

export const RotateWebhookSecretMutation = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(id: $id) {
      secret
      endpoint {
        id
        secretRotatedAt
      }
    }
  }
`);

export const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

export const RedeliverWebhookMutation = graphql(`
  mutation RedeliverWebhook($deliveryId: ID!) {
    redeliverWebhook(deliveryId: $deliveryId) {
      id
      status
    }
  }
`);
