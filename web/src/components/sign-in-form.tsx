'use client';

import { useState, type FormEvent } from 'react';
import { signIn } from 'next-auth/react';
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
      const result = await signIn('credentials', { email, password, redirect: false, callbackUrl: callbackPath });
      if (!result || result.error) {
        setError(signInErrorMessage(result?.error ?? 'SignInFailed'));
        setPending(false);
        return;
      }
      // A full navigation, so the server renders the console with the new session cookie.
      window.location.assign(safeCallbackPath(result.url ?? callbackPath));
    } catch {
      setError(signInErrorMessage('ApiUnavailable'));
      setPending(false);
    }
  }

  return (
    <>
      <form className="form" onSubmit={onSubmit} noValidate>
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
          onClick={() => void signIn('google', { callbackUrl: callbackPath })}
        >
          Sign in with Google
        </button>
      ) : null}
    </>
  );
}
