import { IntegratorEventType } from '../webhooks/webhook.entities';
import { enqueueIntegratorEvent } from '../webhooks/webhook-outbox';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../../config';
import { conflict, DomainError, ErrorCode, forbidden, notFound } from '../../shared/domain-error';
import { DeferredEventBus, EventBus } from '../../shared/event-bus';
import { createLoaders } from '../../shared/loaders';
import { consoleLogger, describeError, Logger } from '../../shared/logger';
import { convertAmount, formatAmount, parseAmount } from '../../shared/money';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import { lockRow, readBeforeLock, readLocked, rowLockMode, withRowLock } from '../../shared/row-lock';
import { ServiceContext, systemContext } from '../../shared/service-context';
import { FieldValidator, isUuid } from '../../shared/validation';
import { actorOf, recordActivity } from '../activity/activity.service';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest, ApprovalRequestStatus } from '../approvals/approval-request.entity';
import { publishApprovalEvent, requestApproval } from '../approvals/approval.service';
import { recordAudit } from '../audit/audit.service';
import { ADMIN_ONLY, assertGroupRole, requireId, requireSignedIn, STAFF_ROLES, viewerRoleIn } from '../auth/authorization';
import { Group } from '../groups/group.entity';
import { assertGroupActive } from '../groups/group.service';
import { TRANSACTION_CHANGED_TOPIC } from '../ledger/ledger.service';
import { assertCorridor, etaFor } from './corridors';
import { rateForQuote } from './exchange-rate.service';
import { mayHaveBeenTaken, PayoutCallback, PayoutProvider, PayoutRequest, PayoutStatus, payoutProviderFor } from './payout-provider';
import { bankAccountOf, maskAccount, recipientFingerprint, stripMarkup } from './recipient.service';
import { Recipient, Remittance, RemittanceEvent, RemittanceQuote, RemittanceSettings, RemittanceStatus } from './remittance.entities';
import { availableBalance, insufficientFunds, releaseFunds, reserveFunds, settleFunds } from './remittance-ledger';

export const REMITTANCE_EVENTS_TOPIC = 'remittanceEvents';

/** What the jobs and the payout step need: no request, no viewer (they act as the system). */
export interface RemittanceDeps {
  /** Forked per unit of work. */
  em: EntityManager;
  config: CofferConfig;
  events: EventBus;
  logger?: Logger;
}

const loggers = new WeakMap<CofferConfig, Logger>();

/** The server's logger for work started outside a request (set once at start). */
export function registerRemittanceLogger(config: CofferConfig, logger: Logger): void {
  loggers.set(config, logger);
}

const loggerFor = (deps: { config: CofferConfig; logger?: Logger }): Logger => deps.logger ?? loggers.get(deps.config) ?? consoleLogger;

export function remittanceSnapshot(r: Remittance): Record<string, unknown> {
  return {
    id: r.id,
    status: r.status,
    recipientId: r.recipient.id,
    quoteId: r.quote.id,
    sendMinor: r.sendMinor.toString(),
    feeMinor: r.feeMinor.toString(),
    totalMinor: r.totalMinor.toString(),
    sendCurrency: r.sendCurrency,
    rate: r.rate,
    receiveMinor: r.receiveMinor.toString(),
    receiveCurrency: r.receiveCurrency,
    reference: r.reference,
    ledgerTransactionId: r.ledgerTransactionId,
    provider: r.provider,
    providerPayoutId: r.providerPayoutId,
    failureReason: r.failureReason,
    version: r.version,
  };
}

/* ---------- fees ---------- */

/** Fee = send × basis points / 10 000, rounded down to the minor unit: the one rounding rule, always in the group's favour. */
export function feeFor(sendMinor: bigint, basisPoints: number): bigint {
  return (sendMinor * BigInt(basisPoints)) / 10_000n;
}

async function feeBasisPoints(em: EntityManager, config: CofferConfig, groupId: string): Promise<number> {
  const settings = await em.findOne(RemittanceSettings, { groupId });
  return settings?.feeBasisPoints ?? config.remittances.defaultFeeBasisPoints;
}

export interface RemittanceSettingsView {
  feeBasisPoints: number;
  isDefault: boolean;
}

export async function getRemittanceSettings(ctx: ServiceContext, groupId: string): Promise<RemittanceSettingsView> {
  await assertGroupRole(ctx, groupId, STAFF_ROLES);
  const settings = await ctx.em.findOne(RemittanceSettings, { groupId });
  return { feeBasisPoints: settings?.feeBasisPoints ?? ctx.config.remittances.defaultFeeBasisPoints, isDefault: !settings };
}

/** "0.5" → 50 basis points; 0 to 10 %, at most two decimals. */
export async function setRemittanceFee(ctx: ServiceContext, groupId: string, feePercent: string): Promise<RemittanceSettingsView> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  const match = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(feePercent.trim());
  const basisPoints = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
  new FieldValidator().check('feePercent', match !== null && basisPoints <= 1000, 'A percentage from 0 to 10 with at most two decimals, e.g. 0.5').throwIfInvalid();
  await ctx.em.transactional(async (em) => {
    const group = await em.findOneOrFail(Group, { id: groupId });
    assertGroupActive(group);
    const before = await em.findOne(RemittanceSettings, { groupId });
    const previous = before ? { feeBasisPoints: before.feeBasisPoints } : null;
    await em.upsert(RemittanceSettings, { groupId, feeBasisPoints: basisPoints, updatedAt: new Date() });
    recordActivity({ ...ctx, em }, { groupId, action: 'remittance.setFee', entityType: 'RemittanceSettings', entityId: groupId, before: previous, after: { feeBasisPoints: basisPoints } });
    recordAudit({ ...ctx, em }, { groupId, entityType: 'RemittanceSettings', entityId: groupId, action: 'remittance.setFee', previousData: previous, newData: { feeBasisPoints: basisPoints } });
    await em.flush();
  });
  return { feeBasisPoints: basisPoints, isDefault: false };
}

