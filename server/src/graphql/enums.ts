import { registerEnumType } from 'type-graphql';
import { ActorKind } from '../modules/activity/activity-log.entity';
import { BillingPeriodStatus, DueStatus, MembershipTermStatus, MembershipTermType } from '../modules/dues/dues.entities';
import { BillingCycle, BillingMode, GroupKind, GroupStatus, MembershipTermRule } from '../modules/groups/group.entity';
import { MemberStatus } from '../modules/members/member.entity';
import { Role } from '../shared/roles';

/** Registers every enum the schema exposes, once, before the schema is built. */
registerEnumType(Role, { name: 'Role', description: "A viewer's role within one group" });
registerEnumType(GroupKind, { name: 'GroupKind' });
registerEnumType(GroupStatus, { name: 'GroupStatus', description: 'DEACTIVATED groups are read-only and never deleted' });
registerEnumType(BillingMode, { name: 'BillingMode' });
registerEnumType(BillingCycle, { name: 'BillingCycle' });
registerEnumType(MemberStatus, { name: 'MemberStatus' });
registerEnumType(ActorKind, { name: 'ActorKind', description: 'Who a log entry is attributed to' });
registerEnumType(MembershipTermRule, { name: 'MembershipTermRule', description: 'How membership terms are dated' });
registerEnumType(BillingPeriodStatus, { name: 'BillingPeriodStatus', description: 'CLOSED periods keep their dues but take no new ones' });
registerEnumType(DueStatus, {
  name: 'DueStatus',
  description: 'UNPAID → MEMBER_CONFIRMED → PAID, or UNPAID/OVERDUE → PAID (provider, admin); MEMBER_CONFIRMED → UNPAID (admin rejects); → WAIVED (admin); UNPAID → OVERDUE (follow-up job)',
});
registerEnumType(MembershipTermType, { name: 'MembershipTermType' });
registerEnumType(MembershipTermStatus, { name: 'MembershipTermStatus', description: 'A paid term is ACTIVE until its end (plus the grace days), then EXPIRED' });
