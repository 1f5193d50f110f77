'use client';

// The three next-auth calls the console makes, without next-auth/react: that module weighs
// ~12 kB gzipped on every page and spends four round trips on a password sign-in
// (providers, csrf, callback, session); this needs one once the CSRF token is prefetched.
// It speaks next-auth 4's documented REST interface under /api/auth.

import { broadcastSessionChange, endSessionInThisTab } from './session-sync';

const BASE = '/api/auth';

let csrfPromise: Promise<string> | null = null;

/** Fetches (once) the token next-auth pairs with its CSRF cookie. */
export function prefetchCsrfToken(): Promise<string> {
  csrfPromise ??= fetch(`${BASE}/csrf`, { cache: 'no-store', credentials: 'same-origin' })
    .then((response) => response.json() as Promise<{ csrfToken: string }>)
    .then((body) => body.csrfToken)
    .catch((error: unknown) => {
      csrfPromise = null;
      throw error;
    });
  return csrfPromise;
}

async function post(path: string, fields: Record<string, string>): Promise<{ response: Response; url: URL | null }> {
  const csrfToken = await prefetchCsrfToken();
  const response = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, csrfToken, json: 'true' }),
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  return { response, url: body.url ? new URL(body.url, window.location.origin) : null };
}

export type PasswordSignInResult = { ok: true; url: string } | { ok: false; error: string };

export async function signInWithPassword(email: string, password: string, callbackUrl: string): Promise<PasswordSignInResult> {
  const { response, url } = await post('/callback/credentials', { email, password, callbackUrl });
  const error = url?.searchParams.get('error');
  if (error) return { ok: false, error };
  // A rejected CSRF token sends next-auth back to the sign-in page instead of the callback.
  if (!response.ok || !url || url.pathname === '/signin') {
    csrfPromise = null;
    return { ok: false, error: 'SignInFailed' };
  }
  // Another tab still showing an earlier session re-reads it and follows.
  broadcastSessionChange('signin');
  return { ok: true, url: `${url.pathname}${url.search}` };
}

/** Starts the Google OAuth dance: next-auth answers with Google's authorization URL. */
export async function signInWithGoogle(callbackUrl: string): Promise<void> {
  const { url } = await post('/signin/google', { callbackUrl });
  window.location.assign(url ? url.toString() : '/signin?error=SignInFailed');
}

/**
 * Ends the session in every tab: next-auth clears its cookie; this tab stops sending the API
 * token at once and the others drop theirs on the broadcast (see session-sync.ts). The API
 * token itself stays valid until it expires: the API has no way to revoke it.
 */
export async function signOut(callbackUrl = '/signin'): Promise<void> {
  endSessionInThisTab();
  try {
    await post('/signout', { callbackUrl });
  } finally {
    // After the cookie is gone, so the other tabs' way to the sign-in page is not sent back.
    broadcastSessionChange('signout');
    window.location.assign(callbackUrl);
  }
}
