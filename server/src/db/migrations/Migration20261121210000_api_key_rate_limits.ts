import { Migration } from '@mikro-orm/migrations';

/** A key may carry its own request limit per window; null keeps the server's default (API_KEY_RATE_LIMIT). */
export class Migration20261121210000_api_key_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_keys" add column "rate_limit" integer null check ("rate_limit" > 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_keys" drop column if exists "rate_limit";`);
  }
}
