import type { Metadata } from 'next';
import { SponsorPublicPage } from '@/components/sponsor-public-page';

// A token in the URL is a bearer link: keep it out of search engines and other sites' logs.
export const metadata: Metadata = { title: 'Sponsor', robots: { index: false, follow: false }, referrer: 'no-referrer' };

interface Props {
  params: Promise<{ token: string }>;
}

/** The public page a sponsor opens from the link: no sign-in. */
export default async function SponsorRoute({ params }: Props) {
  const { token } = await params;
  return <SponsorPublicPage token={token} />;
}
