import { Migration } from '@mikro-orm/migrations';

/**
 * Integrator webhooks: endpoints, the transactional outbox of events, and one
 * delivery per event and endpoint with its attempts.
 */
export class Migration20261121180000_integrator_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "webhook_delivery_status" as enum ('PENDING', 'SENDING', 'SUCCEEDED', 'FAILED');`);
    this.addSql(`create table "webhook_endpoints" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "url" varchar(2048) not null,
      "description" varchar(200) null,
      "events" text[] not null,
      "enabled" boolean not null default true,
      -- AES-GCM (shared/crypto.ts): the secret must be readable to sign, so it cannot be hashed
      "secret_encrypted" text not null,
      "secret_rotated_at" timestamptz null,
      constraint "webhook_endpoints_events_not_empty" check (cardinality("events") > 0)
    );`);
    this.addSql(`create index "webhook_endpoints_group_index" on "webhook_endpoints" ("group_id");`);
    // The outbox: written in the transaction of the change it describes.
    this.addSql(`create table "webhook_events" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "type" varchar(64) not null,
      "data" jsonb not null,
      "dispatched_at" timestamptz null
    );`);
    this.addSql(`create index "webhook_events_undispatched_index" on "webhook_events" ("created_at") where "dispatched_at" is null;`);
    this.addSql(`create table "webhook_deliveries" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "event_id" uuid not null references "webhook_events" ("id") on update cascade on delete cascade,
      "endpoint_id" uuid not null references "webhook_endpoints" ("id") on update cascade on delete cascade,
      "event_type" varchar(64) not null,
      "status" "webhook_delivery_status" not null default 'PENDING',
      "attempts" integer not null default 0,
      "next_attempt_at" timestamptz not null,
      "locked_until" timestamptz null,
      "delivered_at" timestamptz null,
      "last_status_code" integer null,
      "last_error" text null,
      "attempt_log" jsonb not null default '[]',
      "redelivery_of_id" uuid null references "webhook_deliveries" ("id") on update cascade on delete set null
    );`);
    this.addSql(`create index "webhook_deliveries_endpoint_created_index" on "webhook_deliveries" ("endpoint_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "webhook_deliveries_due_index" on "webhook_deliveries" ("next_attempt_at") where "status" in ('PENDING', 'SENDING');`);
    // NOTIFY is sent at commit and never for a rolled-back transaction: the delivery worker wakes only for events that exist.
    this.addSql(`create function "coffer_notify_webhook_outbox"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('coffer_webhook_outbox', '');
        return null;
      end
    $$;`);
    this.addSql(`create trigger "webhook_events_notify" after insert on "webhook_events" for each statement execute function "coffer_notify_webhook_outbox"();`);
    this.addSql(`create trigger "webhook_deliveries_notify" after insert on "webhook_deliveries" for each statement execute function "coffer_notify_webhook_outbox"();`);
  }
}
