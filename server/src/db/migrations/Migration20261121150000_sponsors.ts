import { Migration } from '@mikro-orm/migrations';

/** Sponsors and their public, expiring payment links. */
export class Migration20261121150000_sponsors extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sponsors" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "name" varchar(200) not null,
      "contact_email" varchar(320) null,
      "contact_phone" varchar(40) null,
      "notes" text null,
      "deleted_at" timestamptz null,
      "version" integer not null default 1
    );`);
    this.addSql(`create index "sponsors_group_id_name_index" on "sponsors" ("group_id", "name", "id") where "deleted_at" is null;`);

    // EXPIRED is derived from expires_at when read; it is in the type only so the one enum serves both.
    this.addSql(`create type "sponsor_link_status" as enum ('ACTIVE', 'PAID', 'INACTIVE', 'EXPIRED');`);
    this.addSql(`create table "sponsor_links" (
      "id" uuid primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "group_id" uuid not null references "groups" ("id") on update cascade on delete restrict,
      "sponsor_id" uuid null references "sponsors" ("id") on update cascade on delete restrict,
      "token" varchar(64) not null,
      "amount_minor" bigint not null check ("amount_minor" > 0),
      "currency" varchar(3) not null check ("currency" ~ '^[A-Z]{3}$'),
      "purpose" text not null,
      "upi_id" varchar(260) null,
      "bank_account_name" varchar(200) null,
      "bank_account_number_encrypted" text null,
      "bank_account_last4" varchar(4) null,
      "bank_ifsc" varchar(11) null,
      "bank_name" varchar(200) null,
      "expires_at" timestamptz not null,
      "status" "sponsor_link_status" not null default 'ACTIVE' check ("status" <> 'EXPIRED'),
      "paid_at" timestamptz null,
      "paid_transaction_id" uuid null references "transactions" ("id") on update cascade on delete restrict,
      "deactivated_at" timestamptz null,
      "created_by_kind" varchar(16) not null,
      "created_by_id" uuid null,
      "version" integer not null default 1,
      constraint "sponsor_links_token_unique" unique ("token"),
      -- a paid link names the transaction that paid it, and only a paid link does
      constraint "sponsor_links_paid_complete" check (("status" = 'PAID') = ("paid_transaction_id" is not null and "paid_at" is not null)),
      constraint "sponsor_links_bank_masked" check (("bank_account_number_encrypted" is null) = ("bank_account_last4" is null))
    );`);
    this.addSql(`create index "sponsor_links_group_id_created_at_index" on "sponsor_links" ("group_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "sponsor_links_sponsor_id_index" on "sponsor_links" ("sponsor_id");`);
  }
}
