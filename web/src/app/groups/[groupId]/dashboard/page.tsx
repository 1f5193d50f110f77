import type { Metadata } from 'next';
import { DashboardPage } from '@/components/dashboard-page';
import { prefetchDashboard } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Dashboard' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function DashboardRoute({ params }: Props) {
  const { groupId } = await params;
  const viewer = await requireViewer(`/groups/${encodeURIComponent(groupId)}/dashboard`);
  return <DashboardPage groupId={groupId} initialDashboard={await prefetchDashboard(viewer.accessToken, groupId)} />;
}
