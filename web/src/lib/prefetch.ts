import { cache } from 'react';
import { GROUPS_PAGE_SIZE, GroupQuery, GroupsQuery } from '@/graphql/groups';
import { initialMembersVariables, MembersQuery } from '@/graphql/members';
import { prefetch } from './api';

// Cached per request: the layout (header switcher) and the groups page share one fetch.
export const prefetchGroups = cache((accessToken: string) =>
  prefetch(GroupsQuery, { first: GROUPS_PAGE_SIZE }, accessToken),
);

export const prefetchGroupPage = cache(async (accessToken: string, groupId: string) => {
  const [group, members] = await Promise.all([
    prefetch(GroupQuery, { id: groupId }, accessToken),
    prefetch(MembersQuery, initialMembersVariables(groupId), accessToken),
  ]);
  return { group, members };
});
