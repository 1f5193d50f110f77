import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MoneyInput, MoneyType } from '../../graphql/money.type';
import { Role } from '../../shared/roles';
import { BillingCycle, BillingMode, GroupKind, GroupStatus, MembershipTermRule } from './group.entity';

@ObjectType('MembershipFees', { description: 'What each kind of membership term costs' })
export class MembershipFeesType {
  @Field(() => MoneyType, { nullable: true, description: 'Price of a MONTHLY term; null when not offered' })
  monthly: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: 'Price of an ANNUAL term; null when not offered' })
  annual: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: 'Price of a LIFETIME membership (never expires); null when not offered' })
  lifetime: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: 'Charged once when joining' })
  applicationFee: MoneyType | null;
}

@ObjectType('BillingSettings', { description: "How the group bills its members: what each owes per period, and when" })
export class BillingSettingsType {
  @Field(() => BillingMode, { description: "How each member's due in a billing period is worked out" })
  mode: BillingMode;

  @Field(() => BillingCycle, { description: 'How long a billing period normally lasts' })
  cycle: BillingCycle;

  @Field(() => MoneyType, { nullable: true, description: "In the group's currency. EQUAL_SPLIT: the period's total, split among primary members; CUSTOM_AMOUNTS: what a member without a custom amount owes; MEMBERSHIP_FEE: what each member owes. Null when not set (each period then needs its own total)." })
  price: MoneyType | null;

  @Field(() => Int, { nullable: true, description: 'Day of the month dues fall due (1–28)' })
  dueDay: number | null;

  @Field(() => Int, { description: 'Days after the due date before a due counts as overdue (and a membership lapses)' })
  graceDays: number;

  @Field(() => String, { nullable: true, description: 'MM-DD of the fixed annual date for annual dues and FIXED_ANNUAL membership terms' })
  annualDueDate: string | null;

  @Field(() => MembershipTermRule, { description: 'How membership terms are dated' })
  termRule: MembershipTermRule;

  @Field(() => Int, { description: 'Days before the fixed annual date from which paying renews for the next year' })
  renewalWindowDays: number;

  @Field(() => MembershipFeesType, { description: 'Fee per membership term type; null where a type is not offered' })
  membershipFees: MembershipFeesType;

  @Field(() => String, { nullable: true, description: "IANA time zone the group's days are counted in (due dates, reminders, overdue); null means UTC" })
  timeZone: string | null;
}

@InputType({ description: 'Fees per membership term type; leave a type out (null) to not offer it' })
export class MembershipFeesInput {
  @Field(() => MoneyInput, { nullable: true, description: "Price of a MONTHLY term, in the group's currency, not negative" })
  monthly?: MoneyInput | null;

  @Field(() => MoneyInput, { nullable: true, description: "Price of an ANNUAL term, in the group's currency, not negative" })
  annual?: MoneyInput | null;

  @Field(() => MoneyInput, { nullable: true, description: "Price of a LIFETIME membership, in the group's currency, not negative" })
  lifetime?: MoneyInput | null;

  @Field(() => MoneyInput, { nullable: true, description: "Charged once when joining, in the group's currency, not negative" })
  applicationFee?: MoneyInput | null;
}

@ObjectType('PaymentSettings', { description: 'Where members and sponsors can pay the group; admins only' })
export class PaymentSettingsType {
  @Field(() => String, { nullable: true, description: "The group's UPI id (VPA) like name@bank, used for UPI payment links and QR codes; null when none" })
  upiId: string | null;

  @Field(() => String, { nullable: true, description: 'Only the last four digits are ever shown, e.g. XXXXXXXX1234' })
  bankAccountMasked: string | null;

  @Field(() => String, { nullable: true, description: "IFSC code of the group's bank branch, e.g. HDFC0001234; null when none" })
  bankIfsc: string | null;

  @Field({ description: 'Whether members may pay online through Razorpay' })
  razorpayEnabled: boolean;

  @Field({ description: 'Whether members may pay online through Stripe' })
  stripeEnabled: boolean;
}

// simpleResolvers: see PageInfo in graphql/connection.ts.
@ObjectType('Group', { description: 'A club, society or shared subscription that collects and spends money; every record in Coffer belongs to one', simpleResolvers: true })
export class GroupType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Display name, at most 200 characters' })
  name: string;

  @Field(() => GroupKind, { description: 'What sort of group it is; a SUBSCRIPTION_SHARE books its dues as subscription shares, others as membership fees' })
  kind: GroupKind;

  @Field(() => String, { nullable: true, description: 'What the group shares, e.g. a streaming plan' })
  service: string | null;

  @Field({ description: 'ISO 4217' })
  currency: string;

  @Field(() => GroupStatus, { description: 'ACTIVE, or DEACTIVATED (read-only: every change is CONFLICT GROUP_DEACTIVATED)' })
  status: GroupStatus;

  @Field({ description: 'Start of every member number, e.g. SRC in SRC-2026-0001-00: 2 to 8 capital letters or digits' })
  memberNumberPrefix: string;

  @Field()
  createdAt: Date;

  // Resolved fields (see GroupResolver): viewerRole, memberCount, unpaidCount,
  // nextBillingDate, billingSettings, paymentSettings.
  viewerRole?: Role | null;
}

