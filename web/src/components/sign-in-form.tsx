'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { prefetchCsrfToken, signInWithGoogle, signInWithPassword } from '@/lib/auth-client';
import { FormError, TextField } from './field';
import { signInErrorMessage } from '@/lib/sign-in-errors';
import { safeCallbackPath } from '@/lib/format';

interface Props {
  callbackPath: string;
  initialError: string | null;
  googleEnabled: boolean;
}

export function SignInForm({ callbackPath, initialError, googleEnabled }: Props) {
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  // Ready before the user finishes typing, so "Sign in" costs a single request.
  useEffect(() => {
    prefetchCsrfToken().catch(() => undefined);
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      setError('Enter your e-mail and password.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      const result = await signInWithPassword(email, password, callbackPath);
      if (!result.ok) {
        setError(signInErrorMessage(result.error));
        setPending(false);
        return;
      }
      // A full navigation, so the server renders the console with the new session cookie.
      window.location.assign(safeCallbackPath(result.url));
    } catch {
      setError(signInErrorMessage('ApiUnavailable'));
      setPending(false);
    }
  }

  return (
    <>
      <form method="post" className="form" onSubmit={onSubmit} noValidate>
        <FormError>{error}</FormError>
        <TextField label="E-mail" name="email" type="email" autoComplete="username" inputMode="email" required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" className="button button--primary button--block" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {googleEnabled ? (
        <button
          type="button"
          className="button button--block"
          onClick={() => void signInWithGoogle(callbackPath)}
        >
          Sign in with Google
        </button>
      ) : null}
    </>
  );
}
