import { Migration } from '@mikro-orm/migrations';

/**
 * Remittances: recipients (bank account encrypted), exchange rates, quotes,
 * remittances with their timeline, per-group fee settings. Approval requests
 * and ledger transactions gain a REMITTANCE kind.
 */
export class Migration20261121160000_remittances extends Migration {
  override async up(): Promise<void> {
    // New enum values are only used by later transactions, which PostgreSQL 12+ allows inside this one.
    this.addSql(`alter type "approval_entity_type" add value if not exists 'REMITTANCE';`);
    this.addSql(`alter type "approval_source" add value if not exists 'REMITTANCE';`);
    this.addSql(`create type "remittance_status" as enum ('PENDING_APPROVAL', 'APPROVED', 'PROCESSING', 'COMPLETED', 'FAILED', 'REJECTED', 'CANCELLED');`);

    this.addSql(`create table "remittance_recipients" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "name" varchar(200) not null,
      "country" varchar(2) not null check ("country" ~ '^[A-Z]{2}$'),
      "currency" varchar(3) not null check ("currency" ~ '^[A-Z]{3}$'),
      "bank_account_encrypted" text not null,
      "bank_account_last4" varchar(4) not null,
      "bank_name" varchar(200) null,
      "swift_code" varchar(11) null,
      "notes" varchar(1000) null,
      "deleted_at" timestamptz null,
      "version" integer not null default 1
    );`);
    this.addSql(`create index "remittance_recipients_group_created_index" on "remittance_recipients" ("group_id", "created_at" desc, "id" desc) where "deleted_at" is null;`);

    this.addSql(`create table "exchange_rates" (
      "base" varchar(3) not null,
      "quote" varchar(3) not null,
      "rate" varchar(32) not null check ("rate" ~ '^[0-9]+(\\.[0-9]+){0,1}$'),
      "source" varchar(200) not null,
      "offline" boolean not null default false,
      "updated_at" timestamptz not null,
      primary key ("base", "quote")
    );`);

    this.addSql(`create table "remittance_settings" (
      "group_id" uuid primary key references "groups" ("id") on update cascade on delete restrict,
      "fee_basis_points" integer not null check ("fee_basis_points" between 0 and 1000),
      "updated_at" timestamptz not null
    );`);

    this.addSql(`create table "remittance_quotes" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "recipient_id" uuid not null references "remittance_recipients" ("id") on update cascade on delete restrict,
      "send_minor" bigint not null check ("send_minor" > 0),
      "send_currency" varchar(3) not null,
      "fee_minor" bigint not null check ("fee_minor" >= 0),
      "fee_basis_points" integer not null,
      "total_minor" bigint not null,
      "rate" varchar(32) not null,
      "rate_source" varchar(200) not null,
      "rate_offline" boolean not null,
      "receive_minor" bigint not null check ("receive_minor" > 0),
      "receive_currency" varchar(3) not null,
      "eea" boolean not null,
      "eta" varchar(60) not null,
      "expires_at" timestamptz not null,
      "created_by_kind" varchar(16) not null,
      "created_by_id" uuid null,
      constraint "remittance_quotes_total" check ("total_minor" = "send_minor" + "fee_minor")
    );`);

    this.addSql(`create table "remittances" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "recipient_id" uuid not null references "remittance_recipients" ("id") on update cascade on delete restrict,
      "quote_id" uuid not null references "remittance_quotes" ("id") on update cascade on delete restrict,
      "idempotency_key" varchar(200) not null,
      "reference" varchar(140) null,
      "status" "remittance_status" not null default 'PENDING_APPROVAL',
      "send_minor" bigint not null check ("send_minor" > 0),
      "send_currency" varchar(3) not null,
      "fee_minor" bigint not null check ("fee_minor" >= 0),
      "total_minor" bigint not null,
      "rate" varchar(32) not null,
      "receive_minor" bigint not null check ("receive_minor" > 0),
      "receive_currency" varchar(3) not null,
      "eta" varchar(60) not null,
      "created_by_kind" varchar(16) not null,
      "created_by_id" uuid null,
      "approval_request_id" uuid null references "approval_requests" ("id") on update cascade on delete restrict deferrable initially deferred,
      "ledger_transaction_id" uuid null references "transactions" ("id") on update cascade on delete restrict deferrable initially deferred,
      "provider" varchar(32) null,
      "provider_payout_id" varchar(200) null,
      "failure_reason" varchar(500) null,
      "approved_at" timestamptz null,
      "processing_at" timestamptz null,
      "completed_at" timestamptz null,
      "failed_at" timestamptz null,
      "cancelled_at" timestamptz null,
      "version" integer not null default 1,
      constraint "remittances_quote_once" unique ("quote_id"),
      constraint "remittances_group_idempotency_key_unique" unique ("group_id", "idempotency_key"),
      constraint "remittances_total" check ("total_minor" = "send_minor" + "fee_minor"),
      -- funds are reserved exactly when the remittance got past approval
      constraint "remittances_reserved_when_approved" check (("status" in ('PENDING_APPROVAL', 'REJECTED')) or ("status" = 'CANCELLED' and "approved_at" is null) or "ledger_transaction_id" is not null),
      constraint "remittances_failure_reason" check (("status" = 'FAILED') = ("failure_reason" is not null))
    );`);
    this.addSql(`create index "remittances_group_created_index" on "remittances" ("group_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "remittances_recipient_index" on "remittances" ("recipient_id");`);
    // The jobs' work lists: approved ones to dispatch, processing ones to reconcile.
    this.addSql(`create index "remittances_open_index" on "remittances" ("status", "processing_at") where "status" in ('APPROVED', 'PROCESSING');`);

    this.addSql(`create table "remittance_events" (
      "id" uuid primary key,
      "remittance_id" uuid not null references "remittances" ("id") on update cascade on delete restrict,
      "status" "remittance_status" not null,
      "occurred_at" timestamptz not null,
      "actor_kind" varchar(16) not null,
      "actor_id" uuid null,
      "note" varchar(500) null
    );`);
    this.addSql(`create index "remittance_events_remittance_index" on "remittance_events" ("remittance_id", "occurred_at");`);
  }
}
