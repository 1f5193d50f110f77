import { Migration } from '@mikro-orm/migrations';

/** Billing periods, members' dues and membership terms (issue 4). */
export class Migration20261121130000_dues extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "billing_period_status" as enum ('OPEN', 'CLOSED');`);
    this.addSql(`create type "due_status" as enum ('UNPAID', 'MEMBER_CONFIRMED', 'PAID', 'WAIVED', 'OVERDUE');`);
    this.addSql(`create type "membership_term_type" as enum ('MONTHLY', 'ANNUAL', 'LIFETIME', 'APPLICATION_FEE');`);
    this.addSql(`create type "membership_term_status" as enum ('PENDING', 'ACTIVE', 'EXPIRED', 'CANCELLED');`);
    this.addSql(`alter type "approval_entity_type" add value if not exists 'DUE';`);
    this.addSql(`alter type "approval_entity_type" add value if not exists 'MEMBERSHIP_TERM';`);
    this.addSql(`create table "billing_periods" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "label" varchar(100) not null,
      "period_start" date not null,
      "period_end" date not null,
      "due_date" date not null,
      "total_minor" bigint null check ("total_minor" >= 0),
      "currency" varchar(3) not null,
      "remainder_member_id" uuid null references "members" ("id") on update cascade on delete restrict,
      "status" "billing_period_status" not null default 'OPEN',
      "notes" text null,
      "closed_at" timestamptz null,
      "version" integer not null default 1,
      constraint "billing_periods_dates" check ("period_end" >= "period_start"),
      constraint "billing_periods_group_start_unique" unique ("group_id", "period_start")
    );`);
    this.addSql(`create table "dues" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "period_id" uuid not null references "billing_periods" ("id") on update cascade on delete restrict,
      "member_id" uuid not null references "members" ("id") on update cascade on delete restrict,
      "amount_minor" bigint not null check ("amount_minor" >= 0),
      "currency" varchar(3) not null,
      "due_date" date not null,
      "status" "due_status" not null default 'UNPAID',
      "paid_transaction_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "member_confirmed_at" timestamptz null,
      "paid_at" timestamptz null,
      "overdue_at" timestamptz null,
      "waived_at" timestamptz null,
      "waived_reason" text null,
      "decision_notes" text null,
      "version" integer not null default 1,
      constraint "dues_period_member_unique" unique ("period_id", "member_id"),
      -- a paid due always names the payment that paid it
      constraint "dues_paid_has_transaction" check (("status" = 'PAID') = ("paid_transaction_id" is not null))
    );`);
    this.addSql(`create index "dues_group_status_due_date_index" on "dues" ("group_id", "status", "due_date");`);
    this.addSql(`create index "dues_member_index" on "dues" ("member_id");`);
    this.addSql(`create table "membership_terms" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "member_id" uuid not null references "members" ("id") on update cascade on delete restrict,
      "type" "membership_term_type" not null,
      "amount_minor" bigint not null check ("amount_minor" >= 0),
      "currency" varchar(3) not null,
      "starts_on" date not null,
      "ends_on" date null,
      "status" "membership_term_status" not null default 'PENDING',
      "paid_transaction_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "paid_at" timestamptz null,
      "cancelled_at" timestamptz null,
      "version" integer not null default 1,
      constraint "membership_terms_dates" check ("ends_on" is null or "ends_on" >= "starts_on")
    );`);
    this.addSql(`create index "membership_terms_member_status_index" on "membership_terms" ("member_id", "status");`);
    this.addSql(`create index "membership_terms_group_index" on "membership_terms" ("group_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "membership_terms";`);
    this.addSql(`drop table if exists "dues";`);
    this.addSql(`drop table if exists "billing_periods";`);
    this.addSql(`drop type if exists "membership_term_status";`);
    this.addSql(`drop type if exists "membership_term_type";`);
    this.addSql(`drop type if exists "due_status";`);
    this.addSql(`drop type if exists "billing_period_status";`);
  }
}
