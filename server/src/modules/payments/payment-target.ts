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
   * `checkoutOpenedAt`: the payment came through an order or intent of ours
   * opened then (when the target was payable); a target may honour it after
   * it has lapsed since (a sponsor link that expired while its checkout was open).
   */
  describe(em: EntityManager, id: string, options?: { forUpdate?: boolean; checkoutOpenedAt?: Date }): Promise<PayableDescription | null>;
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
   * Called inside the database transaction that reversed the transaction that
   * paid the target — a provider's full refund, or an admin deleting a payment
   * recorded by hand — with the target's row already locked: reopen it (due
   * UNPAID again, or OVERDUE when past its date and grace; term cancelled;
   * sponsor link payable again).
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

/**
 * Where each kind keeps the transaction that paid it (set by its markPaid),
 * and the status it has while that transaction stands. Read here, in one
 * place, so the ledger can ask what a transaction paid without knowing the
 * modules (a refund that came without an order of ours, a deleted payment).
 */
const PAID_LINKS: Record<PaymentTargetKind, { table: string; paidStatus: string }> = {
  [PaymentTargetKind.DUE]: { table: 'dues', paidStatus: 'PAID' },
  [PaymentTargetKind.MEMBERSHIP_TERM]: { table: 'membership_terms', paidStatus: 'ACTIVE' },
  [PaymentTargetKind.SPONSOR_LINK]: { table: 'sponsor_links', paidStatus: 'PAID' },
};

/**
 * What the transaction paid and still stands paid by it: the due, term or
 * sponsor link linked to it (normally one, none for other money). With
 * `lock` their rows are locked FOR UPDATE in `em`'s transaction (`'nowait'`
 * in an attempt of withRowLock), before anything is changed; callers lock the
 * transaction first, as a refund does. One statement.
 */
export async function targetsPaidBy(
  em: EntityManager,
  transaction: { id: string; group: { id: string } },
  lock: 'none' | 'wait' | 'nowait' = 'none',
): Promise<PaymentTargetRef[]> {
  const locking = lock === 'none' ? '' : lock === 'wait' ? ' for update' : ' for update nowait';
  const kinds = Object.values(PaymentTargetKind);
  // The group's own rows only (each table has an index that starts with it).
  const parts = kinds.map(
    (kind, i) => `"k${i}" as (select ?::text as "kind", "id" from "${PAID_LINKS[kind].table}" where "group_id" = ? and "status" = ? and "paid_transaction_id" = ?${locking})`,
  );
  const rows: { kind: PaymentTargetKind; id: string }[] = await em.execute(
    `with ${parts.join(', ')} ${kinds.map((_, i) => `select * from "k${i}"`).join(' union all ')}`,
    kinds.flatMap((kind) => [kind, transaction.group.id, PAID_LINKS[kind].paidStatus, transaction.id]),
  );
  return rows.map((row) => ({ kind: row.kind, id: row.id }));
}
