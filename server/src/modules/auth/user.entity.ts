import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';

@Entity({ tableName: 'users' })
export class User extends BaseEntity<'mustChangePassword' | 'deletedAt' | 'phone' | 'language' | 'displayCurrency' | 'notificationPreferences' | 'tokenGeneration'> {
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

  /** One of profile.service's LANGUAGES. */
  @Property({ type: 'string', length: 8 })
  language: string = 'en';

  /** One of profile.service's DISPLAY_CURRENCIES; null = each group's own currency. */
  @Property({ type: 'string', length: 3, nullable: true })
  displayCurrency: string | null = null;

  /** Whether the person wants messages on each channel, e.g. { EMAIL: true, WHATSAPP: false }. */
  @Property({ type: 'json' })
  notificationPreferences: Record<string, boolean> = { EMAIL: true, WHATSAPP: true };

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;

  /**
   * Carried in every access token as its `gen` claim; a token whose claim is not the current value
   * is refused. signOut and changePassword move it on (in SQL, `token_generation + 1`), which
   * revokes every token issued before, with no clock involved.
   */
  @Property({ type: 'integer', default: 0 })
  tokenGeneration: number = 0;
}
