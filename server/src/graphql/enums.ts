import { registerEnumType } from 'type-graphql';
import { ActorKind } from '../modules/activity/activity-log.entity';
import { BillingCycle, BillingMode, GroupKind, GroupStatus } from '../modules/groups/group.entity';
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
