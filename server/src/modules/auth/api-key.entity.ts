import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { Role } from '../../shared/roles';
import { Group } from '../groups/group.entity';
import { User } from './user.entity';

/**
 * An integrator's key: acts for one group with one role. Only a SHA-256 of
 * the secret is kept; keys are long and random, so a slow hash adds nothing.
 */
@Entity({ tableName: 'api_keys' })
export class ApiKey extends BaseEntity<'lastUsedAt' | 'revokedAt' | 'rateLimit'> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Property({ type: 'string', length: 100 })
  name: string;

  /** Public part shown in lists so a key can be recognised without its secret. */
  @Property({ type: 'string', length: 32 })
  @Unique()
  prefix: string;

  @Property({ type: 'string', length: 64, hidden: true })
  secretHash: string;

  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role: Role;

  @ManyToOne(() => User, { deleteRule: 'restrict' })
  createdBy: User;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  /** Requests the key may make per rate-limit window; null = the server's API_KEY_RATE_LIMIT. */
  @Property({ type: 'integer', nullable: true })
  rateLimit: number | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