/* ---------- quotes ---------- */

async function liveRecipientOf(em: EntityManager, groupId: string, recipientId: string): Promise<Recipient> {
  const recipient = isUuid(recipientId) ? await em.findOne(Recipient, { id: recipientId, group: groupId, deletedAt: null }) : null;
  if (!recipient) throw notFound('Recipient');
  return recipient;
}

/**
 * Everything a remittance would cost, stored and held until expiresAt. The
 * amount is in the group's currency, with at most its decimals.
 */
export async function createQuote(ctx: ServiceContext, groupId: string, recipientId: string, amount: string): Promise<RemittanceQuote> {
  await assertGroupRole(ctx, groupId, STAFF_ROLES);
  const settings = ctx.config.remittances;
  return ctx.em.transactional(async (em) => {
    const group = await em.findOneOrFail(Group, { id: groupId });
    assertGroupActive(group);
    const recipient = await liveRecipientOf(em, groupId, recipientId);
    const corridor = assertCorridor(settings, group.currency, recipient.country, recipient.currency);
    const validator = new FieldValidator();
    const sendMinor = validator.attempt(() => parseAmount(amount, group.currency, 'amount'));
    if (sendMinor !== undefined) {
      const min = parseAmount(corridor.min, group.currency);
      const max = parseAmount(corridor.max, group.currency);
      validator.check('amount', sendMinor >= min && sendMinor <= max, `Send between ${formatAmount(min, group.currency)} and ${formatAmount(max, group.currency)} ${group.currency}`);
    }
    validator.throwIfInvalid();
    const rate = await rateForQuote(em, settings, group.currency, recipient.currency);
    const basisPoints = await feeBasisPoints(em, ctx.config, groupId);
    const feeMinor = feeFor(sendMinor!, basisPoints);
    const receive = convertAmount({ amountMinor: sendMinor!, currency: group.currency }, rate.rate, recipient.currency, 'amount');
    if (receive.amountMinor <= 0n) new FieldValidator().check('amount', false, 'Too small: nothing would arrive').throwIfInvalid();
    const actor = actorOf(ctx.viewer);
    const quote = em.create(RemittanceQuote, {
      group,
      recipient,
      sendMinor: sendMinor!,
      sendCurrency: group.currency,
      feeMinor,
      feeBasisPoints: basisPoints,
      totalMinor: sendMinor! + feeMinor,
      rate: rate.rate,
      rateSource: rate.source,
      rateOffline: rate.offline,
      receiveMinor: receive.amountMinor,
      receiveCurrency: recipient.currency,
      eea: corridor.eea,
      eta: etaFor(corridor),
      expiresAt: new Date(Date.now() + settings.quoteTtlSeconds * 1000),
      createdByKind: actor.kind,
      createdById: actor.id,
    });
    em.persist(quote);
    recordActivity({ ...ctx, em }, { groupId, action: 'remittance.quote', entityType: 'RemittanceQuote', entityId: quote.id, after: quoteSnapshot(quote) });
    await em.flush();
    return quote;
  });
}

function quoteSnapshot(q: RemittanceQuote): Record<string, unknown> {
  return {
    recipientId: q.recipient.id,
    sendMinor: q.sendMinor.toString(),
    feeMinor: q.feeMinor.toString(),
    totalMinor: q.totalMinor.toString(),
    currency: q.sendCurrency,
    rate: q.rate,
    receiveMinor: q.receiveMinor.toString(),
    receiveCurrency: q.receiveCurrency,
    expiresAt: q.expiresAt.toISOString(),
  };
}

/* ---------- timeline and events ---------- */

/** Every status change: the timeline entry and, in the same transaction, the integrators' remittance.updated. */
function addEvent(ctx: ServiceContext, em: EntityManager, remittance: Remittance, note: string | null = null): void {
  const actor = actorOf(ctx.viewer);
  em.persist(em.create(RemittanceEvent, { remittance, status: remittance.status, actorKind: actor.kind, actorId: actor.id, note }));
  // Ids and status only: the recipient's bank account never leaves in a webhook.
  enqueueIntegratorEvent(em, {
    groupId: remittance.group.id,
    type: IntegratorEventType.REMITTANCE_UPDATED,
    data: { id: remittance.id, status: remittance.status, recipientId: remittance.recipient.id, note },
  });
}

function publishRemittance(events: EventBus, remittance: Remittance): Promise<void> {
  return events.publish({ topic: REMITTANCE_EVENTS_TOPIC, key: remittance.group.id, data: { remittanceId: remittance.id, status: remittance.status } });
}

function publishLedger(events: EventBus, groupId: string, transactionId: string, action: 'APPROVED' | 'REVERSED'): Promise<void> {
  return events.publish({ topic: TRANSACTION_CHANGED_TOPIC, key: groupId, data: { transactionId, action } });
}

/** Moves a remittance on, with its timeline entry, activity and (money) audit, all on `em`. */
function recordStep(ctx: ServiceContext, em: EntityManager, remittance: Remittance, before: Record<string, unknown> | null, action: string, note: string | null = null): void {
  addEvent(ctx, em, remittance, note);
  const after = remittanceSnapshot(remittance);
  recordActivity({ ...ctx, em }, { groupId: remittance.group.id, action, entityType: 'Remittance', entityId: remittance.id, before, after });
  recordAudit({ ...ctx, em }, { groupId: remittance.group.id, entityType: 'Remittance', entityId: remittance.id, action, previousData: before, newData: after });
}

