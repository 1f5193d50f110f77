import type { Metadata } from 'next';
import { GroupPage } from '@/components/group-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Group' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function GroupRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}`);
  return <GroupPage groupId={groupId} />;
}
