import { Migration } from '@mikro-orm/migrations';

/**
 * Foundation: users, groups, members, API keys, activity log, notification
 * tasks, sign-in failures. Hand-written because the rules that keep money
 * and identities safe (partial unique indexes, checks) are the point.
 */
export class Migration20261121000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "role" as enum ('ADMIN', 'OPERATOR', 'MEMBER');`);
    this.addSql(`create type "group_kind" as enum ('CLUB', 'SUBSCRIPTION_SHARE', 'SOCIETY', 'OTHER');`);
    this.addSql(`create type "group_status" as enum ('ACTIVE', 'DEACTIVATED');`);
    this.addSql(`create type "member_status" as enum ('ACTIVE', 'REMOVED');`);
    this.addSql(`create type "notification_channel" as enum ('EMAIL', 'WHATSAPP', 'IN_APP', 'WEBHOOK');`);
    this.addSql(`create type "notification_status" as enum ('PENDING', 'LOCKED', 'COMPLETED', 'FAILED');`);

    this.addSql(`create table "users" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "email" varchar(320) not null,
      "name" varchar(200) not null,
      "phone" varchar(40) null,
      "password_hash" varchar(200) not null,
      "must_change_password" boolean not null default false,
      "deleted_at" timestamptz null,
      constraint "users_email_unique" unique ("email"),
      constraint "users_email_lowercase" check ("email" = lower("email"))
    );`);

    this.addSql(`create table "groups" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "name" varchar(200) not null,
      "kind" "group_kind" not null,
      "service" varchar(200) null,
      "currency" varchar(3) not null check ("currency" ~ '^[A-Z]{3}$'),
      "status" "group_status" not null default 'ACTIVE',
      "member_number_prefix" varchar(12) not null,
      "member_sequence" bigint not null default 0,
      "billing_settings" jsonb not null,
      "payment_settings" jsonb not null,
      "deactivated_at" timestamptz null
    );`);

    this.addSql(`create table "members" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "user_id" uuid null references "users" ("id") on update cascade on delete restrict,
      "name" varchar(200) not null,
      "email" varchar(320) null check ("email" = lower("email")),
      "phone" varchar(40) null,
      "nickname" varchar(100) null,
      "role" "role" not null,
      "custom_amount_minor" bigint null check ("custom_amount_minor" >= 0),
      "member_number" varchar(40) not null,
      "primary_member_id" uuid null references "members" ("id") on update cascade on delete restrict,
      "sub_index" smallint not null default 0,
      "status" "member_status" not null default 'ACTIVE',
      "removed_at" timestamptz null,
      "version" integer not null default 1,
      -- a primary is slot 0; sub-members take slots 1..3, which caps them at three
      constraint "members_sub_index_range" check (
        ("primary_member_id" is null and "sub_index" = 0) or ("primary_member_id" is not null and "sub_index" between 1 and 3)
      )
    );`);
    this.addSql(`create index "members_group_id_status_index" on "members" ("group_id", "status");`);
    this.addSql(`create index "members_user_id_index" on "members" ("user_id");`);
    this.addSql(`create index "members_primary_member_id_index" on "members" ("primary_member_id");`);
    this.addSql(`create unique index "members_active_number_unique" on "members" ("group_id", "member_number") where "status" = 'ACTIVE';`);
    this.addSql(`create unique index "members_active_email_unique" on "members" ("group_id", "email") where "status" = 'ACTIVE' and "email" is not null;`);
    this.addSql(`create unique index "members_active_user_unique" on "members" ("group_id", "user_id") where "status" = 'ACTIVE' and "user_id" is not null;`);
    this.addSql(`create unique index "members_active_sub_slot_unique" on "members" ("primary_member_id", "sub_index") where "status" = 'ACTIVE' and "primary_member_id" is not null;`);
    this.addSql(`create index "members_search_index" on "members" ("group_id", lower("name"));`);

    this.addSql(`create table "api_keys" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "name" varchar(100) not null,
      "prefix" varchar(32) not null,
      "secret_hash" varchar(64) not null,
      "role" "role" not null,
      "created_by_id" uuid not null references "users" ("id") on update cascade on delete restrict,
      "last_used_at" timestamptz null,
      "revoked_at" timestamptz null,
      constraint "api_keys_prefix_unique" unique ("prefix")
    );`);
    this.addSql(`create index "api_keys_group_id_index" on "api_keys" ("group_id");`);

    this.addSql(`create table "sign_in_failures" (
      "id" bigserial primary key,
      "email" varchar(320) not null,
      "attempted_at" timestamptz not null
    );`);
    this.addSql(`create index "sign_in_failures_email_attempted_at_index" on "sign_in_failures" ("email", "attempted_at");`);

    this.addSql(`create table "activity_logs" (
      "id" uuid primary key,
      "group_id" uuid null,
      "actor_kind" varchar(16) not null,
      "actor_id" uuid null,
      "action" varchar(64) not null,
      "entity_type" varchar(64) not null,
      "entity_id" uuid null,
      "before" jsonb null,
      "after" jsonb null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "activity_logs_group_id_created_at_index" on "activity_logs" ("group_id", "created_at");`);

    this.addSql(`create table "notification_tasks" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid null,
      "channel" "notification_channel" not null,
      "template" varchar(64) not null,
      "recipient" varchar(320) not null,
      "payload" jsonb not null,
      "dedupe_key" varchar(200) not null,
      "status" "notification_status" not null default 'PENDING',
      "attempts" integer not null default 0,
      "next_run_at" timestamptz not null,
      "last_error" text null,
      constraint "notification_tasks_dedupe_key_unique" unique ("dedupe_key")
    );`);
    this.addSql(`create index "notification_tasks_status_next_run_at_index" on "notification_tasks" ("status", "next_run_at");`);
  }
}
