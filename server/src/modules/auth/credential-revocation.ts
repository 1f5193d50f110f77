import type { EventBus } from '../../shared/event-bus';
import type { Viewer } from './viewer';

/**
 * Told to every instance when credentials stop being valid before their time:
 * a person signed out, changed their password or erased their account (key
 * `user:<id>`), or an admin revoked an API key (`apiKey:<id>`). HTTP requests
 * need no telling (each checks its credential); an open graphql-ws socket
 * does, since its running subscriptions would otherwise go on until the token
 * expires, or for ever for an API key. The event carries no detail: a socket
 * that hears it checks its own credential again.
 */
export const CREDENTIALS_REVOKED_TOPIC = 'credentials.revoked';

export const userCredentialKey = (userId: string): string => `user:${userId}`;
export const apiKeyCredentialKey = (apiKeyId: string): string => `apiKey:${apiKeyId}`;

/** The key a socket opened with this viewer listens on; none for anonymous viewers. */
export function credentialKeyOf(viewer: Viewer): string | undefined {
  if (viewer.kind === 'user') return userCredentialKey(viewer.user.id);
  if (viewer.kind === 'apiKey') return apiKeyCredentialKey(viewer.apiKey.id);
  return undefined;
}

/** After the commit that revoked them. */
export async function announceRevokedCredentials(events: EventBus, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((key) => events.publish({ topic: CREDENTIALS_REVOKED_TOPIC, key, data: {} })));
}
