import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MoneyInput, MoneyType } from '../../graphql/money.type';
import { Role } from '../../shared/roles';
import { BillingCycle, BillingMode, GroupKind, GroupStatus, MembershipTermRule } from './group.entity';

@ObjectType('MembershipFees', { description: 'What each kind of membership term costs' })
export class MembershipFeesType {
  @Field(() => MoneyType, { nullable: true })
  monthly: MoneyType | null;

  @Field(() => MoneyType, { nullable: true })
  annual: MoneyType | null;

  @Field(() => MoneyType, { nullable: true })
  lifetime: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: 'Charged once when joining' })
  applicationFee: MoneyType | null;
}

@ObjectType('BillingSettings')
export class BillingSettingsType {
  @Field(() => BillingMode)
  mode: BillingMode;

  @Field(() => BillingCycle)
  cycle: BillingCycle;

  @Field(() => MoneyType, { nullable: true })
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
}

@InputType({ description: 'Fees per membership term type; leave a type out (null) to not offer it' })
export class MembershipFeesInput {
  @Field(() => MoneyInput, { nullable: true })
  monthly?: MoneyInput | null;

  @Field(() => MoneyInput, { nullable: true })
  annual?: MoneyInput | null;

  @Field(() => MoneyInput, { nullable: true })
  lifetime?: MoneyInput | null;

  @Field(() => MoneyInput, { nullable: true })
  applicationFee?: MoneyInput | null;
}

@ObjectType('PaymentSettings')
export class PaymentSettingsType {
  @Field(() => String, { nullable: true })
  upiId: string | null;

  @Field(() => String, { nullable: true, description: 'Only the last four digits are ever shown, e.g. XXXXXXXX1234' })
  bankAccountMasked: string | null;

  @Field(() => String, { nullable: true })
  bankIfsc: string | null;

  @Field()
  razorpayEnabled: boolean;

  @Field()
  stripeEnabled: boolean;
}

@ObjectType('Group')
export class GroupType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => GroupKind)
  kind: GroupKind;

  @Field(() => String, { nullable: true, description: 'What the group shares, e.g. a streaming plan' })
  service: string | null;

  @Field({ description: 'ISO 4217' })
  currency: string;

  @Field(() => GroupStatus)
  status: GroupStatus;

  @Field()
  memberNumberPrefix: string;

  @Field()
  createdAt: Date;

  // Resolved fields (see GroupResolver): viewerRole, memberCount, unpaidCount,
  // nextBillingDate, billingSettings, paymentSettings.
  viewerRole?: Role | null;
}

@InputType()
export class BillingSettingsInput {
  @Field(() => BillingMode)
  mode: BillingMode;

  @Field(() => BillingCycle)
  cycle: BillingCycle;

  @Field(() => MoneyInput, { nullable: true })
  price?: MoneyInput | null;

  @Field(() => Int, { nullable: true })
  dueDay?: number | null;

  @Field(() => Int, { nullable: true, description: '0–90; default 7' })
  graceDays?: number | null;

  @Field(() => String, { nullable: true, description: 'MM-DD, e.g. "04-01"' })
  annualDueDate?: string | null;

  @Field(() => MembershipTermRule, { nullable: true, description: 'Default ROLLING' })
  termRule?: MembershipTermRule | null;

  @Field(() => Int, { nullable: true, description: '0–180; default 30' })
  renewalWindowDays?: number | null;

  @Field(() => MembershipFeesInput, { nullable: true })
  membershipFees?: MembershipFeesInput | null;
}

@InputType()
export class PaymentSettingsInput {
  @Field(() => String, { nullable: true })
  upiId?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored encrypted; responses show it masked' })
  bankAccountNumber?: string | null;

  @Field(() => String, { nullable: true })
  bankIfsc?: string | null;

  @Field(() => Boolean, { nullable: true })
  razorpayEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  stripeEnabled?: boolean | null;
}

@InputType()
export class CreateGroupInput {
  @Field()
  name: string;

  @Field(() => GroupKind)
  kind: GroupKind;

  @Field(() => String, { nullable: true })
  service?: string | null;

  @Field({ description: 'ISO 4217; cannot be changed later' })
  currency: string;

  @Field({ description: '2–8 capital letters or digits; member numbers look like PREFIX-YYYY-NNNN-SS' })
  memberNumberPrefix: string;

  @Field(() => BillingSettingsInput, { nullable: true })
  billingSettings?: BillingSettingsInput | null;

  @Field(() => MoneyInput, { nullable: true, description: 'Money changes above this wait for a second person\'s approval, whoever makes them; null for no threshold' })
  approvalThreshold?: MoneyInput | null;

  @Field(() => PaymentSettingsInput, { nullable: true })
  paymentSettings?: PaymentSettingsInput | null;
}

@InputType()
export class UpdateGroupInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => GroupKind, { nullable: true })
  kind?: GroupKind;

  @Field(() => String, { nullable: true })
  service?: string | null;

  @Field(() => String, { nullable: true })
  memberNumberPrefix?: string;

  @Field(() => BillingSettingsInput, { nullable: true })
  billingSettings?: BillingSettingsInput | null;

  @Field(() => MoneyInput, { nullable: true, description: 'Money changes above this wait for a second person\'s approval, whoever makes them; null for no threshold' })
  approvalThreshold?: MoneyInput | null;

  @Field(() => PaymentSettingsInput, { nullable: true })
  paymentSettings?: PaymentSettingsInput | null;
}