@InputType({ description: 'The billing settings as a whole: they replace the previous ones' })
export class BillingSettingsInput {
  @Field(() => BillingMode, { description: "How each member's due in a billing period is worked out" })
  mode: BillingMode;

  @Field(() => BillingCycle, { description: 'How long a billing period normally lasts' })
  cycle: BillingCycle;

  @Field(() => MoneyInput, { nullable: true, description: "In the group's currency, not negative: the period total (EQUAL_SPLIT), the default per member (CUSTOM_AMOUNTS) or each member's due (MEMBERSHIP_FEE). Null: each period gives its own total." })
  price?: MoneyInput | null;

  @Field(() => Int, { nullable: true, description: 'Day of the month dues fall due, 1–28; default 1' })
  dueDay?: number | null;

  @Field(() => Int, { nullable: true, description: '0–90; default 7' })
  graceDays?: number | null;

  @Field(() => String, { nullable: true, description: 'MM-DD, e.g. "04-01"' })
  annualDueDate?: string | null;

  @Field(() => MembershipTermRule, { nullable: true, description: 'Default ROLLING' })
  termRule?: MembershipTermRule | null;

  @Field(() => Int, { nullable: true, description: '0–180; default 30' })
  renewalWindowDays?: number | null;

  @Field(() => MembershipFeesInput, { nullable: true, description: 'Fee per membership term type; null offers none' })
  membershipFees?: MembershipFeesInput | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone the group\'s days are counted in, e.g. Asia/Kolkata; default UTC' })
  timeZone?: string | null;
}

@InputType({ description: 'Changes to where the group is paid: omitted fields stay as they are; null clears the UPI id, bank account or IFSC' })
export class PaymentSettingsInput {
  @Field(() => String, { nullable: true, description: 'A UPI id (VPA) like name@bank' })
  upiId?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored encrypted; responses show it masked' })
  bankAccountNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'IFSC code: 4 capital letters, 0, then 6 letters or digits, e.g. HDFC0001234' })
  bankIfsc?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Turn Razorpay payments on or off; null leaves it as it is' })
  razorpayEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Turn Stripe payments on or off; null leaves it as it is' })
  stripeEnabled?: boolean | null;
}

@InputType({ description: 'A new group; the signed-in person creating it becomes its admin (API keys cannot create groups)' })
export class CreateGroupInput {
  @Field({ description: 'Display name, 1 to 200 characters' })
  name: string;

  @Field(() => GroupKind, { description: 'What sort of group it is' })
  kind: GroupKind;

  @Field(() => String, { nullable: true, description: 'What the group shares, e.g. a streaming plan; at most 200 characters' })
  service?: string | null;

  @Field({ description: 'ISO 4217; cannot be changed later' })
  currency: string;

  @Field({ description: '2–8 capital letters or digits; member numbers look like PREFIX-YYYY-NNNN-SS' })
  memberNumberPrefix: string;

  @Field(() => BillingSettingsInput, { nullable: true, description: 'Default: EQUAL_SPLIT, MONTHLY, no price, due on day 1, 7 grace days' })
  billingSettings?: BillingSettingsInput | null;

  @Field(() => MoneyInput, { nullable: true, description: 'Money changes above this wait for a second person\'s approval, whoever makes them; null for no threshold' })
  approvalThreshold?: MoneyInput | null;

  @Field(() => PaymentSettingsInput, { nullable: true, description: 'Default: no UPI id or bank details, Razorpay and Stripe off' })
  paymentSettings?: PaymentSettingsInput | null;
}

@InputType({ description: 'Changes to a group (admins only): omitted fields stay as they are' })
export class UpdateGroupInput {
  @Field(() => String, { nullable: true, description: 'Display name, 1 to 200 characters' })
  name?: string;

  @Field(() => GroupKind, { nullable: true, description: 'What sort of group it is' })
  kind?: GroupKind;

  @Field(() => String, { nullable: true, description: 'What the group shares, at most 200 characters; null or empty clears it' })
  service?: string | null;

  @Field(() => String, { nullable: true, description: '2–8 capital letters or digits, starting with a letter; applies to members added from now on' })
  memberNumberPrefix?: string;

  @Field(() => BillingSettingsInput, { nullable: true, description: 'Replaces the billing settings as a whole; periods already open keep their dues' })
  billingSettings?: BillingSettingsInput | null;

  @Field(() => MoneyInput, { nullable: true, description: 'Money changes above this wait for a second person\'s approval, whoever makes them; null for no threshold' })
  approvalThreshold?: MoneyInput | null;

  @Field(() => PaymentSettingsInput, { nullable: true, description: 'Changes to the payment settings; fields left out keep their value' })
  paymentSettings?: PaymentSettingsInput | null;
}
