import { registerEnumType } from 'type-graphql';
import { ActorKind } from '../modules/activity/activity-log.entity';
import { BillingPeriodStatus, DueStatus, MembershipTermStatus, MembershipTermType } from '../modules/dues/dues.entities';
import { BillingCycle, BillingMode, GroupKind, GroupStatus, MembershipTermRule } from '../modules/groups/group.entity';
import { MemberStatus } from '../modules/members/member.entity';
import { Role } from '../shared/roles';

/** Registers every enum the schema exposes, once, before the schema is built. */
registerEnumType(Role, { name: 'Role', description: "A viewer's role within one group" });
registerEnumType(GroupKind, {
  name: 'GroupKind',
  description: 'What sort of group it is: a club, a shared subscription (members split a plan), a housing society or anything else',
});
registerEnumType(GroupStatus, { name: 'GroupStatus', description: 'DEACTIVATED groups are read-only and never deleted' });
registerEnumType(BillingMode, {
  name: 'BillingMode',
  description: "How members' dues are worked out; only primary members are billed (sub-members are covered by theirs)",
  valuesConfig: {
    EQUAL_SPLIT: { description: "The group's price is split equally; the indivisible remainder goes to one member" },
    CUSTOM_AMOUNTS: { description: "Each member owes their custom amount, or the group's price without one" },
    VARIABLE_TOTAL: { description: 'Each period states its own total, split equally' },
    MEMBERSHIP_FEE: { description: "Each member owes the group's price" },
  },
});
registerEnumType(BillingCycle, { name: 'BillingCycle', description: 'How long one billing period lasts' });
registerEnumType(MemberStatus, { name: 'MemberStatus', description: 'REMOVED members are kept for history (dues, transactions) but lose access to the group and can no longer be changed' });
registerEnumType(ActorKind, { name: 'ActorKind', description: 'Who a log entry is attributed to' });
registerEnumType(MembershipTermRule, { name: 'MembershipTermRule', description: 'How membership terms are dated' });
registerEnumType(BillingPeriodStatus, { name: 'BillingPeriodStatus', description: 'CLOSED periods keep their dues but take no new ones' });
registerEnumType(DueStatus, {
  name: 'DueStatus',
  description: 'UNPAID → MEMBER_CONFIRMED → PAID, or UNPAID/OVERDUE → PAID (provider, admin); MEMBER_CONFIRMED → UNPAID (admin rejects); → WAIVED (admin); UNPAID → OVERDUE (follow-up job)',
});
registerEnumType(MembershipTermType, {
  name: 'MembershipTermType',
  description: 'What a membership term buys: a month, a year, membership for life, or the one-off application fee (which covers only its day)',
});
registerEnumType(MembershipTermStatus, { name: 'MembershipTermStatus', description: 'A paid term is ACTIVE until its end (plus the grace days), then EXPIRED' });
