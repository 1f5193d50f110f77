/**
 * "Pay online" on the public sponsor page. The provider checkout (Razorpay, Stripe or the
 * offline sandbox) is built by the payments module; this is the one place the page calls.
 * Until the lead connects it, it reports that online payment is not available, and the page
 * keeps offering UPI and bank transfer.
 *
 * On the server, the checkout resolves the token with
 * `sponsorLinkPaymentTargetForToken(ctx, token)` (server/src/modules/sponsors/
 * sponsor-link.payment-target.ts), which answers `{ kind: SPONSOR_LINK, id }` for a payable
 * link (NOT_FOUND or GONE otherwise) for the payments flow's order / intent.
 */
export type SponsorCheckoutResult = { kind: 'redirect'; url: string } | { kind: 'unavailable'; message: string };

export async function startSponsorLinkCheckout(_apiOrigin: string, _token: string): Promise<SponsorCheckoutResult> {
  return { kind: 'unavailable', message: 'Online payment is not available yet. Please pay by UPI or bank transfer.' };
}
