import type { Metadata } from 'next';
import { InboxPage } from '@/components/inbox-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsRoute() {
  await requireViewer('/notifications');
  return <InboxPage />;
}
