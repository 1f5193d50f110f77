import type { Metadata } from 'next';
import { ApprovalsPage } from '@/components/approvals-page';
import { prefetchApprovalsPage } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Approvals' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function ApprovalsRoute({ params }: Props) {
  const { groupId } = await params;
  const viewer = await requireViewer(`/groups/${encodeURIComponent(groupId)}/approvals`);
  const initial = await prefetchApprovalsPage(viewer.accessToken, groupId);
  return <ApprovalsPage groupId={groupId} initialPending={initial.pending} initialRecent={initial.recent} />;
}
