import type { Metadata } from 'next';
import { LogsPage } from '@/components/logs-page';
import { prefetchAuditLog } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Audit & activity' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function ActivityRoute({ params }: Props) {
  const { groupId } = await params;
  const viewer = await requireViewer(`/groups/${encodeURIComponent(groupId)}/activity`);
  return <LogsPage groupId={groupId} initialAudit={await prefetchAuditLog(viewer.accessToken, groupId)} />;
}
