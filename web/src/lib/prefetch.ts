import { cache } from 'react';
import { GROUPS_PAGE_SIZE, GroupQuery, GroupsQuery } from '@/graphql/groups';
import { initialMembersVariables, MembersQuery } from '@/graphql/members';
import { GroupBalanceQuery, initialTransactionsVariables, TransactionsQuery } from '@/graphql/transactions';
import {
  ApprovalsQuery,
  PendingApprovalCountQuery,
  pendingApprovalsVariables,
  recentApprovalsVariables,
} from '@/graphql/approvals';
import { ActivityLogQuery, AuditLogQuery, initialLogVariables } from '@/graphql/logs';
import { DashboardQuery, dashboardVariables } from '@/graphql/dashboard';
import { BillingPeriodsQuery } from '@/graphql/dues';
import { MyLanguageQuery } from '@/graphql/account';
import { prefetch } from './api';

// Cached per request: the layout (header switcher) and the groups page share one fetch.
export const prefetchGroups = cache((accessToken: string) =>
  prefetch(GroupsQuery, { first: GROUPS_PAGE_SIZE }, accessToken),
);

// The group layout (title, tabs) and its pages render in parallel and share this one fetch.
export const prefetchGroup = cache((accessToken: string, groupId: string) =>
  prefetch(GroupQuery, { id: groupId }, accessToken),
);

/** The tabs' badge; admins only (anyone else gets FORBIDDEN, i.e. undefined here). */
export const prefetchPendingCount = cache((accessToken: string, groupId: string) =>
  prefetch(PendingApprovalCountQuery, { groupId }, accessToken),
);

export const prefetchGroupPage = cache(async (accessToken: string, groupId: string) => {
  const [group, members] = await Promise.all([
    prefetchGroup(accessToken, groupId),
    prefetch(MembersQuery, initialMembersVariables(groupId), accessToken),
  ]);
  return { group, members };
});

export const prefetchTransactionsPage = cache(async (accessToken: string, groupId: string) => {
  const [transactions, balance] = await Promise.all([
    prefetch(TransactionsQuery, initialTransactionsVariables(groupId), accessToken),
    prefetch(GroupBalanceQuery, { groupId }, accessToken),
  ]);
  return { transactions, balance };
});

export const prefetchApprovalsPage = cache(async (accessToken: string, groupId: string) => {
  const [pending, recent] = await Promise.all([
    prefetch(ApprovalsQuery, pendingApprovalsVariables(groupId), accessToken),
    prefetch(ApprovalsQuery, recentApprovalsVariables(groupId), accessToken),
  ]);
  return { pending, recent };
});

export const prefetchAuditLog = cache((accessToken: string, groupId: string) =>
  prefetch(AuditLogQuery, initialLogVariables(groupId), accessToken),
);

export const prefetchActivityLog = cache((accessToken: string, groupId: string) =>
  prefetch(ActivityLogQuery, initialLogVariables(groupId), accessToken),
);

export const prefetchDashboard = cache((accessToken: string, groupId: string) =>
  prefetch(DashboardQuery, dashboardVariables(groupId), accessToken),
);

export const prefetchBillingPeriods = cache((accessToken: string, groupId: string) =>
  prefetch(BillingPeriodsQuery, { groupId, first: 20 }, accessToken),
);

/** The signed-in person's profile language (undefined when the API cannot say). */
export const prefetchLanguage = cache(async (accessToken: string) => (await prefetch(MyLanguageQuery, {}, accessToken))?.me.profile?.language);
