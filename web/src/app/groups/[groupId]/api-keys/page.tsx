import type { Metadata } from 'next';
import { ApiKeysPage } from '@/components/api-keys-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'API keys' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function ApiKeysRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}/api-keys`);
  return <ApiKeysPage groupId={groupId} />;
}
