import type { Metadata } from 'next';
import { AccountPage } from '@/components/account-page';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'My account' };

export default async function AccountRoute() {
  await requireViewer('/account');
  return <AccountPage />;
}
