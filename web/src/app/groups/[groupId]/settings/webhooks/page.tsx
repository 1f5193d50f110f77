import type { Metadata } from 'next';
import { WebhooksPage } from '@/components/webhooks-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Webhooks' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function WebhooksRoute({ params }: Props) {
  const { groupId } = await params;
  await requireViewer(`/groups/${encodeURIComponent(groupId)}/settings/webhooks`);
  return <WebhooksPage groupId={groupId} />;
}
