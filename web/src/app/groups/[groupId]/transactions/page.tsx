import type { Metadata } from 'next';
import { TransactionsPage } from '@/components/transactions-page';
import { prefetchTransactionsPage } from '@/lib/prefetch';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Transactions' };

interface Props {
  params: Promise<{ groupId: string }>;
}

export default async function TransactionsRoute({ params }: Props) {
  const { groupId } = await params;
  const viewer = await requireViewer(`/groups/${encodeURIComponent(groupId)}/transactions`);
  const initial = await prefetchTransactionsPage(viewer.accessToken, groupId);
  return (
    <TransactionsPage groupId={groupId} initialTransactions={initial.transactions} initialBalance={initial.balance} />
  );
}
