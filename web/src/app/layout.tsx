import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { connection } from 'next/server';
import { Providers } from '@/lib/apollo-provider';
import { prefetchGroups, prefetchLanguage } from '@/lib/prefetch';
import { requestLocale } from '@/lib/request-locale';
import { publicConfig } from '@/lib/config';
import { getViewer } from '@/lib/session';
import { AppHeader } from '@/components/app-header';
import { FORM_GUARD_SCRIPT, FORM_GUARD_STATUS_ID } from '@/lib/form-guard';
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
      <head>
        {/* First thing in the page: holds forms submitted before React has hydrated (see lib/form-guard.ts). */}
        <script dangerouslySetInnerHTML={{ __html: FORM_GUARD_SCRIPT }} />
      </head>
      <body>
        <noscript>
          <p className="notice notice--warn" style={{ margin: '16px auto', maxWidth: '40rem' }}>
            Coffer needs JavaScript. Turn it on in your browser to sign in and use the console.
          </p>
        </noscript>
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
        {/* The form guard's messages. React renders it empty and never hydrates its content, so the
            guard can write into it before hydration; fixed at the bottom, it covers nothing while empty. */}
        <div
          id={FORM_GUARD_STATUS_ID}
          role="status"
          aria-live="polite"
          style={{ position: 'fixed', insetInline: 16, bottom: 0, zIndex: 50, pointerEvents: 'none' }}
          dangerouslySetInnerHTML={{ __html: '' }}
        />
      </body>
    </html>
  );
}
