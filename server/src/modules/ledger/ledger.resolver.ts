import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import type { CofferEvent } from '../../shared/event-bus';
import { assertGroupRole, STAFF_ROLES } from '../auth/authorization';
import type { MemberView } from '../members/member.entity';
import { MemberType } from '../members/member.types';
import { LedgerTransaction } from './ledger.entities';
import { ApprovalStatus, TransactionCategory, TransactionType } from './ledger.enums';
import * as ledger from './ledger.service';
import {
  GroupBalanceType,
  RecordTransactionInput,
  RecordTransactionPayload,
  TransactionChangedEvent,
  TransactionChangePayload,
  TransactionConnection,
  TransactionTotalsType,
  TransactionType_,
  UpdateTransactionInput,
} from './ledger.types';

const changePayload = (outcome: ledger.TransactionChangeOutcome) => ({ ...outcome, pendingApproval: outcome.approval !== null });

interface GroupArgs {
  groupId: string;
}

@Resolver(() => TransactionType_)
export class TransactionResolver {
  @Mutation(() => RecordTransactionPayload, { description: "Admins' transactions post at once; operators' (and any over the group's threshold) wait for approval" })
  async recordTransaction(@Ctx() ctx: GraphQLContext, @Arg('input', () => RecordTransactionInput) input: RecordTransactionInput): Promise<ledger.RecordOutcome> {
    return ledger.recordTransaction(ctx, input);
  }

