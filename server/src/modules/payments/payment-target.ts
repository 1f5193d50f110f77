import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../shared/service-context';
import type { LedgerTransaction } from '../ledger/ledger.entities';
import type { TransactionCategory } from '../ledger/ledger.enums';

/**
 * What a provider payment pays for. The payments module (orders, intents,
 * webhooks, sandbox) knows nothing about dues, membership terms or sponsor
 * links; each of those modules registers a handler here, and the payments
 * module asks it what is owed and tells it when money arrived or left.
 */
export enum PaymentTargetKind {
  DUE = 'DUE',
  MEMBERSHIP_TERM = 'MEMBERSHIP_TERM',
  SPONSOR_LINK = 'SPONSOR_LINK',
}

export interface PaymentTargetRef {
  kind: PaymentTargetKind;
  id: string;
}

/** What is owed, as the target's own module sees it now. */
export interface PayableDescription {
  groupId: string;
  /** Exact amount expected, in minor units of `currency`. */
  amountMinor: bigint;
  currency: string;
  /** Ledger category of the CASH_IN a payment of this target records. */
  category: TransactionCategory;
  /** The member the payment is for (null for a sponsor). */
  memberId: string | null;
  /** One line for the provider's order / intent and the transaction's description. */
  description: string;
  payerName: string | null;
  payerEmail: string | null;
  /** False when it is already paid, waived, closed or expired; `notPayableReason` says which. */
  payable: boolean;
  notPayableReason: string | null;
}

export interface PaymentTargetHandler {
  /**
   * Describes the target, or null when there is none with this id. With
   * `forUpdate` the target's row is locked for the caller's database
   * transaction, so a concurrent credit of the same target waits.
   */
  describe(em: EntityManager, id: string, options?: { forUpdate?: boolean }): Promise<PayableDescription | null>;
  /**
   * The target's viewer-facing check before an order or intent is created for
   * it (e.g. only the member themself or staff of the group). Throws a DomainError.
   */
  assertCanPay(ctx: ServiceContext, id: string): Promise<void>;
  /**
   * Called inside the database transaction that recorded the approved CASH_IN
   * `transaction` for the target, after describe(…, { forUpdate: true }) in
   * that same transaction: mark it paid (due PAID, term ACTIVE, link used).
   * The transaction may not be flushed yet; the caller flushes afterwards.
   */
  markPaid(ctx: ServiceContext, em: EntityManager, id: string, transaction: LedgerTransaction): Promise<void>;
  /**
   * Called inside the database transaction that reversed the payment's
   * transaction after a refund: reopen the target (due UNPAID again, term cancelled).
   */
  markRefunded(ctx: ServiceContext, em: EntityManager, id: string, reversal: LedgerTransaction): Promise<void>;
}

const handlers = new Map<PaymentTargetKind, PaymentTargetHandler>();

/** Each target module registers itself once, at import time. */
export function registerPaymentTarget(kind: PaymentTargetKind, handler: PaymentTargetHandler): void {
  handlers.set(kind, handler);
}

export function paymentTargetHandler(kind: PaymentTargetKind): PaymentTargetHandler {
  const handler = handlers.get(kind);
  if (!handler) throw new Error(`No payment target handler registered for ${kind}`);
  return handler;
}
