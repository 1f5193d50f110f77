import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { connection } from 'next/server';
import { CofferApolloProvider } from '@/lib/apollo-provider';
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
  return (
    <html lang="en">
      <body>
        <CofferApolloProvider config={publicConfig()} accessToken={viewer?.accessToken}>
          {viewer ? (
            <AppHeader userName={viewer.name || viewer.email} showGroups={!viewer.mustChangePassword} />
          ) : null}
          <main className="page">{children}</main>
        </CofferApolloProvider>
      </body>
    </html>
  );
}
