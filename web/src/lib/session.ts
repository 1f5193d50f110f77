import { cache } from 'react';
import { redirect } from 'next/navigation';
import { getServerSession } from 'next-auth';
import { authOptions } from './auth';

export interface Viewer {
  id: string;
  name: string;
  email: string;
  accessToken: string;
  expiresAt: string;
  mustChangePassword: boolean;
}

/** The signed-in user with a live API token, or null. Cached for one request. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.accessToken || !session.expiresAt) return null;
  return {
    id: session.user.id,
    name: session.user.name,
    email: session.user.email,
    accessToken: session.accessToken,
    expiresAt: session.expiresAt,
    mustChangePassword: session.mustChangePassword,
  };
});

/** For pages behind sign-in: sends strangers to /signin and forces the password change first. */
export async function requireViewer(path: string, options: { allowPasswordChange?: boolean } = {}): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  if (viewer.mustChangePassword && !options.allowPasswordChange) redirect('/change-password');
  return viewer;
}
