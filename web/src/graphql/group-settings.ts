import { graphql } from '@/gql';

/**
 * Everything an admin can change about a group, as the API holds it now. The mutations answer
 * with the same fields, so the settings page, the group's title and the groups list update
 * from the answer (Group is normalised by id) without another request.
 */
export const GroupSettingsFieldsFragment = graphql(`
  fragment GroupSettingsFields on Group {
    id
    name
    kind
    service
    currency
    status
    memberNumberPrefix
    viewerRole
    nextBillingDate
    approvalThreshold {
      amount
      currency
    }
    billingSettings {
      mode
      cycle
      price {
        amount
        currency
      }
      dueDay
      graceDays
      annualDueDate
      termRule
      renewalWindowDays
      timeZone
      membershipFees {
        monthly {
          amount
          currency
        }
        annual {
          amount
          currency
        }
        lifetime {
          amount
          currency
        }
        applicationFee {
          amount
          currency
        }
      }
    }
    paymentSettings {
      upiId
      bankAccountMasked
      bankIfsc
      razorpayEnabled
      stripeEnabled
    }
  }
`);

export const GroupSettingsQuery = graphql(`
  query GroupSettings($id: ID!) {
    group(id: $id) {
      ...GroupSettingsFields
    }
  }
`);

export const UpdateGroupSettingsMutation = graphql(`
  mutation UpdateGroupSettings($id: ID!, $input: UpdateGroupInput!) {
    updateGroup(id: $id, input: $input) {
      ...GroupSettingsFields
    }
  }
`);

export const DeactivateGroupMutation = graphql(`
  mutation DeactivateGroup($id: ID!) {
    deactivateGroup(id: $id) {
      id
      status
    }
  }
`);
