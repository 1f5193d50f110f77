import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { connection } from 'next/server';
import { Providers } from '@/lib/apollo-provider';
import { prefetchGroups, prefetchLanguage } from '@/lib/prefetch';
import { requestLocale } from '@/lib/request-locale';
import { publicConfig } from '@/lib/config';
import { getViewer } from '@/lib/session';
import { AppHeader } from '@/components/app-header';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Coffer', template: '%s · Coffer' },
  description: 'Back office for groups that collect money together',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#14532d',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: the API URLs come from the environment the server runs in.
  await connection();
  const viewer = await getViewer();
  const showGroups = viewer !== null && !viewer.mustChangePassword;
  const [language, initialGroups] = await Promise.all([
    viewer ? prefetchLanguage(viewer.accessToken) : undefined,
    viewer && showGroups ? prefetchGroups(viewer.accessToken) : undefined,
  ]);
  const locale = await requestLocale(language);
  return (
    <html lang="en">
      <body>
        <Providers
          config={publicConfig()}
          accessToken={viewer?.accessToken}
          locale={locale}
          initialGroups={initialGroups}
        >
          {viewer ? (
            <AppHeader userName={viewer.name || viewer.email} showGroups={showGroups} />
          ) : null}
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
