'use client';

// The three next-auth calls the console makes, without next-auth/react: that module weighs
// ~12 kB gzipped on every page and spends four round trips on a password sign-in
// (providers, csrf, callback, session); this needs one once the CSRF token is prefetched.
// It speaks next-auth 4's documented REST interface under /api/auth.

import { SignOutMutation } from '@/graphql/account';
import { graphqlRequest } from './api';
import { broadcastSessionChange, endSessionInThisTab } from './session-sync';

const BASE = '/api/auth';
/** How long signing out waits for the API to revoke the token before it goes on without it. */
const REVOKE_TIMEOUT_MS = 3_000;

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

/** The session's API token, to revoke on sign-out, and the API that issued it. */
export interface ApiToken {
  apiUrl: string;
  accessToken: string | undefined;
}

/**
 * Asks the API to revoke every token of the person (its signOut mutation): a copy of the token,
 * kept by a script or left in another browser, stops working too. Best effort: if the API is
 * slow or unreachable, signing out here goes on without it, and the token expires on its own.
 */
async function revokeApiToken({ apiUrl, accessToken }: ApiToken): Promise<void> {
  if (!accessToken) return;
  try {
    await graphqlRequest(apiUrl, SignOutMutation, {}, accessToken, REVOKE_TIMEOUT_MS);
  } catch {
    // Offline, timed out or refused (the token was already revoked or expired): nothing to undo.
  }
}

/**
 * Ends the session in every tab: the API revokes the token when `apiToken` is given (every
 * token of the person, so every browser and script signed in as them is signed out), next-auth
 * clears its cookie, this tab stops sending the API token at once and the others drop theirs
 * on the broadcast (see session-sync.ts). Leave `apiToken` out when the API has already
 * refused the token or the account is gone: there is nothing left to revoke.
 */
export async function signOut(callbackUrl = '/signin', apiToken?: ApiToken): Promise<void> {
  endSessionInThisTab();
  try {
    if (apiToken) await revokeApiToken(apiToken);
    await post('/signout', { callbackUrl });
  } finally {
    // After the cookie is gone, so the other tabs' way to the sign-in page is not sent back.
    broadcastSessionChange('signout');
    window.location.assign(callbackUrl);
  }
}
