import { Migration } from '@mikro-orm/migrations';

/** Fixed-window request counters shared by every instance (shared/rate-limit.ts). */
export class Migration20261121125000_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "rate_limit_counters" (
      "bucket" varchar(64) not null,
      "key" varchar(128) not null,
      "window_start" timestamptz not null,
      "hits" integer not null,
      primary key ("bucket", "key", "window_start")
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit_counters";`);
  }
}