/* ---------- create ---------- */

const moneyView = (minor: bigint, currency: string) => ({ amount: formatAmount(minor, currency), currency });

/** What the approver reads on the request's card: every cost line, the account masked. */
function approvalView(r: Remittance, recipient: Recipient): Record<string, unknown> {
  return {
    id: r.id,
    name: recipient.name,
    country: recipient.country,
    account: maskAccount(recipient.bankAccountLast4),
    amount: moneyView(r.sendMinor, r.sendCurrency),
    fee: moneyView(r.feeMinor, r.sendCurrency),
    total: moneyView(r.totalMinor, r.sendCurrency),
    rate: `1 ${r.sendCurrency} = ${r.rate} ${r.receiveCurrency}`,
    receives: moneyView(r.receiveMinor, r.receiveCurrency),
    eta: r.eta,
    reference: r.reference,
  };
}

/**
 * A quote prices a payout to the recipient as it was when quoted: its currency
 * (what arrives), its corridor (ETA). If the recipient has changed since,
 * the quote no longer says what this remittance would do: ask for a new one.
 */
function assertQuoteFitsRecipient(config: CofferConfig, group: Group, quote: RemittanceQuote, recipient: Recipient): void {
  const corridor = config.remittances.corridors.find((c) => c.sourceCurrency === group.currency && c.country === recipient.country && c.currency === recipient.currency);
  const fits =
    quote.receiveCurrency === recipient.currency &&
    corridor !== undefined &&
    corridor.eea === quote.eea &&
    etaFor(corridor) === quote.eta &&
    // Any change made through updateRecipient after the quote (a country with the same currency included).
    recipient.updatedAt.getTime() <= quote.createdAt.getTime();
  if (!fits) {
    throw new DomainError(ErrorCode.CONFLICT, `The recipient changed after this quote (now ${recipient.country}/${recipient.currency}, ${maskAccount(recipient.bankAccountLast4)}); ask for a new quote`, {
      reason: 'QUOTE_RECIPIENT_CHANGED',
      extra: { quoted: { currency: quote.receiveCurrency }, recipient: { country: recipient.country, currency: recipient.currency } },
    });
  }
}

export interface CreateRemittanceOutcome {
  remittance: Remittance;
  approval: ApprovalRequest | null;
  replayed: boolean;
}

/**
 * Turns a live quote into a remittance waiting for a second admin. Checks the
 * funds now (a clear early answer) and again, under a lock, when approved.
 */
export async function createRemittance(ctx: ServiceContext, quoteId: string, idempotencyKey: string, reference?: string | null): Promise<CreateRemittanceOutcome> {
  requireSignedIn(ctx);
  const quote = await ctx.em.findOne(RemittanceQuote, { id: requireId(quoteId, 'Quote') });
  if (!quote) throw notFound('Quote');
  await assertGroupRole(ctx, quote.group.id, STAFF_ROLES, 'Quote');
  const key = idempotencyKey.trim();
  const cleanReference = reference ? stripMarkup(reference) : null;
  new FieldValidator()
    .check('idempotencyKey', key.length > 0 && key.length <= 200, 'Give a key of 1 to 200 characters, the same when retrying')
    .check('reference', cleanReference === null || cleanReference.length <= 140, 'At most 140 characters')
    .throwIfInvalid();
  const groupId = quote.group.id;
  const outcome = await ctx.em.transactional(async (em): Promise<CreateRemittanceOutcome> => {
    // Same key at once from two requests: the second waits here, then replays the first.
    await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`coffer:remittance-key:${groupId}:${key}`]);
    const existing = await em.findOne(Remittance, { group: groupId, idempotencyKey: key });
    if (existing) {
      if (existing.quote.id !== quote.id) throw conflict('This idempotency key was used for another quote', 'IDEMPOTENCY_KEY_REUSED');
      const approval = existing.approvalRequestId ? await em.findOne(ApprovalRequest, { id: existing.approvalRequestId }) : null;
      return { remittance: existing, approval, replayed: true };
    }
    const group = await em.findOneOrFail(Group, { id: groupId });
    assertGroupActive(group);
    // The same quote at once under different keys: the quote's row lock queues them, so the ones
    // after the first see its remittance below (QUOTE_USED) rather than hit remittances_quote_once.
    await lockRow(em, 'remittance_quotes', quote.id);
    if (await em.findOne(Remittance, { quote: quote.id })) throw conflict('This quote was already used; ask for a new one', 'QUOTE_USED');
    if (quote.expiresAt.getTime() <= Date.now()) throw conflict('This quote has expired; ask for a new one', 'QUOTE_EXPIRED');
    // The recipient as it is now, held (FOR SHARE) until this transaction ends: updateRecipient and deleteRecipient
    // lock it FOR UPDATE before they look for open remittances, so they either wait for this one and see it, or
    // changed the recipient first and this read sees the change (shared/row-lock.ts; quote, then recipient).
    const recipient = await em.findOne(Recipient, { id: quote.recipient.id, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
    if (!recipient) throw conflict('The recipient was deleted after this quote', 'RECIPIENT_DELETED');
    assertQuoteFitsRecipient(ctx.config, group, quote, recipient);
    const available = await availableBalance(em, groupId);
    if (available < quote.totalMinor) throw insufficientFunds(available, quote.totalMinor, quote.sendCurrency);
    const actor = actorOf(ctx.viewer);
    const remittance = em.create(Remittance, {
      group,
      recipient,
      quote,
      idempotencyKey: key,
      reference: cleanReference || null,
      sendMinor: quote.sendMinor,
      sendCurrency: quote.sendCurrency,
      feeMinor: quote.feeMinor,
      totalMinor: quote.totalMinor,
      rate: quote.rate,
      receiveMinor: quote.receiveMinor,
      receiveCurrency: quote.receiveCurrency,
      eta: quote.eta,
      createdByKind: actor.kind,
      createdById: actor.id,
    });
    // Always a second admin, whatever the group's threshold: the creator can never approve it.
    const approval = requestApproval(ctx, em, {
      groupId,
      entityType: ApprovalEntityType.REMITTANCE,
      action: ApprovalAction.CREATE,
      targetId: remittance.id,
      targetVersion: remittance.version,
      // What the approver sees (input), and the recipient's payout details as one keyed hash, which approving and
      // paying compare with the recipient as it is then (approvedRecipientDrift).
      proposedData: { operation: 'sendRemittance', input: approvalView(remittance, recipient), recipient: { id: recipient.id, fingerprint: recipientFingerprint(recipient, ctx.config.encryptionKey) } },
    });
    remittance.approvalRequestId = approval.id;
    em.persist(remittance);
    recordStep(ctx, em, remittance, null, 'remittance.create');
    await em.flush();
    return { remittance, approval, replayed: false };
  });
  if (!outcome.replayed) {
    await publishRemittance(ctx.events, outcome.remittance);
    if (outcome.approval) await publishApprovalEvent(ctx, outcome.approval, 'QUEUED');
  }
  return outcome;
}

