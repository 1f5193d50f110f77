import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode } from '../../shared/domain-error';
import { formatAmount } from '../../shared/money';
import type { ServiceContext } from '../../shared/service-context';
import { actorOf } from '../activity/activity.service';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { AccountKind, ApprovalSource, ApprovalStatus, PaymentMode, TransactionCategory, TransactionType } from '../ledger/ledger.enums';
import { postPosting, reverseTransaction } from '../ledger/ledger.service';
import { AccountSpec, expenseAccount, PostingLeg } from '../ledger/posting';
import type { Remittance } from './remittance.entities';

/*
 * A remittance's money in the ledger, all in the group's currency:
 *   approved:  debit in transit (send) + debit fees (fee), credit the money accounts (total)
 *   completed: debit remittances sent, credit in transit (send) — appended to the same transaction
 *   failed / cancelled after approval: a reversal negating the reservation leg for leg
 * The CASH_OUT people see is the reservation; completion moves money between
 * the group's own accounts and so is not a second cash-out.
 */
export const IN_TRANSIT: AccountSpec = expenseAccount(TransactionCategory.REMITTANCE);
export const FEES: AccountSpec = { code: 'FEES', name: 'Fees', kind: AccountKind.EXPENSE };
export const SENT: AccountSpec = { code: 'REMITTANCES_SENT', name: 'Remittances sent', kind: AccountKind.EXPENSE };

/** Where funds are drawn from first: the bank, then cash, then provider clearing accounts. */
const DRAW_ORDER = ['BANK', 'CASH'];

interface MoneyAccountBalance {
  spec: AccountSpec;
  balanceMinor: bigint;
}

/** The group's money accounts (assets other than in-transit), with balances from entries. */
async function moneyBalances(em: EntityManager, groupId: string): Promise<MoneyAccountBalance[]> {
  const rows: { code: string; name: string; balance: string }[] = await em.execute(
    `select a."code", a."name", coalesce(sum(e."amount_minor"), 0)::text as balance
       from "ledger_accounts" a left join "ledger_entries" e on e."account_id" = a."id"
      where a."group_id" = ? and a."kind" = 'ASSET' and a."code" <> ?
      group by a."id"`,
    [groupId, IN_TRANSIT.code],
  );
  const rank = (code: string): number => (DRAW_ORDER.includes(code) ? DRAW_ORDER.indexOf(code) : DRAW_ORDER.length);
  return rows
    .map((row) => ({ spec: { code: row.code, name: row.name, kind: AccountKind.ASSET }, balanceMinor: BigInt(row.balance) }))
    .sort((a, b) => rank(a.spec.code) - rank(b.spec.code) || a.spec.code.localeCompare(b.spec.code));
}

/**
 * Cash the group can send: its money accounts, whose balances already exclude
 * what approved remittances reserved (moved to in transit). Remittances still
 * waiting for approval reserve nothing, so two may be created against the
 * same money; the approval decides (under lockGroupFunds).
 */
export async function availableBalance(em: EntityManager, groupId: string): Promise<bigint> {
  return (await moneyBalances(em, groupId)).reduce((sum, account) => sum + account.balanceMinor, 0n);
}

/** Serialises funds checks of one group until the transaction ends, without locking the group row (FK checks share it). */
export async function lockGroupFunds(em: EntityManager, groupId: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`coffer:remittance-funds:${groupId}`]);
}

export function insufficientFunds(availableMinor: bigint, neededMinor: bigint, currency: string): DomainError {
  const shortfall = neededMinor - availableMinor;
  return new DomainError(
    ErrorCode.CONFLICT,
    `Not enough funds: ${formatAmount(availableMinor, currency)} ${currency} available, ${formatAmount(neededMinor, currency)} ${currency} needed (short by ${formatAmount(shortfall, currency)})`,
    {
      reason: 'INSUFFICIENT_FUNDS',
      extra: {
        shortfall: { amount: formatAmount(shortfall, currency), amountMinor: shortfall.toString(), currency },
        available: { amount: formatAmount(availableMinor, currency), amountMinor: availableMinor.toString(), currency },
      },
    },
  );
}

/** Checks and reserves under the group's funds lock; throws INSUFFICIENT_FUNDS and posts nothing when short. */
export async function reserveFunds(ctx: ServiceContext, em: EntityManager, remittance: Remittance, description: string): Promise<LedgerTransaction> {
  await lockGroupFunds(em, remittance.group.id);
  const accounts = await moneyBalances(em, remittance.group.id);
  const available = accounts.reduce((sum, account) => sum + account.balanceMinor, 0n);
  if (available < remittance.totalMinor) throw insufficientFunds(available, remittance.totalMinor, remittance.sendCurrency);
  const legs: PostingLeg[] = [{ account: IN_TRANSIT, amountMinor: remittance.sendMinor }];
  if (remittance.feeMinor > 0n) legs.push({ account: FEES, amountMinor: remittance.feeMinor });
  let remaining = remittance.totalMinor;
  for (const account of accounts) {
    if (remaining === 0n) break;
    const take = account.balanceMinor < remaining ? account.balanceMinor : remaining;
    if (take <= 0n) continue;
    legs.push({ account: account.spec, amountMinor: -take });
    remaining -= take;
  }
  const actor = actorOf(ctx.viewer);
  const now = new Date();
  const txn = em.create(LedgerTransaction, {
    group: remittance.group,
    type: TransactionType.CASH_OUT,
    category: TransactionCategory.REMITTANCE,
    amountMinor: remittance.totalMinor,
    currency: remittance.sendCurrency,
    groupAmountMinor: remittance.totalMinor,
    paymentMode: PaymentMode.BANK_TRANSFER,
    description,
    approvalStatus: ApprovalStatus.APPROVED,
    approvalSource: ApprovalSource.REMITTANCE,
    occurredAt: now,
    createdByKind: actor.kind,
    createdById: actor.id,
    decidedAt: now,
  });
  em.persist(txn);
  await postPosting(em, txn, legs);
  return txn;
}

/** In transit → sent, on the reservation's own transaction (see the note at the top). */
export async function settleFunds(em: EntityManager, remittance: Remittance): Promise<void> {
  const txn = await em.findOneOrFail(LedgerTransaction, { id: remittance.ledgerTransactionId! });
  await postPosting(em, txn, [
    { account: SENT, amountMinor: remittance.sendMinor },
    { account: IN_TRANSIT, amountMinor: -remittance.sendMinor },
  ]);
}

/** The reservation reversed leg for leg: cash and fee come back. */
export async function releaseFunds(ctx: ServiceContext, em: EntityManager, remittance: Remittance, reason: string): Promise<LedgerTransaction> {
  const txn = await em.findOneOrFail(LedgerTransaction, { id: remittance.ledgerTransactionId! });
  return reverseTransaction(ctx, em, txn, reason);
}
