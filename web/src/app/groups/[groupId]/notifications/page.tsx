import type { Metadata } from 'next';
import { NotificationsPage } from '@/components/notifications-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Notifications' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function NotificationsRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}/notifications`);
  return <NotificationsPage groupId={groupId} />;
}