/* ---------- approval (called by the approvals module inside its transaction) ---------- */

export async function remittanceVersion(em: EntityManager, id: string): Promise<number | null> {
  const remittance = await em.findOne(Remittance, { id }, { refresh: true });
  return remittance?.version ?? null;
}

/** `wait: false` is NOWAIT, for an attempt of withRowLock. */
const lockRemittance = (em: EntityManager, id: string, wait = true): Promise<Remittance> =>
  readLocked(em, Remittance, { id: requireId(id, 'Remittance') }, 'Remittance', wait);

/**
 * Locks the remittance's row without reading it (`wait: false` is NOWAIT): for
 * deciding its approval request, which takes the remittance before the
 * request, as cancelling does (ApprovalHandler.lockTarget).
 */
export async function lockRemittanceRow(em: EntityManager, id: string, wait: boolean): Promise<void> {
  await lockRow(em, 'remittances', id, wait);
}

function isCreator(ctx: ServiceContext, remittance: Remittance): boolean {
  const actor = actorOf(ctx.viewer);
  return actor.id !== null && actor.kind === remittance.createdByKind && actor.id === remittance.createdById;
}

const ledgerDescription = (remittance: Remittance, recipient: Recipient): string =>
  `Remittance to ${recipient.name}${remittance.reference ? ` (${remittance.reference})` : ''}`;

/**
 * Why paying `recipient` now would not pay what the remittance's approval
 * request showed the approver, or null when it would. The request records the
 * recipient's payout details as a keyed hash (recipientFingerprint); a
 * request made before it did is compared on what its card showed.
 */
function approvedRecipientDrift(config: CofferConfig, remittance: Remittance, recipient: Recipient | null, request: ApprovalRequest | null): string | null {
  if (!recipient) return 'the recipient is gone';
  if (recipient.deletedAt) return 'the recipient was deleted';
  if (recipient.currency !== remittance.receiveCurrency) return `the recipient now takes ${recipient.currency}, not ${remittance.receiveCurrency}`;
  if (!request) return 'the approval request is missing';
  const proposed = request.proposedData as { input?: Record<string, unknown>; recipient?: { id?: unknown; fingerprint?: unknown } };
  const approved = proposed.recipient;
  if (typeof approved?.fingerprint === 'string') {
    return approved.id === recipient.id && approved.fingerprint === recipientFingerprint(recipient, config.encryptionKey) ? null : "the recipient's payout details changed";
  }
  const shown = proposed.input ?? {};
  return shown.name === recipient.name && shown.country === recipient.country && shown.account === maskAccount(recipient.bankAccountLast4) ? null : "the recipient's payout details changed";
}

/**
 * Approving reserves the funds (or fails with INSUFFICIENT_FUNDS and changes
 * nothing). Refused as stale (STALE_REQUEST) when the recipient is no longer
 * what the request showed, and QUOTE_EXPIRED once the quote's rate hold is
 * over: approving is when the group commits its money at that rate, so the
 * hold is measured here. The payout follows within seconds, and a provider
 * outage after approval is not the group's to re-price.
 */
export async function applyRemittanceApproval(ctx: ServiceContext, request: ApprovalRequest): Promise<void> {
  const em = ctx.em;
  const remittance = await lockRemittance(em, request.targetId!);
  // Four eyes even if the requester were someone else: the remittance's own creator never approves it.
  if (isCreator(ctx, remittance)) throw forbidden('You created this remittance; another admin must approve it');
  if (remittance.status !== RemittanceStatus.PENDING_APPROVAL) throw conflict(`This remittance is ${remittance.status}`, 'NOT_PENDING');
  assertGroupActive(await em.findOneOrFail(Group, { id: remittance.group.id }));
  const before = remittanceSnapshot(remittance);
  // No lock needed: while this remittance is open, updateRecipient and deleteRecipient refuse (RECIPIENT_IN_USE).
  // This is the check behind that one, for a recipient changed some other way.
  const recipient = await em.findOne(Recipient, { id: remittance.recipient.id }, { refresh: true });
  const drift = approvedRecipientDrift(ctx.config, remittance, recipient, request);
  if (drift) throw conflict(`The record changed after this request was made (${drift}); reject it and ask again`, 'STALE_REQUEST');
  const quote = await em.findOneOrFail(RemittanceQuote, { id: remittance.quote.id });
  if (quote.expiresAt.getTime() <= Date.now()) {
    throw new DomainError(ErrorCode.CONFLICT, `The quoted rate was held until ${quote.expiresAt.toISOString()}; reject this request and ask for a new quote`, {
      reason: 'QUOTE_EXPIRED',
      extra: { quoteExpiredAt: quote.expiresAt.toISOString() },
    });
  }
  const txn = await reserveFunds(ctx, em, remittance, ledgerDescription(remittance, recipient!));
  remittance.status = RemittanceStatus.APPROVED;
  remittance.approvedAt = new Date();
  remittance.ledgerTransactionId = txn.id;
  recordStep(ctx, em, remittance, before, 'remittance.approve');
  await em.flush();
  await publishRemittance(ctx.events, remittance);
  await publishLedger(ctx.events, remittance.group.id, txn.id, 'APPROVED');
}

