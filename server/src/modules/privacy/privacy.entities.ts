import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from '../auth/user.entity';

export enum ConsentType {
  TERMS = 'TERMS',
  PRIVACY = 'PRIVACY',
  MARKETING = 'MARKETING',
}

/**
 * One consent decision. Rows are only ever added: the newest per type is the
 * person's current choice, the older ones prove what they agreed to and when.
 */
@Entity({ tableName: 'consents' })
@Index({ properties: ['user', 'type', 'createdAt'] })
export class Consent {
  [OptionalProps]?: 'createdAt' | 'ip';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'restrict' })
  user: User;

  @Enum({ items: () => ConsentType, type: 'string', length: 16 })
  type: ConsentType;

  @Property({ type: 'boolean' })
  granted: boolean;

  /** The requester's address as the server saw it (see shared/rate-limit.ts clientIp). */
  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A person asked for a copy of their data (the law wants the request on record). */
@Entity({ tableName: 'data_export_requests' })
export class DataExportRequest {
  [OptionalProps]?: 'createdAt' | 'ip';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'restrict' })
  user: User;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A person asked to be forgotten; financial records stay until `retainFinancialUntil`. */
@Entity({ tableName: 'erasure_requests' })
export class ErasureRequest {
  [OptionalProps]?: 'createdAt' | 'ip' | 'completedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'restrict' })
  user: User;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  /** ISO date (YYYY-MM-DD). */
  @Property({ type: 'date' })
  retainFinancialUntil: string;
}
