// The group settings page's reading of its forms: what the admin typed, turned into the input
// updateGroup takes, with the console's few own checks (an amount the currency can hold, a whole
// number where the API wants an Int). Every other rule is the API's: it answers per field.
//
// updateGroup's billingSettings replaces the settings as a whole: a field left out goes back to
// its default. So the billing input starts from every field the API holds now
// (billingInputOf, typed as the complete input so a field added to the schema cannot be
// forgotten here) and the form's fields are laid over it.
import type { BillingCycle, BillingMode, BillingSettingsInput, MembershipFeesInput, MembershipTermRule, MoneyInput } from '../gql/graphql';
import { currencyDigits, decimalToMinor, exampleAmount } from './format';

export interface MoneyValue {
  amount: string;
  currency: string;
}

/** The billing settings as the API answers them (GroupSettingsFields). */
export interface BillingSettingsValue {
  mode: BillingMode;
  cycle: BillingCycle;
  price: MoneyValue | null;
  dueDay: number | null;
  graceDays: number;
  annualDueDate: string | null;
  termRule: MembershipTermRule;
  renewalWindowDays: number;
  timeZone: string | null;
  membershipFees: Record<FeeKind, MoneyValue | null>;
}

export const FEE_KINDS = ['monthly', 'annual', 'lifetime', 'applicationFee'] as const;
export type FeeKind = (typeof FEE_KINDS)[number];

type CompleteBillingInput = Required<Omit<BillingSettingsInput, 'membershipFees'>> & { membershipFees: Required<MembershipFeesInput> };

export interface Option<T extends string> {
  value: T;
  label: string;
}

export const BILLING_MODE_OPTIONS: ReadonlyArray<Option<BillingMode>> = [
  { value: 'EQUAL_SPLIT', label: 'Equal split' },
  { value: 'CUSTOM_AMOUNTS', label: 'Custom amounts' },
  { value: 'VARIABLE_TOTAL', label: 'Variable total' },
  { value: 'MEMBERSHIP_FEE', label: 'Membership fee' },
];

export const BILLING_CYCLE_OPTIONS: ReadonlyArray<Option<BillingCycle>> = [
  { value: 'MONTHLY', label: 'Monthly' },
  { value: 'QUARTERLY', label: 'Quarterly' },
  { value: 'ANNUAL', label: 'Annual' },
];

export const TERM_RULE_OPTIONS: ReadonlyArray<Option<MembershipTermRule>> = [
  { value: 'ROLLING', label: 'Rolling' },
  { value: 'FIXED_ANNUAL', label: 'Fixed annual date' },
];

export const FEE_LABELS: Record<FeeKind, string> = {
  monthly: 'Monthly term',
  annual: 'Annual term',
  lifetime: 'Lifetime membership',
  applicationFee: 'Application fee',
};

/** How each mode works out a member's due (the schema's description of BillingMode). */
export const MODE_MEANING: Record<BillingMode, string> = {
  EQUAL_SPLIT: 'The price is split equally among primary members.',
  CUSTOM_AMOUNTS: 'Each member owes their custom amount, or the price without one.',
  VARIABLE_TOTAL: 'Each period states its own total, split equally.',
  MEMBERSHIP_FEE: 'Each primary member owes the price.',
};

export const TERM_RULE_MEANING: Record<MembershipTermRule, string> = {
  ROLLING: 'A term runs from the payment date for its length.',
  FIXED_ANNUAL: 'Annual terms all end on the fixed annual date.',
};

/** What the price means in each mode (the schema's description of BillingSettings.price). */
export const PRICE_MEANING: Record<BillingMode, string> = {
  EQUAL_SPLIT: 'The period’s total, split equally among primary members.',
  CUSTOM_AMOUNTS: 'What a member without a custom amount owes each period.',
  MEMBERSHIP_FEE: 'What each primary member owes each period.',
  VARIABLE_TOTAL: 'Not used: each period states its own total.',
};

/** Only amount and currency: the cache's objects also carry __typename, which no input takes. */
function moneyInput(value: MoneyValue | null): MoneyInput | null {
  return value ? { amount: value.amount, currency: value.currency } : null;
}

