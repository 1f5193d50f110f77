'use client';

/**
 * One session for every tab of the browser. The console's API token lives in each tab's memory
 * (Apollo's headers, the subscription socket), while the session itself is next-auth's cookie: a
 * tab would go on acting with the token of a session that was ended in another tab, or whose
 * cookie was cleared, until the API refused the token (signing out revokes it, but only when the
 * API could be reached) or it expired (up to an hour).
 *
 * next-auth 4's own client (next-auth/react, not used here: see auth-client.ts) tells the other
 * tabs through a localStorage key, 'nextauth.message', and re-reads the session when a tab comes
 * back into view. This speaks the same message and does the same, and a tab whose session has
 * ended stops sending its token at once and goes to the sign-in page.
 */

const MESSAGE_KEY = 'nextauth.message';
/** While a tab is in view, the session is re-read this often even without any event. */
const RECHECK_MS = 60_000;

type Trigger = 'signout' | 'signin';

interface SessionMessage {
  event?: string;
  data?: { trigger?: string };
}

let ended = false;

/** True once this tab's session has ended: the API client refuses to send the old token. */
export function sessionEnded(): boolean {
  return ended;
}

/** For the tab that signs out itself: nothing more goes out with its token while it navigates away. */
export function endSessionInThisTab(): void {
  ended = true;
}

/** Tells the other tabs (next-auth's message format: they re-read or drop their session). */
export function broadcastSessionChange(trigger: Trigger): void {
  try {
    localStorage.setItem(MESSAGE_KEY, JSON.stringify({ event: 'session', data: { trigger }, timestamp: Math.floor(Date.now() / 1000) }));
  } catch {
    // Storage can be full or blocked (private mode): the other tabs still re-check on focus.
  }
}

function parseMessage(value: string | null): SessionMessage | null {
  try {
    return value ? (JSON.parse(value) as SessionMessage) : null;
  } catch {
    return null;
  }
}

/**
 * The API token of the session the browser holds now (next-auth's cookie): null when there is
 * none (signed out, cookie cleared, expired), undefined when it could not be read (offline).
 */
export async function browserSessionToken(): Promise<string | null | undefined> {
  try {
    const response = await fetch('/api/auth/session', { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return undefined;
    const session = (await response.json()) as { accessToken?: string } | null;
    return session?.accessToken ?? null;
  } catch {
    return undefined;
  }
}

type SessionChange = 'ended' | 'replaced';

/**
 * Watches the session this tab was rendered with (identified by its API token): `onChange` is
 * called once, with 'ended' when it is gone (signed out elsewhere, cookie cleared, expired) and
 * 'replaced' when the browser now holds another one (signed in again, maybe as someone else).
 * A failed check (offline, server down) changes nothing. Returns the cleanup.
 */
export function watchSession(accessToken: string, onChange: (change: SessionChange) => void): () => void {
  let checking: Promise<void> | null = null;

  function finish(change: SessionChange) {
    if (ended) return;
    ended = true;
    onChange(change);
  }

  function check(): void {
    if (ended || checking) return;
    checking = browserSessionToken()
      .then((current) => {
        if (current === undefined) return;
        if (current === null) finish('ended');
        else if (current !== accessToken) finish('replaced');
      })
      .finally(() => {
        checking = null;
      });
  }

  function onStorage(event: StorageEvent) {
    if (event.key !== MESSAGE_KEY) return;
    const message = parseMessage(event.newValue);
    if (message?.event !== 'session') return;
    // A sign-out needs no confirmation: the person asked for it, here or in the other tab.
    if (message.data?.trigger === 'signout') finish('ended');
    else check();
  }

  function onVisible() {
    if (document.visibilityState === 'visible') check();
  }

  function onPageShow(event: PageTransitionEvent) {
    // Restored from the back/forward cache: the page's memory is from before.
    if (event.persisted) check();
  }

  const timer = window.setInterval(onVisible, RECHECK_MS);
  window.addEventListener('storage', onStorage);
  window.addEventListener('focus', check);
  window.addEventListener('online', check);
  window.addEventListener('pageshow', onPageShow);
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    window.clearInterval(timer);
    window.removeEventListener('storage', onStorage);
    window.removeEventListener('focus', check);
    window.removeEventListener('online', check);
    window.removeEventListener('pageshow', onPageShow);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
