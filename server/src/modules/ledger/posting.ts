import { AccountKind, PaymentMode, PaymentProvider, TransactionCategory, TransactionType } from './ledger.enums';

/** An account a posting touches, by stable code. */
export interface AccountSpec {
  code: string;
  name: string;
  kind: AccountKind;
}

export interface PostingLeg {
  account: AccountSpec;
  /** Positive = debit, negative = credit. */
  amountMinor: bigint;
}

export interface PostingInput {
  type: TransactionType;
  category: TransactionCategory;
  paymentMode: PaymentMode;
  provider: PaymentProvider | null;
  groupAmountMinor: bigint;
}

const titleCase = (code: string): string => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

/** Where the money sits: a provider's clearing account until settled, else cash or bank by payment mode. */
export function moneyAccount(paymentMode: PaymentMode, provider: PaymentProvider | null): AccountSpec {
  if (provider) return { code: `CLEARING_${provider}`, name: `${titleCase(provider)} clearing`, kind: AccountKind.ASSET };
  if (paymentMode === PaymentMode.CASH || paymentMode === PaymentMode.OTHER) return { code: 'CASH', name: 'Cash on hand', kind: AccountKind.ASSET };
  return { code: 'BANK', name: 'Bank', kind: AccountKind.ASSET };
}

export function incomeAccount(category: TransactionCategory): AccountSpec {
  return { code: `INCOME_${category}`, name: `Income: ${titleCase(category)}`, kind: AccountKind.INCOME };
}

export function expenseAccount(category: TransactionCategory): AccountSpec {
  if (category === TransactionCategory.REMITTANCE) return { code: 'REMITTANCES_IN_TRANSIT', name: 'Remittances in transit', kind: AccountKind.ASSET };
  return { code: `EXPENSE_${category}`, name: `Expense: ${titleCase(category)}`, kind: AccountKind.EXPENSE };
}

/**
 * The double-entry legs of a transaction. Money in: debit where the money now
 * is, credit income. Money out: debit the expense, credit where it came from.
 * The legs always sum to zero (and the database checks it again at commit).
 */
export function postingFor(input: PostingInput): PostingLeg[] {
  const money = moneyAccount(input.paymentMode, input.provider);
  const amount = input.groupAmountMinor;
  if (input.type === TransactionType.CASH_IN) {
    return [
      { account: money, amountMinor: amount },
      { account: incomeAccount(input.category), amountMinor: -amount },
    ];
  }
  return [
    { account: expenseAccount(input.category), amountMinor: amount },
    { account: money, amountMinor: -amount },
  ];
}

