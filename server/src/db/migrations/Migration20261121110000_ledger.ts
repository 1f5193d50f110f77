import { Migration } from '@mikro-orm/migrations';

/**
 * The ledger: accounts, transactions, double-entry entries, receipt counters,
 * idempotency keys and the group's approval threshold. The database itself
 * guarantees what must never break: entries are append-only and every
 * transaction's entries sum to zero when it commits.
 */
export class Migration20261121110000_ledger extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "transaction_type" as enum ('CASH_IN', 'CASH_OUT');`);
    this.addSql(`create type "transaction_category" as enum ('MEMBERSHIP_FEE', 'SUBSCRIPTION_SHARE', 'SPONSORSHIP', 'DONATION', 'EXPENSE', 'REMITTANCE', 'REFUND', 'OTHER');`);
    this.addSql(`create type "payment_mode" as enum ('CASH', 'UPI', 'BANK_TRANSFER', 'CARD', 'OTHER');`);
    this.addSql(`create type "approval_status" as enum ('PENDING', 'APPROVED', 'REJECTED');`);
    this.addSql(`create type "approval_source" as enum ('MANUAL', 'ADMIN_DIRECT', 'RAZORPAY_WEBHOOK', 'STRIPE_WEBHOOK', 'PAYMENT_VERIFICATION');`);
    this.addSql(`create type "payment_provider" as enum ('RAZORPAY', 'STRIPE');`);
    this.addSql(`create type "account_kind" as enum ('ASSET', 'LIABILITY', 'INCOME', 'EXPENSE');`);

    this.addSql(`alter table "groups" add column "approval_threshold_minor" bigint null check ("approval_threshold_minor" >= 0);`);

    this.addSql(`create table "ledger_accounts" (
      "id" uuid primary key,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "code" varchar(64) not null,
      "name" varchar(200) not null,
      "kind" "account_kind" not null,
      "created_at" timestamptz not null,
      constraint "ledger_accounts_group_id_code_unique" unique ("group_id", "code")
    );`);

    this.addSql(`create table "transactions" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "type" "transaction_type" not null,
      "category" "transaction_category" not null,
      "amount_minor" bigint not null check ("amount_minor" > 0),
      "currency" varchar(3) not null check ("currency" ~ '^[A-Z]{3}$'),
      "fx_rate" varchar(32) null,
      "group_amount_minor" bigint not null check ("group_amount_minor" > 0),
      "payment_mode" "payment_mode" not null,
      "description" text null,
      "member_id" uuid null references "members" ("id") on update cascade on delete restrict,
      "sender_name" varchar(200) null,
      "sender_upi_id" varchar(260) null,
      "sender_bank_account_masked" varchar(40) null,
      "provider" "payment_provider" null,
      "provider_payment_id" varchar(200) null,
      "receipt_number" varchar(40) null,
      "approval_status" "approval_status" not null,
      "approval_source" "approval_source" not null,
      "reverses_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "reversed_by_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "occurred_at" timestamptz not null,
      "created_by_kind" varchar(16) not null,
      "created_by_id" uuid null,
      "decided_at" timestamptz null,
      "version" integer not null default 1,
      constraint "transactions_provider_payment_unique" unique ("provider", "provider_payment_id"),
      constraint "transactions_group_receipt_unique" unique ("group_id", "receipt_number"),
      constraint "transactions_reverses_once" unique ("reverses_id"),
      constraint "transactions_provider_pair" check (("provider" is null) = ("provider_payment_id" is null))
    );`);
    this.addSql(`create index "transactions_group_id_occurred_at_index" on "transactions" ("group_id", "occurred_at" desc, "id" desc);`);
    this.addSql(`create index "transactions_member_id_index" on "transactions" ("member_id");`);
    this.addSql(`create index "transactions_group_status_index" on "transactions" ("group_id", "approval_status");`);

    this.addSql(`create table "ledger_entries" (
      "id" uuid primary key,
      "transaction_id" uuid not null references "transactions" ("id") on update cascade on delete restrict,
      "account_id" uuid not null references "ledger_accounts" ("id") on update cascade on delete restrict,
      "amount_minor" bigint not null check ("amount_minor" <> 0),
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "ledger_entries_transaction_id_index" on "ledger_entries" ("transaction_id");`);
    this.addSql(`create index "ledger_entries_account_id_index" on "ledger_entries" ("account_id");`);

    // Entries are facts: correcting one means posting a reversal, never editing history.
    this.addSql(`create function "ledger_entries_are_immutable"() returns trigger language plpgsql as $$
      begin
        raise exception 'ledger entries are append-only: % is not allowed', tg_op using errcode = 'restrict_violation';
      end $$;`);
    this.addSql(`create trigger "ledger_entries_no_update_delete" before update or delete on "ledger_entries" for each row execute function "ledger_entries_are_immutable"();`);
    this.addSql(`create trigger "ledger_entries_no_truncate" before truncate on "ledger_entries" for each statement execute function "ledger_entries_are_immutable"();`);

    // Checked at commit, after every leg of the posting is in.
    this.addSql(`create function "ledger_transaction_is_balanced"() returns trigger language plpgsql as $$
      declare total numeric;
      begin
        select coalesce(sum("amount_minor"), 0) into total from "ledger_entries" where "transaction_id" = new."transaction_id";
        if total <> 0 then
          raise exception 'ledger entries of transaction % sum to %, not zero', new."transaction_id", total using errcode = 'check_violation';
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger "ledger_entries_balanced" after insert on "ledger_entries" deferrable initially deferred for each row execute function "ledger_transaction_is_balanced"();`);

    this.addSql(`create table "receipt_counters" (
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "year" integer not null,
      "last_number" integer not null,
      primary key ("group_id", "year")
    );`);

    this.addSql(`create table "idempotency_keys" (
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "key" varchar(200) not null,
      "request_hash" varchar(64) not null,
      "transaction_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "created_at" timestamptz not null,
      primary key ("group_id", "key")
    );`);
  }
}