/** Rejected or withdrawn before approval: nothing was posted, nothing is. */
export async function discardRemittanceApproval(ctx: ServiceContext, request: ApprovalRequest, decision: 'REJECTED' | 'CANCELLED'): Promise<void> {
  const remittance = await lockRemittance(ctx.em, request.targetId!);
  if (remittance.status !== RemittanceStatus.PENDING_APPROVAL) return;
  const before = remittanceSnapshot(remittance);
  remittance.status = decision === 'REJECTED' ? RemittanceStatus.REJECTED : RemittanceStatus.CANCELLED;
  if (decision === 'CANCELLED') remittance.cancelledAt = new Date();
  recordStep(ctx, ctx.em, remittance, before, `remittance.${decision.toLowerCase()}`);
  await ctx.em.flush();
  await publishRemittance(ctx.events, remittance);
}

/**
 * Until a job scheduler runs dispatchApprovedRemittances, the payout starts
 * in-process right after the approval commits. Never throws into the request:
 * a failure is logged and the job (or the next approval) picks it up.
 */
export function dispatchAfterApproval(ctx: ServiceContext, request: ApprovalRequest): void {
  const deps: RemittanceDeps = { em: ctx.em, config: ctx.config, events: ctx.events };
  const logger = loggerFor(deps);
  void dispatchRemittance(deps, request.targetId)
    .then((outcome) => (outcome?.result === 'SENT' ? logger.info('Remittance handed to the payout provider', { remittanceId: outcome.id }) : undefined))
    .catch((error: unknown) => logger.error('Remittance dispatch failed; the dispatch job will retry', { remittanceId: request.targetId, ...describeError(error) }));
}

/* ---------- payout ---------- */

/**
 * What became of one dispatch. SENT: the provider has the payout (PROCESSING,
 * or already settled). NOT_TAKEN: the provider certainly holds no payout (it
 * refused, or was never reached); it stays APPROVED for the next run or a
 * cancel. IN_DOUBT: sent, but the answer was lost (a timeout, a 5xx); it is
 * PROCESSING without a payout id, cannot be cancelled, and reconciliation asks
 * the provider. RECIPIENT_CHANGED: not sent, because the recipient is no
 * longer what was approved; FAILED, the reservation released.
 */
export type DispatchResultKind = 'SENT' | 'NOT_TAKEN' | 'IN_DOUBT' | 'RECIPIENT_CHANGED';

export interface DispatchOutcome {
  id: string;
  result: DispatchResultKind;
  /** Why it was not SENT (the provider's error, or what changed); null when SENT. */
  error: string | null;
}

/** The provider's report of settlement, through the same status handler as reconciliation. */
function settlementCallback(deps: RemittanceDeps): PayoutCallback {
  return (settledId, settled) =>
    handlePayoutUpdate(deps, settledId, settled).then(
      () => undefined,
      // A lost callback is what reconciliation is for: log it, the job settles the remittance later.
      (error: unknown) => loggerFor(deps).error('Payout callback could not be applied', { remittanceId: settledId, ...describeError(error) }),
    );
}

/**
 * The recipient of a remittance about to be paid, as it is now, checked
 * against what the approval showed. Not locked: the remittance is open, so
 * updateRecipient and deleteRecipient refuse to touch it (RECIPIENT_IN_USE),
 * and a lock held through the provider's call would only make their clicks
 * queue on it.
 */
async function payableRecipient(config: CofferConfig, em: EntityManager, remittance: Remittance): Promise<{ recipient: Recipient; drift: null } | { recipient: Recipient | null; drift: string }> {
  const recipient = await em.findOne(Recipient, { id: remittance.recipient.id }, { refresh: true });
  const approval = remittance.approvalRequestId ? await em.findOne(ApprovalRequest, { id: remittance.approvalRequestId }) : null;
  const drift = approvedRecipientDrift(config, remittance, recipient, approval);
  return drift === null ? { recipient: recipient!, drift } : { recipient, drift };
}

function payoutRequestOf(config: CofferConfig, remittance: Remittance, recipient: Recipient): PayoutRequest {
  return {
    remittanceId: remittance.id,
    amountMinor: remittance.receiveMinor,
    currency: remittance.receiveCurrency,
    reference: remittance.reference,
    recipient: { name: recipient.name, country: recipient.country, bankAccount: bankAccountOf(recipient, config.encryptionKey), bankName: recipient.bankName, swiftCode: recipient.swiftCode },
  };
}

/**
 * Hands one APPROVED remittance (the given one, or the oldest unclaimed not in
 * `skip`) to the payout provider and marks it PROCESSING. The row is claimed
 * with SKIP LOCKED, and the remittance id is the provider's idempotency key,
 * so two instances (or a retry after a crash) never pay twice. Pays only the
 * recipient the approver saw. Returns null when there was nothing to do.
 */
