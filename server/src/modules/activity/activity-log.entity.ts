import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export enum ActorKind {
  USER = 'USER',
  API_KEY = 'API_KEY',
  SYSTEM = 'SYSTEM',
}

/** Who did what to which entity, and how it looked before and after. */
@Entity({ tableName: 'activity_logs' })
@Index({ properties: ['groupId', 'createdAt'] })
export class ActivityLog {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', nullable: true })
  groupId: string | null;

  @Property({ type: 'string', length: 16 })
  actorKind: ActorKind;

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null;

  /** e.g. member.add, group.update */
  @Property({ type: 'string', length: 64 })
  action: string;

  @Property({ type: 'string', length: 64 })
  entityType: string;

  @Property({ type: 'uuid', nullable: true })
  entityId: string | null;

  @Property({ type: 'json', nullable: true })
  before: Record<string, unknown> | null;

  @Property({ type: 'json', nullable: true })
  after: Record<string, unknown> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
