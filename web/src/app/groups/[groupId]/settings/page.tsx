import type { Metadata } from 'next';
import { GroupSettingsPage } from '@/components/group-settings-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Settings' };

interface Props {
  params: Promise<{ groupId: string }>;
}

/** Admins only: the page itself tells anyone else so (the API gives them no settings to show). */
export default async function GroupSettingsRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}/settings`);
  return <GroupSettingsPage groupId={groupId} />;
}
