import { Migration } from '@mikro-orm/migrations';

/** Maker–checker approval requests. */
export class Migration20261121120000_approvals extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "approval_entity_type" as enum ('MEMBER', 'TRANSACTION');`);
    this.addSql(`create type "approval_action" as enum ('CREATE', 'UPDATE', 'DELETE');`);
    this.addSql(`create type "approval_request_status" as enum ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED');`);
    this.addSql(`create table "approval_requests" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "entity_type" "approval_entity_type" not null,
      "action" "approval_action" not null,
      "target_id" uuid null,
      "target_version" integer null,
      "proposed_data" jsonb not null,
      "previous_data" jsonb null,
      "requested_by_kind" varchar(16) not null,
      "requested_by_id" uuid null,
      "notes" text null,
      "status" "approval_request_status" not null default 'PENDING',
      "decided_by_kind" varchar(16) null,
      "decided_by_id" uuid null,
      "decided_at" timestamptz null,
      "decision_notes" text null,
      -- a decision is recorded with who made it and when, or not at all
      constraint "approval_requests_decision_complete" check (("status" = 'PENDING') = ("decided_at" is null))
    );`);
    this.addSql(`create index "approval_requests_group_status_created_index" on "approval_requests" ("group_id", "status", "created_at" desc, "id" desc);`);
    this.addSql(`create index "approval_requests_target_index" on "approval_requests" ("target_id") where "status" = 'PENDING';`);
  }
}
