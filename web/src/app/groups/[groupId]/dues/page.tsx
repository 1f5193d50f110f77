import type { Metadata } from 'next';
import { DuesPage } from '@/components/dues-page';
import { prefetchBillingPeriods } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Dues' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function DuesRoute({ params }: Props) {
  const { groupId } = await params;
  const viewer = await requireViewer(`/groups/${encodeURIComponent(groupId)}/dues`);
  const initialPeriods = await prefetchBillingPeriods(viewer.accessToken, groupId);
  return <DuesPage groupId={groupId} initialPeriods={initialPeriods} />;
}
