import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/sign-in-form';
import { googleConfig } from '@/lib/config';
import { safeCallbackPath } from '@/lib/format';
import { getViewer } from '@/lib/session';
import { signInErrorMessage } from '@/lib/sign-in-errors';

export const metadata: Metadata = { title: 'Sign in' };

interface Props {
  searchParams: Promise<{ error?: string | string[]; callbackUrl?: string | string[] }>;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(first(params.callbackUrl));
  const viewer = await getViewer();
  if (viewer) redirect(viewer.mustChangePassword ? '/change-password' : callbackPath);
  return (
    <div className="auth-card">
      <h1>Sign in to Coffer</h1>
      <SignInForm
        callbackPath={callbackPath}
        initialError={signInErrorMessage(first(params.error))}
        googleEnabled={googleConfig() !== null}
      />
    </div>
  );
}
