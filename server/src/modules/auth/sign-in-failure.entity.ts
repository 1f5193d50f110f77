import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One failed sign-in. Kept in the database (not in memory) so the limit holds
 * across every server instance behind the load balancer.
 */
@Entity({ tableName: 'sign_in_failures' })
@Index({ properties: ['email', 'attemptedAt'] })
export class SignInFailure {
  [OptionalProps]?: 'attemptedAt';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id: string;

  @Property({ type: 'string', length: 320 })
  email: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  attemptedAt: Date = new Date();
}
