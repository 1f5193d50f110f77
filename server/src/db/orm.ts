import { Options, PostgreSqlDriver, MikroORM } from '@mikro-orm/postgresql';
import { DataloaderType } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { ActivityLog } from '../modules/activity/activity-log.entity';
import { AuditLog } from '../modules/audit/audit-log.entity';
import { ApiKey } from '../modules/auth/api-key.entity';
import { SignInFailure } from '../modules/auth/sign-in-failure.entity';
import { User } from '../modules/auth/user.entity';
import { Group } from '../modules/groups/group.entity';
import { Member } from '../modules/members/member.entity';
import { NotificationTask } from '../modules/notifications/notification-task.entity';
import { InAppNotification, OutboxMessage, ReminderSchedule } from '../modules/notifications/notification.entities';
import { Migration20261121000000_foundation } from './migrations/Migration20261121000000_foundation';
import { Migration20261121100000_audit } from './migrations/Migration20261121100000_audit';
import { Migration20261121110000_ledger } from './migrations/Migration20261121110000_ledger';
import { Migration20261121120000_approvals } from './migrations/Migration20261121120000_approvals';
import { Migration20261121125000_rate_limits } from './migrations/Migration20261121125000_rate_limits';
import { Migration20261121130000_dues } from './migrations/Migration20261121130000_dues';
import { Migration20261121170000_jobs } from './migrations/Migration20261121170000_jobs';
import { BillingPeriod, Due, MembershipTerm } from '../modules/dues/dues.entities';
import { Migration20261121150000_sponsors } from './migrations/Migration20261121150000_sponsors';
import { Sponsor, SponsorLink } from '../modules/sponsors/sponsor.entities';
import { ApprovalRequest } from '../modules/approvals/approval-request.entity';
import { Migration20261121190000_privacy } from './migrations/Migration20261121190000_privacy';
import { Migration20261121210000_api_key_rate_limits } from './migrations/Migration20261121210000_api_key_rate_limits';
import { Migration20261121220000_webhook_outbox_notify_rows } from './migrations/Migration20261121220000_webhook_outbox_notify_rows';
import { Migration20261121230000_membership_term_idempotency } from './migrations/Migration20261121230000_membership_term_idempotency';
import { Migration20261122010000_user_token_generation } from './migrations/Migration20261122010000_user_token_generation';
import { Consent, DataExportRequest, ErasureRequest } from '../modules/privacy/privacy.entities';
import { IdempotencyKey, LedgerAccount, LedgerEntry, LedgerTransaction } from '../modules/ledger/ledger.entities';
import { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../modules/webhooks/webhook.entities';
import { Migration20261121180000_integrator_webhooks } from './migrations/Migration20261121180000_integrator_webhooks';
import { Migration20261121160000_remittances } from './migrations/Migration20261121160000_remittances';
import { ExchangeRate, Recipient, Remittance, RemittanceEvent, RemittanceQuote, RemittanceSettings } from '../modules/remittances/remittance.entities';
import { InboundWebhookEvent, PaymentFlag, ProviderCheckout } from '../modules/payments/payment.entities';
import { Migration20261121140000_payments } from './migrations/Migration20261121140000_payments';

export const entities = [User, ApiKey, SignInFailure, Group, Member, ActivityLog, NotificationTask, AuditLog, LedgerAccount, LedgerTransaction, LedgerEntry, IdempotencyKey, ApprovalRequest, BillingPeriod, Due, MembershipTerm, Sponsor, SponsorLink, WebhookEndpoint, WebhookEvent, WebhookDelivery, Recipient, ExchangeRate, RemittanceSettings, RemittanceQuote, Remittance, RemittanceEvent, OutboxMessage, InAppNotification, ReminderSchedule, Consent, DataExportRequest, ErasureRequest,
  InboundWebhookEvent, ProviderCheckout, PaymentFlag];

/**
 * Migrations are listed here rather than discovered from a folder, so the
 * same list works from compiled JS, from ts-jest and from a bundled image.
 */
export const migrationsList = [
  { name: 'Migration20261121000000_foundation', class: Migration20261121000000_foundation },
  { name: 'Migration20261121100000_audit', class: Migration20261121100000_audit },
  { name: 'Migration20261121110000_ledger', class: Migration20261121110000_ledger },
  { name: 'Migration20261121120000_approvals', class: Migration20261121120000_approvals },
  { name: 'Migration20261121125000_rate_limits', class: Migration20261121125000_rate_limits },
  { name: 'Migration20261121130000_dues', class: Migration20261121130000_dues },
  { name: 'Migration20261121140000_payments', class: Migration20261121140000_payments },
  { name: 'Migration20261121150000_sponsors', class: Migration20261121150000_sponsors },
  { name: 'Migration20261121160000_remittances', class: Migration20261121160000_remittances },
  { name: 'Migration20261121170000_jobs', class: Migration20261121170000_jobs },
  { name: 'Migration20261121180000_integrator_webhooks', class: Migration20261121180000_integrator_webhooks },
  { name: 'Migration20261121190000_privacy', class: Migration20261121190000_privacy },
  { name: 'Migration20261121210000_api_key_rate_limits', class: Migration20261121210000_api_key_rate_limits },
  { name: 'Migration20261121220000_webhook_outbox_notify_rows', class: Migration20261121220000_webhook_outbox_notify_rows },
  { name: 'Migration20261121230000_membership_term_idempotency', class: Migration20261121230000_membership_term_idempotency },
  { name: 'Migration20261122010000_user_token_generation', class: Migration20261122010000_user_token_generation },
];

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities,
    // References and collections touched in one tick load in one query per type.
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    extensions: [Migrator],
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true },
    pool: { min: 0, max: 10 },
    debug: false,
    allowGlobalContext: false,
    ...overrides,
  };
}

export async function initOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}

/**
 * Applies pending migrations under an advisory lock, so several instances
 * starting at once (docker-compose replicas) migrate exactly once.
 */
export async function migrate(orm: MikroORM): Promise<void> {
  const lockKey = 727_001; // arbitrary, constant: "coffer migrations"
  const knex = orm.em.getConnection().getKnex();
  // Hold a session lock on one pooled connection while the migrator works on others.
  const client = await knex.client.acquireConnection();
  try {
    await client.query('select pg_advisory_lock($1)', [lockKey]);
    try {
      await orm.getMigrator().up();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [lockKey]);
    }
  } finally {
    await knex.client.releaseConnection(client);
  }
}
