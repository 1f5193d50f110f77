import { Migration } from '@mikro-orm/migrations';

/**
 * Provider payments: the orders / intents we created with Razorpay and Stripe
 * (or their sandboxes), every inbound webhook delivery exactly as received,
 * and payments that arrived but could not be credited (flagged for an admin).
 */
export class Migration20261121140000_payments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "inbound_webhook_status" as enum ('RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED');`);
    this.addSql(`create type "provider_checkout_status" as enum ('CREATED', 'PAID', 'FAILED', 'REFUNDED');`);
    this.addSql(`create type "payment_flag_status" as enum ('OPEN', 'RESOLVED');`);

    this.addSql(`create table "inbound_webhook_events" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "provider" "payment_provider" not null,
      "event_id" varchar(255) null,
      "event_type" varchar(100) null,
      "raw_body" bytea null, -- cleared by the retention job once the event is settled and older than WEBHOOK_BODY_RETENTION_DAYS
      "signature_header" text null,
      "signature_valid" boolean not null,
      "status" "inbound_webhook_status" not null,
      "attempts" integer not null default 0,
      "last_error" text null,
      "outcome" varchar(40) null,
      "flag_reason" text null,
      "provider_payment_id" varchar(200) null,
      "provider_order_id" varchar(200) null,
      "group_id" uuid null,
      "transaction_id" uuid null,
      "source_ip" varchar(128) null,
      "received_at" timestamptz not null,
      "processed_at" timestamptz null,
      "next_attempt_at" timestamptz null
    );`);
    // Only a delivery whose signature checked out may claim an event id: a forged one must not block the real event.
    this.addSql(`create unique index "inbound_webhook_events_provider_event_unique" on "inbound_webhook_events" ("provider", "event_id") where "signature_valid";`);
    this.addSql(`create index "inbound_webhook_events_pending_index" on "inbound_webhook_events" ("next_attempt_at") where "status" in ('RECEIVED', 'FAILED');`);
    this.addSql(`create index "inbound_webhook_events_payment_index" on "inbound_webhook_events" ("provider", "provider_payment_id");`);

    this.addSql(`create table "provider_checkouts" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "provider" "payment_provider" not null,
      "provider_order_id" varchar(200) null,
      "sandbox" boolean not null,
      "target_kind" varchar(32) not null,
      "target_id" uuid not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "amount_minor" bigint not null check ("amount_minor" > 0),
      "currency" varchar(3) not null check ("currency" ~ '^[A-Z]{3}$'),
      "description" text null,
      "status" "provider_checkout_status" not null,
      "provider_payment_id" varchar(200) null,
      "transaction_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "last_error" text null,
      "created_by_kind" varchar(16) not null,
      "created_by_id" uuid null,
      constraint "provider_checkouts_provider_order_unique" unique ("provider", "provider_order_id")
    );`);
    this.addSql(`create index "provider_checkouts_target_index" on "provider_checkouts" ("target_kind", "target_id");`);

    this.addSql(`create table "payment_flags" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "provider" "payment_provider" not null,
      "provider_payment_id" varchar(200) not null,
      "provider_order_id" varchar(200) null,
      "checkout_id" uuid null references "provider_checkouts" ("id") on update cascade on delete restrict,
      "target_kind" varchar(32) null,
      "target_id" uuid null,
      "reason" varchar(40) not null,
      "expected_amount_minor" bigint null,
      "expected_currency" varchar(3) null,
      "received_amount_minor" bigint not null,
      "received_currency" varchar(3) not null,
      "details" text not null,
      "inbound_event_id" uuid null references "inbound_webhook_events" ("id") on update cascade on delete restrict,
      "status" "payment_flag_status" not null,
      "resolved_at" timestamptz null,
      "resolved_by_id" uuid null,
      "resolution_note" text null,
      constraint "payment_flags_payment_reason_unique" unique ("provider", "provider_payment_id", "reason")
    );`);
    this.addSql(`create index "payment_flags_group_index" on "payment_flags" ("group_id", "status", "created_at" desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "payment_flags";`);
    this.addSql(`drop table if exists "provider_checkouts";`);
    this.addSql(`drop table if exists "inbound_webhook_events";`);
    this.addSql(`drop type if exists "payment_flag_status";`);
    this.addSql(`drop type if exists "provider_checkout_status";`);
    this.addSql(`drop type if exists "inbound_webhook_status";`);
  }
}
