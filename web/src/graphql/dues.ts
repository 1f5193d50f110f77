import { graphql } from '@/gql';

export const DUES_PAGE_SIZE = 100;

export const BillingPeriodsQuery = graphql(`
  query BillingPeriods($groupId: ID!, $first: Int) {
    billingPeriods(groupId: $groupId, first: $first) {
      totalCount
      edges {
        node {
          id
          label
          periodStart
          periodEnd
          dueDate
          status
          total {
            amount
            currency
          }
        }
      }
    }
  }
`);

export const DueRowFragment = graphql(`
  fragment DueRow on Due {
    id
    status
    dueDate
    amount {
      amount
      currency
    }
    member {
      id
      name
      memberNumber
    }
    period {
      id
      label
    }
    memberConfirmedAt
    paidAt
    waivedReason
    decisionNotes
    iHavePaidLink
    viewerCanDecide
    paidTransaction {
      id
      receiptNumber
      paymentMode
    }
  }
`);

export const DuesQuery = graphql(`
  query Dues($groupId: ID!, $periodId: ID, $status: DueStatus, $first: Int, $withHowToPay: Boolean!) {
    dues(groupId: $groupId, periodId: $periodId, status: $status, first: $first) {
      totalCount
      edges {
        node {
          ...DueRow
          howToPay @include(if: $withHowToPay) {
            upiId
            upiDeepLink
            upiQrCode
            bankAccountMasked
            bankIfsc
          }
        }
      }
    }
  }
`);

export const CreateBillingPeriodMutation = graphql(`
  mutation CreateBillingPeriod($input: CreateBillingPeriodInput!) {
    createBillingPeriod(input: $input) {
      dueCount
      period {
        id
        label
      }
    }
  }
`);

/** What opening a period will bill depends on the group's billing mode and price (admins only). */
export const OpenPeriodSettingsQuery = graphql(`
  query OpenPeriodSettings($groupId: ID!) {
    group(id: $groupId) {
      id
      currency
      billingSettings {
        mode
        price {
          amount
          currency
        }
      }
    }
  }
`);

/** The API's page limit; the open-period form reads every active member, page by page. */
export const BILLABLE_MEMBERS_PAGE_SIZE = 100;

/** Who a new period bills: active primary members, with their own amounts (the form works out each due). */
export const BillableMembersQuery = graphql(`
  query BillableMembers($groupId: ID!, $first: Int, $after: String) {
    members(groupId: $groupId, status: ACTIVE, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          memberNumber
          primaryMember {
            id
          }
          customAmount {
            amount
            currency
          }
        }
      }
    }
  }
`);

export const ConfirmPaymentMutation = graphql(`
  mutation ConfirmPayment($dueId: ID!, $action: PaymentDecision!, $notes: String, $paymentMode: PaymentMode) {
    confirmPayment(dueId: $dueId, action: $action, notes: $notes, paymentMode: $paymentMode) {
      due {
        ...DueRow
      }
      transaction {
        id
        receiptNumber
        paymentMode
        amount {
          amount
          currency
        }
      }
    }
  }
`);

export const WaiveDueMutation = graphql(`
  mutation WaiveDue($dueId: ID!, $reason: String!) {
    waiveDue(dueId: $dueId, reason: $reason) {
      ...DueRow
    }
  }
`);

export const DueEventsSubscription = graphql(`
  subscription DueEvents($groupId: ID!) {
    dueEvents(groupId: $groupId) {
      change
      periodId
      due {
        ...DueRow
      }
    }
  }
`);

export const MembershipTermRowFragment = graphql(`
  fragment MembershipTermRow on MembershipTerm {
    id
    type
    status
    startsOn
    endsOn
    paidAt
    amount {
      amount
      currency
    }
    member {
      id
      name
      memberNumber
    }
    paidTransaction {
      id
      receiptNumber
    }
  }
`);

export const MembershipTermsQuery = graphql(`
  query MembershipTerms($groupId: ID!, $status: MembershipTermStatus, $first: Int) {
    membershipTerms(groupId: $groupId, status: $status, first: $first) {
      totalCount
      edges {
        node {
          ...MembershipTermRow
        }
      }
    }
  }
`);

export const CreateMembershipTermMutation = graphql(`
  mutation CreateMembershipTerm($input: CreateMembershipTermInput!) {
    createMembershipTerm(input: $input) {
      pendingApproval
      replayed
      term {
        ...MembershipTermRow
      }
    }
  }
`);
