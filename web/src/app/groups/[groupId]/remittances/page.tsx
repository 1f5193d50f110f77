import type { Metadata } from 'next';
import { RemittancesPage } from '@/components/remittances-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Remittances' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function RemittancesRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}/remittances`);
  return <RemittancesPage groupId={groupId} />;
}
