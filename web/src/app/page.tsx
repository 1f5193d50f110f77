import type { Metadata } from 'next';
import { GroupsPage } from '@/components/groups-page';
import { prefetchGroups } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Groups' };

export default async function HomePage() {
  const viewer = await requireViewer('/');
  return <GroupsPage initial={await prefetchGroups(viewer.accessToken)} />;
}