/** The input that would keep every billing setting exactly as the API holds it now. */
export function billingInputOf(current: BillingSettingsValue): CompleteBillingInput {
  return {
    mode: current.mode,
    cycle: current.cycle,
    price: moneyInput(current.price),
    dueDay: current.dueDay,
    graceDays: current.graceDays,
    annualDueDate: current.annualDueDate,
    termRule: current.termRule,
    renewalWindowDays: current.renewalWindowDays,
    timeZone: current.timeZone,
    membershipFees: {
      monthly: moneyInput(current.membershipFees.monthly),
      annual: moneyInput(current.membershipFees.annual),
      lifetime: moneyInput(current.membershipFees.lifetime),
      applicationFee: moneyInput(current.membershipFees.applicationFee),
    },
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** What an amount in this currency may look like, for hints and the console's own check. */
export function amountRule(currency: string): string {
  return currencyDigits(currency) === 0
    ? `Enter a whole amount: ${currency} has no decimals (e.g. ${exampleAmount('500', currency)}).`
    : `Enter an amount with at most ${currencyDigits(currency)} decimals, e.g. ${exampleAmount('499', currency, '5')}.`;
}

/** An amount as typed: empty is none (null); thousands separators are dropped; more decimals than the currency has are refused. */
export function parseMoneyField(raw: string, currency: string): Parsed<MoneyInput | null> {
  const amount = raw.trim().replace(/[,\s]/g, '');
  if (!amount) return { ok: true, value: null };
  if (decimalToMinor(amount, currency) === null) return { ok: false, error: amountRule(currency) };
  return { ok: true, value: { amount, currency } };
}

/** A whole number as typed (days, a day of the month): empty is none (null). Its range is the API's to check. */
export function parseWholeNumber(raw: string): Parsed<number | null> {
  const text = raw.trim();
  if (!text) return { ok: true, value: null };
  // Nine digits at most: GraphQL's Int is 32-bit, and no setting is anywhere near that.
  if (!/^\d{1,9}$/.test(text)) return { ok: false, error: 'Enter a whole number.' };
  return { ok: true, value: Number(text) };
}

function optionOf<T extends string>(options: ReadonlyArray<Option<T>>, value: string, fallback: T): T {
  return options.find((option) => option.value === value)?.value ?? fallback;
}

/** Form field names: the API's error paths, so its field errors land on them. */
export const BILLING_FIELDS = {
  mode: 'billingSettings.mode',
  cycle: 'billingSettings.cycle',
  price: 'billingSettings.price',
  dueDay: 'billingSettings.dueDay',
  graceDays: 'billingSettings.graceDays',
  annualDueDate: 'billingSettings.annualDueDate',
  termRule: 'billingSettings.termRule',
  renewalWindowDays: 'billingSettings.renewalWindowDays',
  timeZone: 'billingSettings.timeZone',
  fee: (kind: FeeKind) => `billingSettings.membershipFees.${kind}`,
} as const;

/** Every billing field name, for telling which of the API's messages the form shows by a field. */
export const BILLING_FIELD_NAMES: readonly string[] = [
  BILLING_FIELDS.mode,
  BILLING_FIELDS.cycle,
  BILLING_FIELDS.price,
  BILLING_FIELDS.dueDay,
  BILLING_FIELDS.graceDays,
  BILLING_FIELDS.annualDueDate,
  BILLING_FIELDS.termRule,
  BILLING_FIELDS.renewalWindowDays,
  BILLING_FIELDS.timeZone,
  ...FEE_KINDS.map(BILLING_FIELDS.fee),
];

/**
 * The billing form read over the current settings: the whole input (never a field dropped)
 * and the console's own errors by field name (empty when it may be sent).
 */
export function readBillingForm(
  read: (name: string) => string,
  current: BillingSettingsValue,
  currency: string,
): { input: BillingSettingsInput; errors: Record<string, string> } {
  const input = billingInputOf(current);
  const errors: Record<string, string> = {};
  const money = (name: string): MoneyInput | null => {
    const parsed = parseMoneyField(read(name), currency);
    if (parsed.ok) return parsed.value;
    errors[name] = parsed.error;
    return null;
  };
  const whole = (name: string): number | null => {
    const parsed = parseWholeNumber(read(name));
    if (parsed.ok) return parsed.value;
    errors[name] = parsed.error;
    return null;
  };

  input.mode = optionOf(BILLING_MODE_OPTIONS, read(BILLING_FIELDS.mode), current.mode);
  input.cycle = optionOf(BILLING_CYCLE_OPTIONS, read(BILLING_FIELDS.cycle), current.cycle);
  input.termRule = optionOf(TERM_RULE_OPTIONS, read(BILLING_FIELDS.termRule), current.termRule);
  input.price = money(BILLING_FIELDS.price);
  input.dueDay = whole(BILLING_FIELDS.dueDay);
  input.graceDays = whole(BILLING_FIELDS.graceDays);
  input.renewalWindowDays = whole(BILLING_FIELDS.renewalWindowDays);
  input.annualDueDate = read(BILLING_FIELDS.annualDueDate).trim() || null;
  input.timeZone = read(BILLING_FIELDS.timeZone).trim() || null;
  for (const kind of FEE_KINDS) input.membershipFees[kind] = money(BILLING_FIELDS.fee(kind));
  return { input, errors };
}

/** A field's message among the API's errors: on the field itself or on a part of it (an amount's `.amount` or `.currency`). */
export function errorFor(errors: Record<string, string>, name: string): string | undefined {
  return errors[name] ?? errors[`${name}.amount`] ?? errors[`${name}.currency`];
}

/** Messages no field of the form shows (so the form says them at the top instead); null when every one has its field. */
export function unplacedMessages(errors: Record<string, string>, names: readonly string[]): string | null {
  const shown = new Set(names.map((name) => errorFor(errors, name)));
  const rest = [...new Set(Object.values(errors))].filter((message) => !shown.has(message));
  return rest.length > 0 ? rest.join(' ') : null;
}
