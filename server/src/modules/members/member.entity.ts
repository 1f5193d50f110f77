import { BigIntType, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { Role } from '../../shared/roles';
import { User } from '../auth/user.entity';
import { Group } from '../groups/group.entity';

export enum MemberStatus {
  ACTIVE = 'ACTIVE',
  REMOVED = 'REMOVED',
}

/**
 * A member as a read-only list shows it: plain values, references by id only.
 * A loaded `Member` has the same shape, so the Member field resolvers take either.
 */
export interface MemberView {
  id: string;
  group: { id: string };
  user: { id: string } | null;
  name: string;
  email: string | null;
  phone: string | null;
  nickname: string | null;
  role: Role;
  customAmountMinor: bigint | null;
  memberNumber: string;
  primaryMember: { id: string } | null;
  status: MemberStatus;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A person's membership of a group. Sub-members (a family's children, a
 * partner) hang off a primary and share its number with SS = 01..03.
 * Uniqueness rules live in the migration as partial indexes (active rows only).
 */
@Entity({ tableName: 'members' })
@Index({ properties: ['group', 'status'] })
export class Member extends BaseEntity<
  'status' | 'nickname' | 'phone' | 'customAmountMinor' | 'primaryMember' | 'subIndex' | 'removedAt' | 'version' | 'user' | 'email'
> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  /** The sign-in identity; sub-members without an e-mail have none. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'restrict' })
  user: User | null = null;

  @Property({ type: 'string', length: 200 })
  name: string;

  /** Lower-cased. */
  @Property({ type: 'string', length: 320, nullable: true })
  email: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  phone: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  nickname: string | null = null;

  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role;

  /** Overrides the equal share in CUSTOM_AMOUNTS billing; in the group's currency. */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  customAmountMinor: bigint | null = null;

  @Property({ type: 'string', length: 40 })
  memberNumber: string;

  @ManyToOne(() => Member, { nullable: true, deleteRule: 'restrict' })
  primaryMember: Member | null = null;

  /** 0 for a primary, 1..3 for sub-members (the SS of the member number). */
  @Property({ type: 'smallint' })
  subIndex: number = 0;

  @Enum({ items: () => MemberStatus, nativeEnumName: 'member_status' })
  status: MemberStatus = MemberStatus.ACTIVE;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  removedAt: Date | null = null;

  /** Optimistic lock: later approvals compare it to detect a stale request. */
  @Property({ type: 'integer', version: true })
  version: number = 1;
}
