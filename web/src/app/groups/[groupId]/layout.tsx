import type { ReactNode } from 'react';
import { GroupShell } from '@/components/group-shell';
import { prefetchGroup, prefetchPendingCount } from '@/lib/prefetch';
import { getViewer } from '@/lib/session';

interface Props {
  params: Promise<{ groupId: string }>;
  children: ReactNode;
}

/**
 * The group's title and tabs stay mounted while the tabs change, so the pending-approvals
 * badge keeps its live subscription. Pages redirect signed-out visitors themselves.
 */
export default async function GroupLayout({ params, children }: Props) {
  const { groupId } = await params;
  const viewer = await getViewer();
  const [group, pending] = viewer
    ? await Promise.all([prefetchGroup(viewer.accessToken, groupId), prefetchPendingCount(viewer.accessToken, groupId)])
    : [undefined, undefined];
  return (
    <GroupShell groupId={groupId} initialGroup={group} initialPendingCount={pending}>
      {children}
    </GroupShell>
  );
}
