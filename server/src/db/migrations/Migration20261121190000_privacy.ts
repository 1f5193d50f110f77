import { Migration } from '@mikro-orm/migrations';

/**
 * Self-service profile columns, consents, data-export and erasure requests,
 * and the one narrow exception to the activity log's append-only rule: the
 * erasure service may rewrite the before/after snapshots (never anything
 * else, never delete) inside a transaction where it set `coffer.erasure`.
 */
export class Migration20261121190000_privacy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "users"
      add column "language" varchar(8) not null default 'en',
      add column "display_currency" varchar(3) null,
      add column "notification_preferences" jsonb not null default '{"EMAIL": true, "WHATSAPP": true}';`);

    // One row per decision: the latest row per (user, type) is the current state, the rest is the proof trail.
    this.addSql(`create table "consents" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on update cascade on delete restrict,
      "type" varchar(16) not null check ("type" in ('TERMS', 'PRIVACY', 'MARKETING')),
      "granted" boolean not null,
      "ip" varchar(64) null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "consents_user_id_type_created_at_index" on "consents" ("user_id", "type", "created_at" desc);`);

    this.addSql(`create table "data_export_requests" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on update cascade on delete restrict,
      "ip" varchar(64) null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "data_export_requests_user_id_index" on "data_export_requests" ("user_id");`);

    this.addSql(`create table "erasure_requests" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on update cascade on delete restrict,
      "ip" varchar(64) null,
      "created_at" timestamptz not null,
      "completed_at" timestamptz null,
      "retain_financial_until" date not null
    );`);
    this.addSql(`create index "erasure_requests_user_id_index" on "erasure_requests" ("user_id");`);

    this.addSql(`create function "activity_logs_erasure_only"() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'UPDATE'
          and coalesce(current_setting('coffer.erasure', true), '') = 'on'
          and (new.id, new.group_id, new.actor_kind, new.actor_id, new.action, new.entity_type, new.entity_id, new.created_at)
            is not distinct from (old.id, old.group_id, old.actor_kind, old.actor_id, old.action, old.entity_type, old.entity_id, old.created_at)
        then
          return new;
        end if;
        raise exception '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          using errcode = 'restrict_violation', hint = 'Record a new entry instead of changing or removing an old one';
      end;
    $$;`);
    this.addSql(`drop trigger "activity_logs_no_update_delete" on "activity_logs";`);
    this.addSql(`create trigger "activity_logs_no_update_delete" before update or delete on "activity_logs"
      for each row execute function "activity_logs_erasure_only"();`);
  }
}
