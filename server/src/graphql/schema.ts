import 'reflect-metadata';
import './enums';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { applyDescriptionDefaults } from './description-defaults';
import { ActivityResolver } from '../modules/activity/activity.resolver';
import { ApprovalResolver } from '../modules/approvals/approval.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { ApiKeyResolver, AuthResolver } from '../modules/auth/auth.resolver';
import { DashboardResolver } from '../modules/dashboard/dashboard.resolver';
import { BillingPeriodResolver, DueResolver, MembershipTermResolver } from '../modules/dues/dues.resolver';
import { GroupResolver } from '../modules/groups/group.resolver';
import { TransactionConnectionResolver, TransactionResolver } from '../modules/ledger/ledger.resolver';
import { MemberResolver } from '../modules/members/member.resolver';
import { PaymentResolver } from '../modules/payments/payment.resolver';
import { GroupMembershipSelfServiceResolver, MeProfileResolver, PrivacyResolver } from '../modules/privacy/privacy.resolver';
import { SponsorLinkResolver, SponsorResolver } from '../modules/sponsors/sponsor.resolver';
import { WebhookResolver } from '../modules/webhooks/webhook.resolver';
import { ExchangeRateResolver, RecipientResolver, RemittanceQuoteResolver, RemittanceResolver } from '../modules/remittances/remittance.resolver';
import { NotificationResolver } from '../modules/notifications/notification.resolver';
import { JobStatusResolver } from '../jobs/job-status.resolver';

export const resolvers = [AuthResolver, ApiKeyResolver, GroupResolver, MemberResolver, TransactionResolver, TransactionConnectionResolver, ApprovalResolver, ActivityResolver, AuditResolver, DashboardResolver, BillingPeriodResolver, DueResolver, MembershipTermResolver, SponsorResolver, SponsorLinkResolver, WebhookResolver, RecipientResolver, ExchangeRateResolver, RemittanceQuoteResolver, RemittanceResolver, NotificationResolver, JobStatusResolver, PrivacyResolver, MeProfileResolver, GroupMembershipSelfServiceResolver, PaymentResolver] as const;

let cached: GraphQLSchema | undefined;

/**
 * Built once per process. Subscriptions use a per-subscription `subscribe`
 * function on the event bus in the context, so no global PubSub is needed;
 * type-graphql still asks for one to accept @Subscription.
 */
export function buildCofferSchema(): GraphQLSchema {
  cached ??= applyDescriptionDefaults(buildSchemaSync({
    resolvers: [...resolvers],
    validate: false, // services validate and report every bad field at once
    emitSchemaFile: false,
    // RFC 3339 date-times, named DateTime as integrators expect.
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    pubSub: {
      publish: () => {
        throw new Error('Publish through the event bus, not type-graphql');
      },
      subscribe: () => {
        throw new Error('Subscriptions declare their own subscribe function');
      },
    },
  }));
  return cached;
}

/** The SDL committed as schema.graphql, sorted so the diff only shows real changes. */
export function printCofferSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildCofferSchema()))}\n`;
}