  @Mutation(() => TransactionChangePayload, {
    description:
      'A pending transaction is edited; an approved one is reversed (dated as the original) and recorded again corrected. Operators and changes over the threshold wait for approval. ' +
      'CONFLICT with reason PAYS_TARGET for one that paid a due or membership term (delete it to reopen that, then pay again), MANAGED_BY_PROVIDER for a Razorpay or Stripe payment (refunds come from the provider), MANAGED_BY_REMITTANCE for a remittance\'s.',
  })
  async updateTransaction(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateTransactionInput) input: UpdateTransactionInput) {
    return changePayload(await ledger.updateTransaction(ctx, id, input));
  }

  @Mutation(() => TransactionChangePayload, {
    description:
      'An approved transaction is reversed (history kept; the reversal dated as the original) and what it paid reopens in the same database transaction (a due UNPAID, or OVERDUE past its date and grace; a membership term CANCELLED); a pending one is rejected. ' +
      'Operators and amounts over the threshold wait for approval. CONFLICT MANAGED_BY_PROVIDER for a Razorpay or Stripe payment, MANAGED_BY_REMITTANCE for a remittance\'s.',
  })
  async deleteTransaction(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return changePayload(await ledger.deleteTransaction(ctx, id));
  }

  @Query(() => TransactionType_, { description: 'One transaction; members only their own (else NOT_FOUND)' })
  async transaction(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<LedgerTransaction> {
    return ledger.getTransaction(ctx, id);
  }

  @Query(() => TransactionConnection, { description: 'Newest first; members see only their own' })
  async transactions(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('type', () => TransactionType, { nullable: true, description: 'Only money in, or only money out' }) type: TransactionType | null,
    @Arg('category', () => TransactionCategory, { nullable: true, description: 'Only this category' }) category: TransactionCategory | null,
    @Arg('approvalStatus', () => ApprovalStatus, { nullable: true, description: 'Only PENDING, APPROVED or REJECTED transactions' }) approvalStatus: ApprovalStatus | null,
    @Arg('memberId', () => ID, { nullable: true }) memberId: string | null,
    @Arg('from', () => Date, { nullable: true, description: 'occurredAt ≥ from' }) from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'occurredAt < to' }) to: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await ledger.listTransactions(ctx, { groupId, type, category, approvalStatus, memberId, from, to, first, after });
    return {
      ...toConnection(page),
      loadTotals: async () => {
        const totals = await page.totals();
        return {
          cashIn: MoneyType.from({ amountMinor: totals.cashInMinor, currency: totals.currency }),
          cashOut: MoneyType.from({ amountMinor: totals.cashOutMinor, currency: totals.currency }),
          net: MoneyType.from({ amountMinor: totals.cashInMinor - totals.cashOutMinor, currency: totals.currency }),
        };
      },
    };
  }

  @Query(() => GroupBalanceType, { description: 'Balances by account, derived from ledger entries (admins and operators)' })
  async groupBalance(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID) groupId: string): Promise<GroupBalanceType> {
    const balance = await ledger.groupBalance(ctx, groupId);
    return {
      cashPosition: MoneyType.from({ amountMinor: balance.cashPositionMinor, currency: balance.currency }),
      accounts: balance.accounts.map((account) => ({
        code: account.code,
        name: account.name,
        kind: account.kind,
        balance: MoneyType.from({ amountMinor: account.balanceMinor, currency: balance.currency }),
      })),
    };
  }

  @Subscription(() => TransactionChangedEvent, {
    description: 'Transactions recorded, approved, rejected, reversed or updated in a group (admins and operators)',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, GroupArgs, GraphQLContext>) => {
      await assertGroupRole(context, args.groupId, STAFF_ROLES);
      return context.events.subscribe(ledger.TRANSACTION_CHANGED_TOPIC, args.groupId);
    },
  })
  async transactionEvents(
    @Root() event: CofferEvent,
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
  ): Promise<{ groupId: string; action: string; transaction: LedgerTransaction }> {
    // Checked again for every event: someone demoted mid-subscription stops seeing money.
    ctx.em.clear();
    ctx.loaders.viewerRoleByGroup.clearAll();
    await assertGroupRole(ctx, groupId, STAFF_ROLES);
    const transaction = await ctx.em.findOneOrFail(LedgerTransaction, { id: event.data.transactionId });
    return { groupId: event.key, action: event.data.action, transaction };
  }

  @FieldResolver(() => MoneyType, { description: 'As received or paid' })
  amount(@Root() txn: ledger.TransactionView): MoneyType {
    return MoneyType.from({ amountMinor: txn.amountMinor, currency: txn.currency });
  }

  @FieldResolver(() => MoneyType, { description: "What the books record, in the group's currency" })
  async groupAmount(@Root() txn: ledger.TransactionView, @Ctx() ctx: GraphQLContext): Promise<MoneyType> {
    const group = await ctx.loaders.groupById.load(txn.group.id);
    return MoneyType.from({ amountMinor: txn.groupAmountMinor, currency: group!.currency });
  }

  @FieldResolver(() => MemberType, { nullable: true, description: 'The member who paid or was paid; null when none is named' })
  member(@Root() txn: ledger.TransactionView, @Ctx() ctx: GraphQLContext): MemberView | null | Promise<MemberView | null> {
    if (!txn.member) return null;
    // The list primes each row's member: answered without a promise (one fewer per row for graphql-js).
    return ctx.loaders.memberViewById.known(txn.member.id) ?? ctx.loaders.memberViewById.load(txn.member.id);
  }

  @FieldResolver(() => TransactionType_, { nullable: true, description: 'On a reversal: the transaction it cancels' })
  async reverses(@Root() txn: ledger.TransactionView, @Ctx() ctx: GraphQLContext): Promise<LedgerTransaction | null> {
    return txn.reverses ? ctx.loaders.transactionById.load(txn.reverses.id) : null;
  }

  @FieldResolver(() => TransactionType_, { nullable: true, description: 'On a reversed transaction: the reversal' })
  async reversedBy(@Root() txn: ledger.TransactionView, @Ctx() ctx: GraphQLContext): Promise<LedgerTransaction | null> {
    return txn.reversedBy ? ctx.loaders.transactionById.load(txn.reversedBy.id) : null;
  }

  @FieldResolver(() => Boolean, { description: "Whether the console should offer correct and delete: false for a rejected or reversed transaction, a reversal, a remittance's and a provider's payment" })
  async viewerCanChange(@Root() txn: ledger.TransactionView, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ledger.viewerCanChangeTransaction(ctx, txn);
  }
}

@Resolver(() => TransactionConnection)
export class TransactionConnectionResolver {
  @FieldResolver(() => TransactionTotalsType, { description: 'Totals of the whole filter, not just this page. Computed only when selected: the sums read every matching row.' })
  async totals(@Root() connection: TransactionConnection): Promise<TransactionTotalsType> {
    return connection.loadTotals();
  }
}
