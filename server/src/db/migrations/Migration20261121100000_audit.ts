import { Migration } from '@mikro-orm/migrations';

/**
 * The financial audit log, and append-only enforcement for it and for the
 * activity log. The rule lives in the database, not in the ORM, so no code
 * path (a bug, a migration script, a console session with the app's
 * credentials) can rewrite history: UPDATE and DELETE are refused row by row,
 * TRUNCATE (which skips row triggers) by a statement trigger.
 */
export class Migration20261121100000_audit extends Migration {
  override async up(): Promise<void> {
    // Shared by every append-only table (the ledger may use it too).
    this.addSql(`create or replace function "refuse_append_only_change"() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          using errcode = 'restrict_violation', hint = 'Record a new entry instead of changing or removing an old one';
      end;
    $$;`);

    this.addSql(`create table "audit_logs" (
      "id" uuid primary key,
      "group_id" uuid not null references "groups" ("id") on update restrict on delete restrict,
      "entity_type" varchar(64) not null,
      "entity_id" uuid not null,
      "action" varchar(64) not null,
      "actor_kind" varchar(16) not null check ("actor_kind" in ('USER', 'API_KEY', 'SYSTEM')),
      "actor_id" uuid null,
      "previous_data" jsonb null,
      "new_data" jsonb null,
      "snapshot" jsonb null,
      "created_at" timestamptz not null,
      constraint "audit_logs_actor_present" check (("actor_kind" = 'SYSTEM') = ("actor_id" is null))
    );`);
    // Newest-first pages per group, optionally of one entity type; and one entity's history.
    this.addSql(`create index "audit_logs_group_id_created_at_id_index" on "audit_logs" ("group_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "audit_logs_group_id_entity_type_created_at_index" on "audit_logs" ("group_id", "entity_type", "created_at" desc);`);
    this.addSql(`create index "audit_logs_entity_id_index" on "audit_logs" ("entity_id");`);

    // The activity log's filter by person.
    this.addSql(`create index "activity_logs_group_id_actor_id_created_at_index" on "activity_logs" ("group_id", "actor_id", "created_at" desc);`);

    for (const table of ['audit_logs', 'activity_logs']) {
      this.addSql(`create trigger "${table}_no_update_delete" before update or delete on "${table}"
        for each row execute function "refuse_append_only_change"();`);
      this.addSql(`create trigger "${table}_no_truncate" before truncate on "${table}"
        for each statement execute function "refuse_append_only_change"();`);
    }
  }
}
