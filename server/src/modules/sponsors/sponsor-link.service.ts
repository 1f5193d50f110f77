import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { encryptSecret, randomToken } from '../../shared/crypto';
import { conflict, gone, notFound } from '../../shared/domain-error';
import { formatAmount, parseAmount } from '../../shared/money';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isNonBlank, isUpiId, isUuid, stripMarkup } from '../../shared/validation';
import { actorOf, recordActivity } from '../activity/activity.service';
import { assertGroupRole, requireId, STAFF_ROLES } from '../auth/authorization';
import { Group, GroupStatus } from '../groups/group.entity';
import { assertGroupActive, loadGroupForWrite, MoneyInputData } from '../groups/group.service';
import { Sponsor, SponsorLink, SponsorLinkStatus } from './sponsor.entities';
import { qrCodeDataUrl, upiDeepLink } from '../../shared/upi';

export const MAX_PURPOSE = 500;
/** A sponsor page is for a campaign, not forever. */
export const MAX_LINK_LIFETIME_DAYS = 366;
/** UPI moves rupees only. */
const UPI_CURRENCY = 'INR';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,64}$/;

export interface BankDetailsInputData {
  accountName?: string | null;
  accountNumber: string;
  ifsc?: string | null;
  bankName?: string | null;
}

export interface CreateSponsorLinkData {
  groupId: string;
  sponsorId?: string | null;
  amount: MoneyInputData;
  /** Defaults to the group's UPI id. */
  upiId?: string | null;
  /** Defaults to the group's bank account. */
  bankDetails?: BankDetailsInputData | null;
  purpose: string;
  expiresAt: Date;
}

/** Only the last four characters of an account number are ever shown. */
export const maskAccount = (last4: string): string => `XXXXXXXX${last4}`;

/** EXPIRED is not stored: an ACTIVE link past its expiry is expired. */
export function effectiveLinkStatus(link: SponsorLink, now = new Date()): SponsorLinkStatus {
  if (link.status === SponsorLinkStatus.ACTIVE && link.expiresAt.getTime() <= now.getTime()) return SponsorLinkStatus.EXPIRED;
  return link.status;
}

export function sponsorLinkUrl(ctx: Pick<ServiceContext, 'config'>, link: SponsorLink): string {
  return `${ctx.config.consolePublicUrl}/sponsor/${encodeURIComponent(link.token)}`;
}

export function sponsorLinkSnapshot(link: SponsorLink): Record<string, unknown> {
  return {
    sponsorId: link.sponsor?.id ?? null,
    amountMinor: link.amountMinor.toString(),
    currency: link.currency,
    purpose: link.purpose,
    upiId: link.upiId,
    bankAccountMasked: link.bankAccountLast4 ? maskAccount(link.bankAccountLast4) : null,
    bankIfsc: link.bankIfsc,
    expiresAt: link.expiresAt.toISOString(),
    status: link.status,
    paidTransactionId: link.paidTransaction?.id ?? null,
  };
}

interface BankFields {
  bankAccountName: string | null;
  bankAccountNumberEncrypted: string | null;
  bankAccountLast4: string | null;
  bankIfsc: string | null;
  bankName: string | null;
}

function bankFields(ctx: ServiceContext, validator: FieldValidator, group: Group, input: BankDetailsInputData | null | undefined): BankFields {
  if (!input) {
    const settings = group.paymentSettings;
    return {
      bankAccountName: settings.bankAccountNumberEncrypted ? group.name : null,
      bankAccountNumberEncrypted: settings.bankAccountNumberEncrypted,
      bankAccountLast4: settings.bankAccountLast4,
      bankIfsc: settings.bankAccountNumberEncrypted ? settings.bankIfsc : null,
      bankName: null,
    };
  }
  const number = (input.accountNumber ?? '').replace(/[\s-]/g, '').toUpperCase();
  validator.check('bankDetails.accountNumber', /^[0-9A-Z]{6,34}$/.test(number), 'Use 6 to 34 digits or capital letters');
  const ifsc = input.ifsc?.trim().toUpperCase() || null;
  if (ifsc !== null) validator.check('bankDetails.ifsc', /^[A-Z]{4}0[A-Z0-9]{6}$/.test(ifsc), 'Not an IFSC code like HDFC0001234');
  const accountName = input.accountName ? stripMarkup(input.accountName) || null : null;
  if (accountName !== null) validator.check('bankDetails.accountName', accountName.length <= 200, 'At most 200 characters');
  const bankName = input.bankName ? stripMarkup(input.bankName) || null : null;
  if (bankName !== null) validator.check('bankDetails.bankName', bankName.length <= 200, 'At most 200 characters');
  return {
    bankAccountName: accountName ?? group.name,
    bankAccountNumberEncrypted: encryptSecret(number, ctx.config.encryptionKey),
    bankAccountLast4: number.slice(-4),
    bankIfsc: ifsc,
    bankName,
  };
}

