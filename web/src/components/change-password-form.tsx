'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { signInWithPassword, signOut } from '@/lib/auth-client';
import { endSessionInThisTab } from '@/lib/session-sync';
import { ChangePasswordMutation } from '@/graphql/account';
import { errorCode, errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { FormError, TextField } from './field';

export function ChangePasswordForm({ email }: { email: string }) {
  const [changePassword, { loading }] = useMutation(ChangePasswordMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const currentPassword = String(form.get('currentPassword') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    const confirm = String(form.get('confirmPassword') ?? '');
    const local: Record<string, string> = {};
    if (!currentPassword) local.currentPassword = 'Enter your current password.';
    if (!newPassword) local.newPassword = 'Choose a new password.';
    if (newPassword && confirm !== newPassword) local.confirmPassword = 'The passwords do not match.';
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return;

    try {
      await changePassword({ variables: { currentPassword, newPassword } });
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) {
        setFormError(errorCode(error) === 'UNAUTHENTICATED' ? 'Your current password is not right.' : errorMessage(error));
      }
      return;
    }
    setDone(true);
    // The change revoked every token of the person, this tab's included: nothing more goes out with
    // it (a refusal would sign out the session about to replace it). Sign in again so the session
    // carries a fresh token without the "must change" flag.
    endSessionInThisTab();
    const result = await signInWithPassword(email, newPassword, '/').catch(() => null);
    if (result?.ok) window.location.assign('/');
    // The session left holds the revoked token: end it, and sign in by hand.
    else await signOut('/signin');
  }

  return (
    <form method="post" className="form" onSubmit={onSubmit} noValidate>
      <FormError>{formError}</FormError>
      {done ? <p role="status">Password changed. Taking you to your groups…</p> : null}
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={errors.currentPassword}
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        error={errors.newPassword}
      />
      <TextField
        label="Repeat new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        error={errors.confirmPassword}
      />
      <button type="submit" className="button button--primary button--block" disabled={loading || done}>
        {loading ? 'Saving…' : 'Change password'}
      </button>
    </form>
  );
}
