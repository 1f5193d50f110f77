import { graphql } from '@/gql';

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
      id
      mustChangePassword
    }
  }
`);

/** Revokes every API token of the person (the console's sign-out; see lib/auth-client.ts). */
export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const MyAccountQuery = graphql(`
  query MyAccount {
    me {
      profile {
        id
        name
        email
        phone
        language
        displayCurrency
        notificationPreferences {
          channel
          enabled
        }
      }
    }
    profileOptions {
      languages
      displayCurrencies
      channels
    }
    consents {
      type
      granted
      createdAt
    }
  }
`);

export const UpdateMyProfileMutation = graphql(`
  mutation UpdateMyProfile($input: UpdateProfileInput!) {
    updateMyProfile(input: $input) {
      id
      name
      email
      phone
      language
      displayCurrency
      notificationPreferences {
        channel
        enabled
      }
    }
  }
`);

export const SetConsentMutation = graphql(`
  mutation SetConsent($type: ConsentType!, $granted: Boolean!) {
    setConsent(type: $type, granted: $granted) {
      type
      granted
      createdAt
    }
  }
`);

export const ExportMyDataMutation = graphql(`
  mutation ExportMyData {
    exportMyData {
      id
      createdAt
      json
    }
  }
`);

export const DeleteMyAccountMutation = graphql(`
  mutation DeleteMyAccount($confirmation: String!) {
    deleteMyAccount(confirmation: $confirmation) {
      erasureRequestId
      retainFinancialUntil
    }
  }
`);

/** Only the language, for the layout: it picks the locale amounts and dates are formatted in. */
export const MyLanguageQuery = graphql(`
  query MyLanguage {
    me {
      profile {
        id
        language
      }
    }
  }
`);