/**
 * A public, expiring page for one amount in the group's currency. Every bad
 * field is reported at once; the account number is stored encrypted and only
 * its last four digits are ever shown again.
 */
export async function createSponsorLink(ctx: ServiceContext, data: CreateSponsorLinkData): Promise<SponsorLink> {
  const group = await loadGroupForWrite(ctx, ctx.em, data.groupId, STAFF_ROLES);
  const validator = new FieldValidator();

  const currency = data.amount.currency;
  validator.check('amount.currency', currency === group.currency, `Use the group's currency (${group.currency})`);
  const amountMinor = currency === group.currency ? validator.attempt(() => parseAmount(data.amount.amount, currency, 'amount.amount')) : undefined;
  if (amountMinor !== undefined) validator.check('amount.amount', amountMinor > 0n, 'Amount must be greater than zero');

  let sponsor: Sponsor | null = null;
  if (data.sponsorId) {
    sponsor = isUuid(data.sponsorId) ? await ctx.em.findOne(Sponsor, { id: data.sponsorId, group, deletedAt: null }) : null;
    validator.check('sponsorId', sponsor !== null, 'No sponsor of this group has this id');
  }

  const upiId = data.upiId?.trim() || (data.upiId === undefined || data.upiId === null ? group.paymentSettings.upiId : null);
  if (data.upiId?.trim()) {
    validator.check('upiId', isUpiId(upiId!), 'Not a UPI id like name@bank');
    validator.check('upiId', group.currency === UPI_CURRENCY, `UPI takes ${UPI_CURRENCY} only; this group keeps ${group.currency}`);
  }
  const usableUpi = group.currency === UPI_CURRENCY ? upiId : null;
  const bank = bankFields(ctx, validator, group, data.bankDetails);
  validator.check('upiId', usableUpi !== null || bank.bankAccountNumberEncrypted !== null, 'Give a UPI id or bank details: the group has neither in its payment settings');

  const purpose = stripMarkup(data.purpose ?? '');
  validator.check('purpose', isNonBlank(purpose, MAX_PURPOSE), `Say what the money is for (at most ${MAX_PURPOSE} characters)`);

  const expiresAt = data.expiresAt;
  const valid = expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime());
  validator.check('expiresAt', valid && expiresAt.getTime() > Date.now() + 60_000, 'Must be in the future');
  validator.check('expiresAt', valid && expiresAt.getTime() <= Date.now() + MAX_LINK_LIFETIME_DAYS * 86_400_000, `At most ${MAX_LINK_LIFETIME_DAYS} days ahead`);
  validator.throwIfInvalid();

  const actor = actorOf(ctx.viewer);
  const link = ctx.em.create(SponsorLink, {
    group,
    sponsor,
    token: randomToken(24),
    amountMinor: amountMinor!,
    currency: group.currency,
    purpose,
    upiId: usableUpi,
    ...bank,
    expiresAt,
    createdByKind: actor.kind,
    createdById: actor.id,
  });
  ctx.em.persist(link);
  recordActivity(ctx, { groupId: group.id, action: 'sponsor-link.create', entityType: 'SponsorLink', entityId: link.id, after: sponsorLinkSnapshot(link) });
  await ctx.em.flush();
  return link;
}

export async function getSponsorLink(ctx: ServiceContext, id: string): Promise<SponsorLink> {
  const link = await ctx.em.findOne(SponsorLink, { id: requireId(id, 'Sponsor link') });
  if (!link) throw notFound('Sponsor link');
  await assertGroupRole(ctx, link.group.id, STAFF_ROLES, 'Sponsor link');
  return link;
}

/** Closes a link for good; a paid one stays paid. Deactivating twice is harmless. */
export async function deactivateSponsorLink(ctx: ServiceContext, id: string): Promise<SponsorLink> {
  const found = await getSponsorLink(ctx, id);
  return ctx.em.transactional(async (em) => {
    const link = await em.findOneOrFail(SponsorLink, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['group'] });
    assertGroupActive(link.group);
    if (link.status === SponsorLinkStatus.PAID) throw conflict('This link has been paid; refund the payment instead', 'SPONSOR_LINK_PAID');
    if (link.status === SponsorLinkStatus.INACTIVE) return link;
    const before = sponsorLinkSnapshot(link);
    link.status = SponsorLinkStatus.INACTIVE;
    link.deactivatedAt = new Date();
    recordActivity({ ...ctx, em }, { groupId: link.group.id, action: 'sponsor-link.deactivate', entityType: 'SponsorLink', entityId: link.id, before, after: sponsorLinkSnapshot(link) });
    await em.flush();
    return link;
  });
}

export interface ListSponsorLinksFilter extends PageRequest {
  groupId: string;
  sponsorId?: string | null;
  status?: SponsorLinkStatus | null;
}