export async function dispatchRemittance(deps: RemittanceDeps, remittanceId: string | null = null, skip: string[] = []): Promise<DispatchOutcome | null> {
  const provider = payoutProviderFor(deps.config.remittances);
  const events = new DeferredEventBus(deps.events);
  const outcome = await deps.em.fork().transactional(async (em): Promise<DispatchOutcome | null> => {
    const rows: { id: string }[] = await em.execute(
      `select "id" from "remittances" where "status" = 'APPROVED' and ${remittanceId ? '"id" = ?' : 'not ("id" = any(?::uuid[]))'}
        order by "approved_at" limit 1 for update skip locked`,
      [remittanceId ?? `{${skip.join(',')}}`],
    );
    if (rows.length === 0) return null;
    const remittance = await em.findOneOrFail(Remittance, { id: rows[0].id });
    const ctx = systemContext(deps, em, events);
    const payee = await payableRecipient(deps.config, em, remittance);
    if (payee.drift !== null) {
      // Nothing was sent, and nothing will be: the approval was for someone else's account.
      const reason = `Not sent: ${payee.drift} after approval`;
      await failRemittance(ctx, em, remittance, reason);
      return { id: remittance.id, result: 'RECIPIENT_CHANGED', error: reason };
    }
    let status: PayoutStatus;
    try {
      status = await provider.submit(payoutRequestOf(deps.config, remittance, payee.recipient), settlementCallback(deps));
    } catch (error) {
      const message = (error as Error).message;
      // Nothing was written: the remittance stays APPROVED (funds reserved) for the next run or a cancel.
      if (!mayHaveBeenTaken(error)) return { id: remittance.id, result: 'NOT_TAKEN', error: message };
      // The provider may have it (and pay it): treated as sent until it says otherwise, so it can no longer be cancelled.
      await startProcessing(ctx, em, remittance, provider, null, 'Sent to the payout provider, whose answer was lost; the outcome is being checked with the provider');
      return { id: remittance.id, result: 'IN_DOUBT', error: message };
    }
    await startProcessing(ctx, em, remittance, provider, status.payoutId);
    if (status.state !== 'PROCESSING') await applyStatusLocked(ctx, em, remittance, status);
    return { id: remittance.id, result: 'SENT', error: null };
  });
  await events.flush();
  const logger = loggerFor(deps);
  if (outcome?.result === 'NOT_TAKEN') logger.warn('Payout provider did not take the remittance; it stays APPROVED', { remittanceId: outcome.id, error: outcome.error });
  if (outcome?.result === 'IN_DOUBT') logger.warn('Payout provider did not answer; the remittance is PROCESSING until reconciliation learns the outcome', { remittanceId: outcome.id, error: outcome.error });
  if (outcome?.result === 'RECIPIENT_CHANGED') logger.error('Remittance not paid: its recipient differs from what was approved; it FAILED and the funds were released', { remittanceId: outcome.id, error: outcome.error });
  return outcome;
}

/** APPROVED → PROCESSING; `payoutId` null when the submission's answer was lost. */
async function startProcessing(ctx: ServiceContext, em: EntityManager, remittance: Remittance, provider: PayoutProvider, payoutId: string | null, note: string | null = null): Promise<void> {
  const before = remittanceSnapshot(remittance);
  remittance.status = RemittanceStatus.PROCESSING;
  remittance.processingAt = new Date();
  remittance.provider = provider.name;
  remittance.providerPayoutId = payoutId;
  recordStep(ctx, em, remittance, before, 'remittance.dispatch', note);
  await em.flush();
  await publishRemittance(ctx.events, remittance);
}

/** → FAILED with its reason, the reservation reversed (cash and fee come back). */
async function failRemittance(ctx: ServiceContext, em: EntityManager, remittance: Remittance, failureReason: string): Promise<void> {
  const reason = failureReason.slice(0, 500);
  const before = remittanceSnapshot(remittance);
  const reversal = await releaseFunds(ctx, em, remittance, `Released: remittance failed (${reason})`.slice(0, 2000));
  remittance.status = RemittanceStatus.FAILED;
  remittance.failedAt = new Date();
  remittance.failureReason = reason;
  recordStep(ctx, em, remittance, before, 'remittance.fail', reason);
  await em.flush();
  await publishRemittance(ctx.events, remittance);
  await publishLedger(ctx.events, remittance.group.id, reversal.id, 'REVERSED');
}

/** COMPLETED settles the money, FAILED releases it; anything else, or a remittance no longer PROCESSING, changes nothing. */
async function applyStatusLocked(ctx: ServiceContext, em: EntityManager, remittance: Remittance, status: PayoutStatus): Promise<boolean> {
  if (remittance.status !== RemittanceStatus.PROCESSING || status.state === 'PROCESSING') return false;
  if (remittance.providerPayoutId !== status.payoutId) {
    loggerFor(ctx).warn('Payout update for another payout id ignored', { remittanceId: remittance.id });
    return false;
  }
  if (status.state === 'FAILED') {
    await failRemittance(ctx, em, remittance, status.failureReason ?? 'Failed at the payout provider');
    return true;
  }
  const before = remittanceSnapshot(remittance);
  await settleFunds(em, remittance);
  remittance.status = RemittanceStatus.COMPLETED;
  remittance.completedAt = new Date();
  recordStep(ctx, em, remittance, before, 'remittance.complete');
  await em.flush();
  await publishRemittance(ctx.events, remittance);
  return true;
}

/**
 * The one status handler: provider callbacks and the reconciliation job both
 * come through here. Idempotent: a second COMPLETED (or a late FAILED after
 * COMPLETED) finds the remittance no longer PROCESSING and does nothing.
 */
