// What opening a billing period will bill, worked out in the console before the admin presses
// "Open period", the same way the API does it (server/src/modules/dues/due.service.ts,
// openBillingPeriod): only active primary members are billed; the split modes divide the total
// into floor(total / n) each with the remainder on the primary member with the lowest member
// number; the per-member modes bill the group's price (or a member's own amount) whatever total
// is given; a due of zero is not created. Amounts are bigint minor units, never floats.
import { decimalToMinor, minorToDecimal } from './format';

export type BillingModeName = 'CUSTOM_AMOUNTS' | 'EQUAL_SPLIT' | 'MEMBERSHIP_FEE' | 'VARIABLE_TOTAL';

/** The period's total is split among the members: the console asks for it. */
export function splitsTotal(mode: BillingModeName): boolean {
  return mode === 'EQUAL_SPLIT' || mode === 'VARIABLE_TOTAL';
}

export interface BillableMember {
  id: string;
  name: string;
  memberNumber: string;
  /** Null for a primary member (only they are billed). */
  primaryMember: { id: string } | null;
  customAmount: { amount: string } | null;
}

export interface PreviewInput {
  mode: BillingModeName;
  /** The group's price (billing settings), a decimal string in `currency`; null when not set. */
  price: string | null;
  currency: string;
  /** Active members of the group, sub-members included (they are left out here). */
  members: readonly BillableMember[];
  /** What the admin typed as the period's total (split modes only); empty for none. */
  total: string;
}

export interface BilledDue {
  member: BillableMember;
  amount: string;
}

export type PeriodPreview =
  | {
      ok: true;
      /** The dues the API will create (members owing more than zero). */
      dues: BilledDue[];
      /** What they add up to, a decimal string in the group's currency. */
      total: string;
      /** Primary members billed nothing (a zero share or amount): no due is created for them. */
      unbilled: number;
      /** Split modes: the total that is split. */
      splitTotal?: string;
      /** Split modes: each member's share and who carries the remainder (if any). */
      share?: string;
      remainder?: BilledDue;
      /** Custom amounts: how many members owe their own amount rather than the group's price. */
      ownAmounts?: number;
    }
  | {
      ok: false;
      /** NO_TOTAL: a split mode without a total to split; NO_PRICE: a per-member mode without a price (custom amounts: and members without their own); BAD_TOTAL: not an amount. */
      reason: 'NO_TOTAL' | 'NO_PRICE' | 'BAD_TOTAL';
    };

function toDecimal(minor: bigint, currency: string): string {
  return minorToDecimal(minor.toString(), currency) ?? minor.toString();
}

export function previewPeriod(input: PreviewInput): PeriodPreview {
  const { mode, currency } = input;
  const primaries = input.members.filter((member) => member.primaryMember === null);
  const priceMinor = input.price === null ? null : decimalToMinor(input.price, currency);
  let amounts: { member: BillableMember; minor: bigint }[];
  let extra: Partial<Extract<PeriodPreview, { ok: true }>> = {};

  if (splitsTotal(mode)) {
    const typed = input.total.replace(/,/g, '').trim();
    let totalMinor: bigint | null;
    if (typed) {
      totalMinor = decimalToMinor(typed, currency);
      if (totalMinor === null || totalMinor <= 0n) return { ok: false, reason: 'BAD_TOTAL' };
    } else {
      // VARIABLE_TOTAL always needs one; EQUAL_SPLIT falls back to the group's price.
      totalMinor = mode === 'EQUAL_SPLIT' ? priceMinor : null;
      if (totalMinor === null) return { ok: false, reason: 'NO_TOTAL' };
    }
    const n = BigInt(primaries.length);
    const base = n === 0n ? 0n : totalMinor / n;
    const rest = n === 0n ? 0n : totalMinor % n;
    const carrier = [...primaries].sort((a, b) => (a.memberNumber < b.memberNumber ? -1 : a.memberNumber > b.memberNumber ? 1 : 0))[0];
    amounts = primaries.map((member) => ({ member, minor: base + (member === carrier ? rest : 0n) }));
    extra = {
      splitTotal: toDecimal(totalMinor, currency),
      share: toDecimal(base, currency),
      remainder: rest > 0n && carrier ? { member: carrier, amount: toDecimal(base + rest, currency) } : undefined,
    };
  } else if (mode === 'CUSTOM_AMOUNTS') {
    let own = 0;
    const customs = primaries.map((member) => {
      const custom = member.customAmount ? decimalToMinor(member.customAmount.amount, currency) : null;
      if (custom !== null) own += 1;
      return { member, custom };
    });
    // Without a price, a member without their own amount would owe nothing: the API refuses (NO_PRICE).
    if (priceMinor === null && own < primaries.length) return { ok: false, reason: 'NO_PRICE' };
    amounts = customs.map(({ member, custom }) => ({ member, minor: custom ?? priceMinor ?? 0n }));
    extra = { ownAmounts: own };
  } else {
    // MEMBERSHIP_FEE: each member owes the price; without one (or at zero) nobody would owe anything.
    if (priceMinor === null || priceMinor <= 0n) return { ok: false, reason: 'NO_PRICE' };
    amounts = primaries.map((member) => ({ member, minor: priceMinor }));
  }

  const billed = amounts.filter((entry) => entry.minor > 0n);
  const total = billed.reduce((sum, entry) => sum + entry.minor, 0n);
  return {
    ok: true,
    dues: billed.map((entry) => ({ member: entry.member, amount: toDecimal(entry.minor, currency) })),
    total: toDecimal(total, currency),
    unbilled: amounts.length - billed.length,
    ...extra,
  };
}

/** The sum of some amounts in one currency (decimal strings), by bigint arithmetic; null if one is not an amount. */
export function sumAmounts(amounts: readonly string[], currency: string): string | null {
  let total = 0n;
  for (const amount of amounts) {
    const minor = decimalToMinor(amount, currency);
    if (minor === null) return null;
    total += minor;
  }
  return toDecimal(total, currency);
}
