import { Migration } from '@mikro-orm/migrations';

/**
 * The outbox triggers notified after every INSERT statement, even one that
 * inserted no row. The dispatcher's own fan-out statement is such an insert
 * (into webhook_deliveries, usually of nothing), so each run woke the
 * dispatcher of every instance again: a busy loop of about a hundred runs a
 * second per instance, three statements each, with nothing to deliver. Now
 * they notify only when the statement inserted rows (its transition table).
 */
export class Migration20261121220000_webhook_outbox_notify_rows extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger "webhook_events_notify" on "webhook_events";`);
    this.addSql(`drop trigger "webhook_deliveries_notify" on "webhook_deliveries";`);
    this.addSql(`create or replace function "coffer_notify_webhook_outbox"() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from "inserted_rows") then
          perform pg_notify('coffer_webhook_outbox', '');
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "webhook_events_notify" after insert on "webhook_events" referencing new table as "inserted_rows" for each statement execute function "coffer_notify_webhook_outbox"();`);
    this.addSql(`create trigger "webhook_deliveries_notify" after insert on "webhook_deliveries" referencing new table as "inserted_rows" for each statement execute function "coffer_notify_webhook_outbox"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "webhook_events_notify" on "webhook_events";`);
    this.addSql(`drop trigger "webhook_deliveries_notify" on "webhook_deliveries";`);
    this.addSql(`create or replace function "coffer_notify_webhook_outbox"() returns trigger language plpgsql as $$
      begin
        perform pg_notify('coffer_webhook_outbox', '');
        return null;
      end
    $$;`);
    this.addSql(`create trigger "webhook_events_notify" after insert on "webhook_events" for each statement execute function "coffer_notify_webhook_outbox"();`);
    this.addSql(`create trigger "webhook_deliveries_notify" after insert on "webhook_deliveries" for each statement execute function "coffer_notify_webhook_outbox"();`);
  }
}
