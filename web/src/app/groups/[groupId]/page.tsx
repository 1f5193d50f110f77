import type { Metadata } from 'next';
import { GroupPage } from '@/components/group-page';
import { prefetchGroupPage } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Group' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function GroupRoute({ params }: Props) {
  const { groupId } = await params;
  const viewer = await requireViewer(`/groups/${encodeURIComponent(groupId)}`);
  const initial = await prefetchGroupPage(viewer.accessToken, groupId);
  return <GroupPage groupId={groupId} initialGroup={initial.group} initialMembers={initial.members} />;
}
