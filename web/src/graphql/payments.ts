import { graphql } from '@/gql';

export const PaymentProvidersQuery = graphql(`
  query PaymentProviders($groupId: ID) {
    paymentProviders(groupId: $groupId) {
      razorpay {
        enabled
        sandbox
        keyId
      }
      stripe {
        enabled
        sandbox
        publishableKey
      }
    }
  }
`);

export const CreateRazorpayOrderMutation = graphql(`
  mutation CreateRazorpayOrder($dueId: ID, $termId: ID) {
    createRazorpayOrder(dueId: $dueId, termId: $termId) {
      providerOrderId
      sandbox
      keyId
      checkoutUrl
      amount {
        amount
        amountMinor
        currency
      }
    }
  }
`);

export const CreateStripePaymentIntentMutation = graphql(`
  mutation CreateStripePaymentIntent($dueId: ID, $termId: ID) {
    createStripePaymentIntent(dueId: $dueId, termId: $termId) {
      providerOrderId
      sandbox
      checkoutUrl
      clientSecret
      publishableKey
    }
  }
`);

export const VerifyRazorpayPaymentMutation = graphql(`
  mutation VerifyRazorpayPayment($orderId: String!, $paymentId: String!, $signature: String!) {
    verifyRazorpayPayment(orderId: $orderId, paymentId: $paymentId, signature: $signature) {
      outcome
    }
  }
`);
