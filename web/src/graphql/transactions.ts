import { graphql } from '@/gql';

export const TransactionRowFragment = graphql(`
  fragment TransactionRow on Transaction {
    id
    type
    category
    amount {
      amount
      currency
    }
    groupAmount {
      amount
      currency
    }
    paymentMode
    description
    senderName
    senderUpiId
    approvalStatus
    approvalSource
    receiptNumber
    occurredAt
    member {
      id
      name
      memberNumber
    }
    reverses {
      id
      receiptNumber
      occurredAt
    }
    reversedBy {
      id
      occurredAt
    }
    viewerCanChange
  }
`);

export const TransactionsQuery = graphql(`
  query Transactions(
    $groupId: ID!
    $type: TransactionType
    $category: TransactionCategory
    $approvalStatus: ApprovalStatus
    $first: Int
    $after: String
  ) {
    transactions(
      groupId: $groupId
      type: $type
      category: $category
      approvalStatus: $approvalStatus
      first: $first
      after: $after
    ) {
      totalCount
      totals {
        cashIn {
          amount
          currency
        }
        cashOut {
          amount
          currency
        }
        net {
          amount
          currency
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...TransactionRow
        }
      }
    }
  }
`);

export const GroupBalanceQuery = graphql(`
  query GroupBalance($groupId: ID!) {
    groupBalance(groupId: $groupId) {
      cashPosition {
        amount
        currency
      }
    }
  }
`);

export const RecordTransactionMutation = graphql(`
  mutation RecordTransaction($input: RecordTransactionInput!) {
    recordTransaction(input: $input) {
      pendingApproval
      replayed
      transaction {
        ...TransactionRow
      }
      approval {
        id
        status
      }
    }
  }
`);

export const TransactionEventsSubscription = graphql(`
  subscription TransactionEvents($groupId: ID!) {
    transactionEvents(groupId: $groupId) {
      action
      transaction {
        ...TransactionRow
      }
    }
  }
`);

export const UpdateTransactionMutation = graphql(`
  mutation UpdateTransaction($id: ID!, $input: UpdateTransactionInput!) {
    updateTransaction(id: $id, input: $input) {
      pendingApproval
      transaction {
        ...TransactionRow
      }
      approval {
        id
        status
      }
    }
  }
`);

export const DeleteTransactionMutation = graphql(`
  mutation DeleteTransaction($id: ID!) {
    deleteTransaction(id: $id) {
      pendingApproval
      transaction {
        ...TransactionRow
      }
      approval {
        id
        status
      }
    }
  }
`);

/** The record form's member picker: just enough to tell people apart. */
export const MemberOptionsQuery = graphql(`
  query MemberOptions($groupId: ID!, $search: String, $first: Int) {
    members(groupId: $groupId, status: ACTIVE, search: $search, first: $first) {
      totalCount
      edges {
        node {
          id
          name
          memberNumber
        }
      }
    }
  }
`);

export const TRANSACTIONS_PAGE_SIZE = 25;
export const MEMBER_OPTIONS_SIZE = 100;

/** What the transactions page asks for first; the server prefetches exactly this. */
export function initialTransactionsVariables(groupId: string) {
  return { groupId, first: TRANSACTIONS_PAGE_SIZE };
}
