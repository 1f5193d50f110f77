import type { Metadata } from 'next';
import { SponsorsPage } from '@/components/sponsors-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Sponsors' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function SponsorsRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}/sponsors`);
  return <SponsorsPage groupId={groupId} />;
}
