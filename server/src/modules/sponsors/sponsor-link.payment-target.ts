import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, gone, notFound } from '../../shared/domain-error';
import type { ServiceContext } from '../../shared/service-context';
import { isUuid } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import type { LedgerTransaction } from '../ledger/ledger.entities';
import { TransactionCategory, TransactionType } from '../ledger/ledger.enums';
import { PaymentTargetHandler, PaymentTargetKind, PaymentTargetRef, registerPaymentTarget } from '../payments/payment-target';
import { SponsorLink, SponsorLinkStatus } from './sponsor.entities';
import { SPONSOR_LINK_GONE_MESSAGES, sponsorLinkByToken, sponsorLinkNotPayableReason, sponsorLinkSnapshot } from './sponsor-link.service';

/** Provider order descriptions are short; Razorpay caps notes at 256 characters. */
const MAX_DESCRIPTION = 200;

async function lockedLink(em: EntityManager, id: string, forUpdate: boolean): Promise<SponsorLink | null> {
  if (!isUuid(id)) return null;
  return em.findOne(SponsorLink, { id }, { populate: ['group', 'sponsor'], ...(forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : { refresh: true }) });
}

async function lockedLinkOrFail(em: EntityManager, id: string): Promise<SponsorLink> {
  const link = await lockedLink(em, id, true);
  if (!link) throw notFound('Sponsor link');
  return link;
}

/**
 * A sponsor link as something a provider payment pays for.
 *
 * Rules the payments flow can rely on:
 * - a link is paid once: a second payment's markPaid is CONFLICT
 *   SPONSOR_LINK_PAID (the payments flow flags it for an admin / refunds it);
 *   markPaid again with the same transaction is a no-op;
 * - describe() says not payable once the link is paid, deactivated or
 *   expired (or its group deactivated) — except that a link that expired
 *   while a checkout of ours for it was open stays payable for that
 *   checkout's payment (the sponsor started paying in time; the money has
 *   already moved): describe() with the checkout's `checkoutOpenedAt` before
 *   the expiry says payable, and markPaid accepts it. A payment that names
 *   the link without a checkout of ours, or through one opened after the
 *   expiry, is not payable (the payments flow flags it);
 * - markPaid never accepts a deactivated link;
 * - markRefunded reopens the link (ACTIVE again, or EXPIRED if past its date).
 */
export const sponsorLinkPaymentTarget: PaymentTargetHandler = {
  async describe(em, id, options = {}) {
    const link = await lockedLink(em, id, options.forUpdate === true);
    if (!link) return null;
    let reason = sponsorLinkNotPayableReason(link, link.group);
    if (reason === 'SPONSOR_LINK_EXPIRED' && options.checkoutOpenedAt !== undefined && options.checkoutOpenedAt.getTime() < link.expiresAt.getTime()) reason = null;
    const sponsorName = link.sponsor?.name ?? null;
    return {
      groupId: link.group.id,
      amountMinor: link.amountMinor,
      currency: link.currency,
      category: TransactionCategory.SPONSORSHIP,
      memberId: null,
      description: `Sponsorship${sponsorName ? ` by ${sponsorName}` : ''}: ${link.purpose}`.slice(0, MAX_DESCRIPTION),
      payerName: sponsorName,
      payerEmail: link.sponsor?.contactEmail ?? null,
      payable: reason === null,
      notPayableReason: reason,
    };
  },

  /** Anyone holding the link may pay it (sponsors have no account): only the link's state matters. */
  async assertCanPay(ctx, id) {
    const link = await lockedLink(ctx.em, id, false);
    if (!link) throw notFound('Sponsor link');
    const reason = sponsorLinkNotPayableReason(link, link.group);
    if (reason) throw gone(SPONSOR_LINK_GONE_MESSAGES[reason], reason);
  },

  async markPaid(ctx, em, id, transaction) {
    const link = await lockedLinkOrFail(em, id);
    if (link.status === SponsorLinkStatus.PAID) {
      if (link.paidTransaction?.id === transaction.id) return;
      throw conflict('This sponsor link has already been paid', 'SPONSOR_LINK_PAID');
    }
    if (link.status === SponsorLinkStatus.INACTIVE) throw conflict('This sponsor link was deactivated', 'SPONSOR_LINK_INACTIVE');
    assertMatches(link, transaction);
    const before = sponsorLinkSnapshot(link);
    link.status = SponsorLinkStatus.PAID;
    link.paidAt = new Date();
    link.paidTransaction = transaction;
    recordActivity({ ...ctx, em }, { groupId: link.group.id, action: 'sponsor-link.paid', entityType: 'SponsorLink', entityId: link.id, before, after: sponsorLinkSnapshot(link) });
  },

  async markRefunded(ctx, em, id, reversal) {
    const link = await lockedLinkOrFail(em, id);
    if (link.status !== SponsorLinkStatus.PAID) return;
    const before = sponsorLinkSnapshot(link);
    link.status = SponsorLinkStatus.ACTIVE;
    link.paidAt = null;
    link.paidTransaction = null;
    recordActivity({ ...ctx, em }, {
      groupId: link.group.id,
      action: 'sponsor-link.refunded',
      entityType: 'SponsorLink',
      entityId: link.id,
      before,
      after: { ...sponsorLinkSnapshot(link), reversalTransactionId: reversal.id },
    });
  },
};

/** The transaction must be this link's money: same group, money in, SPONSORSHIP, the exact amount. */
function assertMatches(link: SponsorLink, transaction: LedgerTransaction): void {
  const matches =
    transaction.group.id === link.group.id &&
    transaction.type === TransactionType.CASH_IN &&
    transaction.category === TransactionCategory.SPONSORSHIP &&
    transaction.currency === link.currency &&
    transaction.amountMinor === link.amountMinor;
  if (!matches) throw conflict('The transaction does not match this sponsor link', 'SPONSOR_LINK_MISMATCH');
}

registerPaymentTarget(PaymentTargetKind.SPONSOR_LINK, sponsorLinkPaymentTarget);

/**
 * For the public page's "Pay online": the payment target a sponsor link's
 * token names, checked payable (NOT_FOUND, or GONE with the reason). The
 * checkout (Razorpay / Stripe / sandbox) takes it from here.
 */
export async function sponsorLinkPaymentTargetForToken(ctx: ServiceContext, token: string): Promise<PaymentTargetRef> {
  const link = await sponsorLinkByToken(ctx.em, token);
  await sponsorLinkPaymentTarget.assertCanPay(ctx, link.id);
  return { kind: PaymentTargetKind.SPONSOR_LINK, id: link.id };
}
