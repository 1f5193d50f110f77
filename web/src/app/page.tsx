import type { Metadata } from 'next';
import { GroupsPage } from '@/components/groups-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Groups' };

export default async function HomePage() {
  await requireViewer('/');
  return <GroupsPage />;
}
