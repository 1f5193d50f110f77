// Read at request time on the server, never inlined at build time: one build of the
// console must run against any API (dev, CI, staging, production).

export interface PublicConfig {
  apiUrl: string;
  wsUrl: string;
}

const DEV_SECRET = 'coffer-dev-only-nextauth-secret-change-me';

export function serverApiUrl(): string {
  return process.env.COFFER_API_URL || 'http://localhost:4000/graphql';
}

export function publicConfig(): PublicConfig {
  return {
    apiUrl: process.env.COFFER_PUBLIC_API_URL || 'http://localhost:4000/graphql',
    wsUrl: process.env.COFFER_PUBLIC_WS_URL || 'ws://localhost:4000/graphql',
  };
}

export function nextAuthSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') {
    throw new Error('NEXTAUTH_SECRET must be set in production');
  }
  return DEV_SECRET;
}

export function googleConfig(): { clientId: string; clientSecret: string } | null {
  const clientId = process.env.GOOGLE_CLIENT_ID;
  const clientSecret = process.env.GOOGLE_CLIENT_SECRET;
  return clientId && clientSecret ? { clientId, clientSecret } : null;
}

export function consoleSharedSecret(): string | undefined {
  return process.env.CONSOLE_SHARED_SECRET || undefined;
}

/** The API's origin, for its REST sidecar (e.g. /api/auth/federated-sign-in). */
export function serverApiOrigin(): string {
  return new URL(serverApiUrl()).origin;
}