/** Newest first. */
export async function listSponsorLinks(ctx: ServiceContext, filter: ListSponsorLinksFilter): Promise<Page<SponsorLink>> {
  await assertGroupRole(ctx, filter.groupId, STAFF_ROLES);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  const knex = ctx.em.getKnex();
  const base = knex('sponsor_links').where({ group_id: filter.groupId });
  if (filter.sponsorId) {
    if (!isUuid(filter.sponsorId)) throw notFound('Sponsor');
    base.andWhere({ sponsor_id: filter.sponsorId });
  }
  const now = new Date();
  if (filter.status === SponsorLinkStatus.EXPIRED) base.andWhere({ status: SponsorLinkStatus.ACTIVE }).andWhere('expires_at', '<=', now);
  else if (filter.status === SponsorLinkStatus.ACTIVE) base.andWhere({ status: SponsorLinkStatus.ACTIVE }).andWhere('expires_at', '>', now);
  else if (filter.status) base.andWhere({ status: filter.status });
  const pageQuery = base.clone().select('*').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('("created_at", "id") < (?::timestamptz, ?::uuid)', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const links = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(SponsorLink, row));
  return toPage(links, size, (l) => ({ sort: l.createdAt.toISOString(), id: l.id }), Number((countRows[0] as { count: string }).count), after);
}

/** What the public sponsor page shows. No ids, no raw account number. */
export interface PublicSponsorLinkView {
  groupName: string;
  sponsorName: string | null;
  purpose: string;
  amount: { amount: string; amountMinor: string; currency: string };
  expiresAt: string;
  status: SponsorLinkStatus;
  upiId: string | null;
  upiDeepLink: string | null;
  /** The deep link as a QR code: an SVG data URL. */
  upiQrCode: string | null;
  bankDetails: { accountName: string | null; accountNumberMasked: string; ifsc: string | null; bankName: string | null } | null;
}

export const SPONSOR_LINK_GONE_MESSAGES: Record<string, string> = {
  SPONSOR_LINK_EXPIRED: 'This sponsor link has expired',
  SPONSOR_LINK_INACTIVE: 'This sponsor link is no longer active',
  SPONSOR_LINK_PAID: 'This sponsor link has already been paid. Thank you!',
};

/** Why a link takes no payment, as a stable reason; null when it does. */
export function sponsorLinkNotPayableReason(link: SponsorLink, group: Group, now = new Date()): string | null {
  if (group.status !== GroupStatus.ACTIVE) return 'SPONSOR_LINK_INACTIVE';
  switch (effectiveLinkStatus(link, now)) {
    case SponsorLinkStatus.ACTIVE:
      return null;
    case SponsorLinkStatus.EXPIRED:
      return 'SPONSOR_LINK_EXPIRED';
    case SponsorLinkStatus.PAID:
      return 'SPONSOR_LINK_PAID';
    default:
      return 'SPONSOR_LINK_INACTIVE';
  }
}

export async function sponsorLinkByToken(em: EntityManager, token: string): Promise<SponsorLink> {
  // A malformed token cannot name a link: answer without a query.
  const link = TOKEN_PATTERN.test(token) ? await em.findOne(SponsorLink, { token }, { populate: ['group', 'sponsor'] }) : null;
  if (!link) throw notFound('Sponsor link');
  return link;
}

/**
 * GET /api/sponsor-links/:token. Anyone with the URL may read it: unknown →
 * NOT_FOUND; expired, deactivated, paid (or its group deactivated) → GONE
 * with a stable reason.
 */
export async function publicSponsorLink(em: EntityManager, token: string): Promise<PublicSponsorLinkView> {
  const link = await sponsorLinkByToken(em, token);
  const reason = sponsorLinkNotPayableReason(link, link.group);
  if (reason) throw gone(SPONSOR_LINK_GONE_MESSAGES[reason], reason);
  const deepLink = link.upiId
    ? upiDeepLink({ payeeUpiId: link.upiId, payeeName: link.group.name, amountMinor: link.amountMinor, currency: link.currency, note: link.purpose })
    : null;
  return {
    groupName: link.group.name,
    sponsorName: link.sponsor?.name ?? null,
    purpose: link.purpose,
    amount: { amount: formatAmount(link.amountMinor, link.currency), amountMinor: link.amountMinor.toString(), currency: link.currency },
    expiresAt: link.expiresAt.toISOString(),
    status: SponsorLinkStatus.ACTIVE,
    upiId: link.upiId,
    upiDeepLink: deepLink,
    upiQrCode: deepLink ? await qrCodeDataUrl(deepLink) : null,
    bankDetails: link.bankAccountLast4
      ? { accountName: link.bankAccountName, accountNumberMasked: maskAccount(link.bankAccountLast4), ifsc: link.bankIfsc, bankName: link.bankName }
      : null,
  };
}
