import { graphql } from '@/gql';

export const RecipientFieldsFragment = graphql(`
  fragment RecipientFields on Recipient {
    id
    name
    country
    currency
    bankAccountMasked
    bankName
  }
`);

export const RemittanceRowFragment = graphql(`
  fragment RemittanceRow on Remittance {
    id
    status
    reference
    rate
    eta
    failureReason
    createdAt
    viewerCanCancel
    recipient {
      id
      name
      country
    }
    sendAmount {
      amount
      currency
    }
    fee {
      amount
      currency
    }
    totalDebited {
      amount
      currency
    }
    receiveAmount {
      amount
      currency
    }
    timeline {
      status
      at
      note
      actor {
        kind
        name
      }
    }
  }
`);

export const RecipientsQuery = graphql(`
  query Recipients($groupId: ID!, $first: Int) {
    recipients(groupId: $groupId, first: $first) {
      totalCount
      edges {
        node {
          ...RecipientFields
        }
      }
    }
  }
`);

export const CorridorsQuery = graphql(`
  query RemittanceCorridors($groupId: ID!) {
    remittanceCorridors(groupId: $groupId) {
      country
      currency
      eta
    }
  }
`);

export const CreateRecipientMutation = graphql(`
  mutation CreateRecipient($input: CreateRecipientInput!) {
    createRecipient(input: $input) {
      ...RecipientFields
    }
  }
`);

export const DeleteRecipientMutation = graphql(`
  mutation DeleteRecipient($id: ID!) {
    deleteRecipient(id: $id) {
      id
    }
  }
`);

export const RemittanceQuoteMutation = graphql(`
  mutation RemittanceQuote($groupId: ID!, $recipientId: ID!, $amount: String!) {
    remittanceQuote(groupId: $groupId, recipientId: $recipientId, amount: $amount) {
      id
      sendAmount {
        amount
        currency
      }
      fee {
        amount
        currency
      }
      feePercent
      totalDebited {
        amount
        currency
      }
      rate
      rateOffline
      receiveAmount {
        amount
        currency
      }
      eta
      expiresAt
      recipient {
        id
        name
      }
    }
  }
`);

export const CreateRemittanceMutation = graphql(`
  mutation CreateRemittance($quoteId: ID!, $idempotencyKey: String!, $reference: String) {
    createRemittance(quoteId: $quoteId, idempotencyKey: $idempotencyKey, reference: $reference) {
      replayed
      remittance {
        ...RemittanceRow
      }
    }
  }
`);

export const CancelRemittanceMutation = graphql(`
  mutation CancelRemittance($id: ID!) {
    cancelRemittance(id: $id) {
      ...RemittanceRow
    }
  }
`);

export const RemittancesQuery = graphql(`
  query Remittances($groupId: ID!, $status: RemittanceStatus, $first: Int, $after: String) {
    remittances(groupId: $groupId, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...RemittanceRow
        }
      }
    }
  }
`);

export const RemittanceEventsSubscription = graphql(`
  subscription RemittanceEvents($groupId: ID!) {
    remittanceEvents(groupId: $groupId) {
      status
      remittance {
        ...RemittanceRow
      }
    }
  }
`);

export const REMITTANCES_PAGE_SIZE = 20;