export async function handlePayoutUpdate(deps: RemittanceDeps, remittanceId: string, status: PayoutStatus): Promise<RemittanceStatus> {
  const events = new DeferredEventBus(deps.events);
  const result = await deps.em.fork().transactional(async (em) => {
    const remittance = await lockRemittance(em, remittanceId);
    await applyStatusLocked(systemContext(deps, em, events), em, remittance, status);
    return remittance.status;
  });
  await events.flush();
  return result;
}

/**
 * A payout in doubt (PROCESSING, no payout id): the provider is asked by the
 * idempotency key, by submitting the same request again, which answers with
 * the payout the lost submission made (or, if it never arrived, makes it now:
 * the remittance was approved). Records the payout id and returns the
 * payout's status now; null when it must not be asked (the recipient is not
 * the approved one any more: a person has to look).
 */
async function findPayoutInDoubt(deps: RemittanceDeps, ctx: ServiceContext, em: EntityManager, remittance: Remittance, provider: PayoutProvider): Promise<PayoutStatus | null> {
  const payee = await payableRecipient(deps.config, em, remittance);
  if (payee.drift !== null) {
    loggerFor(deps).error('Payout in doubt not asked about again: its recipient differs from what was approved; check it with the provider', { remittanceId: remittance.id, drift: payee.drift });
    return null;
  }
  const found = await provider.submit(payoutRequestOf(deps.config, remittance, payee.recipient), settlementCallback(deps));
  const before = remittanceSnapshot(remittance);
  remittance.providerPayoutId = found.payoutId;
  remittance.provider = provider.name;
  const after = remittanceSnapshot(remittance);
  recordActivity(ctx, { groupId: remittance.group.id, action: 'remittance.payoutFound', entityType: 'Remittance', entityId: remittance.id, before, after });
  recordAudit(ctx, { groupId: remittance.group.id, entityType: 'Remittance', entityId: remittance.id, action: 'remittance.payoutFound', previousData: before, newData: after });
  await em.flush();
  if (found.state !== 'PROCESSING') return found;
  // The answer to a repeated submission may be the first one's, as it was then: ask how the payout stands now.
  return provider.status(found.payoutId).catch(() => found);
}

/**
 * Asks the provider about one PROCESSING remittance older than the cut-off
 * (claimed with SKIP LOCKED, skipping `seen`) and applies the answer: by its
 * payout id, or for one in doubt by its idempotency key (findPayoutInDoubt).
 * Returns the id looked at, or null when none is left.
 */
export async function reconcileOne(deps: RemittanceDeps, olderThan: Date, seen: string[]): Promise<{ id: string; status: RemittanceStatus } | null> {
  const provider = payoutProviderFor(deps.config.remittances);
  const events = new DeferredEventBus(deps.events);
  const result = await deps.em.fork().transactional(async (em) => {
    const rows: { id: string }[] = await em.execute(
      `select "id" from "remittances" where "status" = 'PROCESSING' and "processing_at" < ? and not ("id" = any(?::uuid[]))
        order by "processing_at" limit 1 for update skip locked`,
      [olderThan, `{${seen.join(',')}}`],
    );
    if (rows.length === 0) return null;
    const remittance = await em.findOneOrFail(Remittance, { id: rows[0].id });
    const ctx = systemContext(deps, em, events);
    let status: PayoutStatus | null;
    try {
      status = remittance.providerPayoutId ? await provider.status(remittance.providerPayoutId) : await findPayoutInDoubt(deps, ctx, em, remittance, provider);
    } catch (error) {
      // The provider is down or confused: leave it PROCESSING for the next run (a payout in doubt stays in doubt).
      loggerFor(deps).warn('Payout status check failed', { remittanceId: remittance.id, inDoubt: !remittance.providerPayoutId, error: (error as Error).message });
      return { id: remittance.id, status: remittance.status };
    }
    if (status) await applyStatusLocked(ctx, em, remittance, status);
    return { id: remittance.id, status: remittance.status };
  });
  await events.flush();
  return result;
}

/* ---------- cancel ---------- */

/**
 * Before PROCESSING only. Pending approval: the request is withdrawn and
 * nothing was posted. Approved: the reservation is reversed. Admins, or the
 * remittance's creator.
 */
export async function cancelRemittance(ctx: ServiceContext, id: string, reason?: string | null): Promise<Remittance> {
  requireSignedIn(ctx);
  const note = reason ? stripMarkup(reason) : null;
  if (note) new FieldValidator().check('reason', note.length <= 500, 'At most 500 characters').throwIfInvalid();
  // Who may cancel, checked before the lock: the role check reads through the request's loaders, on a connection
  // of its own, which is never waited for under the lock (shared/row-lock.ts). Who created it and its group never
  // change; a click on one already cancelled (or sent) is answered here, without a transaction.
  const seen = await readBeforeLock(ctx.em, Remittance, { id: requireId(id, 'Remittance') }, 'Remittance');
  const role = await assertGroupRole(ctx, seen.group.id, STAFF_ROLES, 'Remittance');
  if (role !== Role.ADMIN && !isCreator(ctx, seen)) throw forbidden('Only an admin or whoever created it can cancel a remittance');
  assertCancellable(seen);
  // Clicked twice (or by two people): one attempt cancels it, the others find it cancelled (withRowLock).
  const outcome = await withRowLock(ctx.em, (em, wait) => cancelLocked(ctx, em, seen.id, note, wait));
  await outcome.events.flush();
  if (outcome.cancelledApproval) await publishApprovalEvent(ctx, outcome.cancelledApproval, 'CANCELLED');
  return outcome.remittance;
}

function assertCancellable(remittance: Remittance): void {
  if (remittance.status !== RemittanceStatus.PENDING_APPROVAL && remittance.status !== RemittanceStatus.APPROVED) {
    throw conflict(`A ${remittance.status.toLowerCase()} remittance cannot be cancelled`, 'NOT_CANCELLABLE');
  }
}

