import { Migration } from '@mikro-orm/migrations';

/**
 * createMembershipTerm takes the ledger's idempotency keys too (one key space
 * per group): a key now stands for the transaction or the membership term its
 * first request created — a term may have no transaction yet (waiting for an
 * approval or an online payment), so it needs its own reference.
 */
export class Migration20261121230000_membership_term_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "idempotency_keys" add column "membership_term_id" uuid null references "membership_terms" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_one_result" check (num_nonnulls("transaction_id", "membership_term_id") <= 1);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "idempotency_keys" drop constraint if exists "idempotency_keys_one_result";`);
    this.addSql(`alter table "idempotency_keys" drop column if exists "membership_term_id";`);
  }
}
