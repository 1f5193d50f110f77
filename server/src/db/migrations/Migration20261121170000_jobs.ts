import { Migration } from '@mikro-orm/migrations';

/**
 * Jobs and notifications: the Agenda job table (ours, so it is created under
 * the migration lock rather than by every instance at start), job run
 * records, notification task leases, the local e-mail outbox, in-app
 * notifications and reminder schedules.
 */
export class Migration20261121170000_jobs extends Migration {
  override async up(): Promise<void> {
    // Same shape as @agendajs/postgres-backend 3.0.6 creates with ensureSchema (which we turn off).
    this.addSql(`create table "agenda_jobs" (
      "id" uuid primary key default gen_random_uuid(),
      "name" varchar(255) not null,
      "priority" integer not null default 0,
      "next_run_at" timestamptz,
      "type" varchar(10) not null default 'normal' check ("type" in ('normal', 'single')),
      "locked_at" timestamptz,
      "last_finished_at" timestamptz,
      "failed_at" timestamptz,
      "fail_count" integer default null,
      "fail_reason" text,
      "repeat_timezone" varchar(100),
      "last_run_at" timestamptz,
      "repeat_interval" varchar(255),
      "data" jsonb default '{}'::jsonb,
      "repeat_at" varchar(255),
      "disabled" boolean default false,
      "progress" real,
      "fork" boolean default false,
      "last_modified_by" varchar(255),
      "debounce_started_at" timestamptz,
      "start_date" timestamptz,
      "end_date" timestamptz,
      "skip_days" jsonb,
      "created_at" timestamptz default now(),
      "updated_at" timestamptz default now()
    );`);
    this.addSql(`create index "agenda_jobs_find_and_lock_idx" on "agenda_jobs" ("name", "next_run_at", "priority" desc, "locked_at", "disabled") where "disabled" = false;`);
    this.addSql(`create unique index "agenda_jobs_single_job_idx" on "agenda_jobs" ("name") where "type" = 'single';`);
    this.addSql(`create index "agenda_jobs_locked_at_idx" on "agenda_jobs" ("locked_at") where "locked_at" is not null;`);
    this.addSql(`create index "agenda_jobs_next_run_at_idx" on "agenda_jobs" ("next_run_at") where "next_run_at" is not null;`);

    // One row per job name: what the console's job status shows, whoever ran it (scheduler or cron route).
    this.addSql(`create table "job_runs" (
      "name" varchar(100) primary key,
      "runs" integer not null default 0,
      "failures" integer not null default 0,
      "last_started_at" timestamptz null,
      "last_finished_at" timestamptz null,
      "last_result" jsonb null,
      "last_error" text null
    );`);

    // A WhatsApp message with no WhatsApp configured is recorded as skipped, not failed.
    this.addSql(`alter type "notification_status" add value if not exists 'SKIPPED';`);
    this.addSql(`alter table "notification_tasks"
      add column "member_id" uuid null,
      add column "locked_until" timestamptz null,
      add column "lock_token" uuid null,
      add column "locked_by" varchar(100) null,
      add column "completed_at" timestamptz null;`);
    // Claims read PENDING rows by next_run_at (existing index); lease reclaims read LOCKED rows by expiry.
    this.addSql(`create index "notification_tasks_lease_index" on "notification_tasks" ("locked_until") where "status" = 'LOCKED';`);
    this.addSql(`create index "notification_tasks_group_created_index" on "notification_tasks" ("group_id", "created_at" desc, "id" desc);`);

    this.addSql(`create table "outbox_messages" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "group_id" uuid null,
      "task_id" uuid not null references "notification_tasks" ("id") on delete cascade,
      "channel" "notification_channel" not null,
      "recipient" varchar(320) not null,
      "subject" varchar(300) not null,
      "body_text" text not null,
      -- a task is written to the outbox once, however many workers raced for it
      constraint "outbox_messages_task_unique" unique ("task_id")
    );`);
    this.addSql(`create index "outbox_messages_group_created_index" on "outbox_messages" ("group_id", "created_at" desc, "id" desc);`);

    this.addSql(`create table "in_app_notifications" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "group_id" uuid null,
      "task_id" uuid not null references "notification_tasks" ("id") on delete cascade,
      "template" varchar(64) not null,
      "title" varchar(300) not null,
      "body" text not null,
      "link" varchar(2000) null,
      "read_at" timestamptz null,
      constraint "in_app_notifications_task_unique" unique ("task_id")
    );`);
    this.addSql(`create index "in_app_notifications_user_created_index" on "in_app_notifications" ("user_id", "created_at" desc, "id" desc);`);

    this.addSql(`create type "reminder_type" as enum ('DUE_DATE', 'MEMBERSHIP_EXPIRY');`);
    this.addSql(`create type "reminder_direction" as enum ('BEFORE', 'AFTER');`);
    this.addSql(`create type "reminder_schedule_status" as enum ('ACTIVE', 'PAUSED');`);
    this.addSql(`create table "reminder_schedules" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "reminder_type" "reminder_type" not null,
      "direction" "reminder_direction" not null,
      "offset_days" integer not null check ("offset_days" between 0 and 365),
      "channels" "notification_channel"[] not null check (cardinality("channels") > 0),
      "status" "reminder_schedule_status" not null default 'ACTIVE',
      constraint "reminder_schedules_unique" unique ("group_id", "reminder_type", "offset_days", "direction")
    );`);
  }
}
