import { Migration } from '@mikro-orm/migrations';

/**
 * Access tokens can be revoked: each token carries the user's generation when it was issued
 * (its `gen` claim), and a token of another generation is refused. Signing out and changing
 * the password move the generation on. Existing rows start at 0, which is also what a token
 * issued before this change (no claim) counts as, so no one is signed out by the migration.
 */
export class Migration20261122010000_user_token_generation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "token_generation" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column if exists "token_generation";`);
  }
}
