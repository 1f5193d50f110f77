import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';

@Entity({ tableName: 'users' })
export class User extends BaseEntity<'mustChangePassword' | 'deletedAt' | 'phone'> {
  /** Stored lower-cased so uniqueness is case-insensitive. */
  @Property({ type: 'string', length: 320 })
  @Unique()
  email: string;

  @Property({ type: 'string', length: 200 })
  name: string;

  @Property({ type: 'string', length: 40, nullable: true })
  phone: string | null = null;

  @Property({ type: 'string', length: 200, hidden: true })
  passwordHash: string;

  @Property({ type: 'boolean' })
  mustChangePassword: boolean = false;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}