/** One attempt at the cancel, in the database transaction `em`; see withRowLock. */
async function cancelLocked(
  ctx: ServiceContext,
  em: EntityManager,
  id: string,
  note: string | null,
  wait: boolean,
): Promise<{ remittance: Remittance; events: DeferredEventBus; cancelledApproval: ApprovalRequest | null }> {
  // Published after the commit (and dropped with a failed attempt).
  const events = new DeferredEventBus(ctx.events);
  // Everything under the lock on this transaction's connection, the loaders included.
  const txCtx: ServiceContext = { ...ctx, em, events, loaders: createLoaders(em, ctx.viewer) };
  // The remittance, then its request: the order in which deciding the request takes them too (ApprovalHandler.lockTarget).
  // Both before anything changes, as withRowLock asks.
  const locked = await lockRemittance(em, id, wait);
  const approval =
    locked.status === RemittanceStatus.PENDING_APPROVAL && locked.approvalRequestId
      ? await em.findOne(ApprovalRequest, { id: locked.approvalRequestId }, { lockMode: rowLockMode(wait), refresh: true })
      : null;
  assertCancellable(locked);
  const before = remittanceSnapshot(locked);
  let cancelledApproval: ApprovalRequest | null = null;
  if (locked.status === RemittanceStatus.PENDING_APPROVAL) {
    if (approval && approval.status === ApprovalRequestStatus.PENDING) {
      const actor = actorOf(ctx.viewer);
      approval.status = ApprovalRequestStatus.CANCELLED;
      approval.decidedByKind = actor.kind;
      approval.decidedById = actor.id;
      approval.decidedAt = new Date();
      approval.decisionNotes = 'Remittance cancelled';
      recordActivity(txCtx, { groupId: locked.group.id, action: 'approval.cancelled', entityType: 'ApprovalRequest', entityId: approval.id, after: { status: approval.status } });
      recordAudit(txCtx, { groupId: locked.group.id, entityType: 'ApprovalRequest', entityId: approval.id, action: 'approval.cancelled', newData: { status: approval.status } });
      cancelledApproval = approval;
    }
  } else {
    const reversal = await releaseFunds(txCtx, em, locked, 'Released: remittance cancelled before payout');
    await publishLedger(events, locked.group.id, reversal.id, 'REVERSED');
  }
  locked.status = RemittanceStatus.CANCELLED;
  locked.cancelledAt = new Date();
  recordStep(txCtx, em, locked, before, 'remittance.cancel', note);
  await em.flush();
  await publishRemittance(events, locked);
  return { remittance: locked, events, cancelledApproval };
}

/* ---------- reads ---------- */

export async function getRemittance(ctx: ServiceContext, id: string): Promise<Remittance> {
  const remittance = await ctx.em.findOne(Remittance, { id: requireId(id, 'Remittance') });
  if (!remittance) throw notFound('Remittance');
  await assertGroupRole(ctx, remittance.group.id, STAFF_ROLES, 'Remittance');
  return remittance;
}

export async function getQuote(ctx: ServiceContext, id: string): Promise<RemittanceQuote> {
  const quote = await ctx.em.findOne(RemittanceQuote, { id: requireId(id, 'Quote') });
  if (!quote) throw notFound('Quote');
  await assertGroupRole(ctx, quote.group.id, STAFF_ROLES, 'Quote');
  return quote;
}

export interface RemittanceFilter extends PageRequest {
  groupId: string;
  status?: RemittanceStatus | null;
  recipientId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** Newest first. */
export async function listRemittances(ctx: ServiceContext, filter: RemittanceFilter): Promise<Page<Remittance>> {
  await assertGroupRole(ctx, filter.groupId, STAFF_ROLES);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  const validator = new FieldValidator();
  validator.check('recipientId', !filter.recipientId || isUuid(filter.recipientId), 'Not a recipient id');
  validator.check('to', !(filter.from && filter.to && filter.from > filter.to), 'Must not be before from');
  validator.throwIfInvalid();
  const knex = ctx.em.getKnex();
  const base = knex('remittances as r').where('r.group_id', filter.groupId);
  if (filter.status) base.andWhere('r.status', filter.status);
  if (filter.recipientId) base.andWhere('r.recipient_id', filter.recipientId);
  if (filter.from) base.andWhere('r.created_at', '>=', filter.from);
  if (filter.to) base.andWhere('r.created_at', '<', filter.to);
  const pageQuery = base.clone().select('r.*').orderBy([{ column: 'r.created_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('(r.created_at, r.id) < (cast(? as timestamptz), cast(? as uuid))', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const remittances = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(Remittance, row));
  return toPage(remittances, size, (r) => ({ sort: r.createdAt.toISOString(), id: r.id }), Number((countRows[0] as { count: string }).count), after);
}

const LIFECYCLE = Object.values(RemittanceStatus);

/** Oldest first; steps taken in the same millisecond keep their lifecycle order. */
export async function timelineOf(em: EntityManager, remittanceId: string): Promise<RemittanceEvent[]> {
  const events = await em.find(RemittanceEvent, { remittance: remittanceId });
  return events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || LIFECYCLE.indexOf(a.status) - LIFECYCLE.indexOf(b.status));
}

export async function viewerCanCancelRemittance(ctx: ServiceContext, remittance: Remittance): Promise<boolean> {
  if (remittance.status !== RemittanceStatus.PENDING_APPROVAL && remittance.status !== RemittanceStatus.APPROVED) return false;
  const role = await viewerRoleIn(ctx, remittance.group.id);
  return role === Role.ADMIN || (role === Role.OPERATOR && isCreator(ctx, remittance));
}

