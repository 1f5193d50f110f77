export type SignInErrorCode =
  | 'InvalidCredentials'
  | 'RateLimited'
  | 'ApiUnavailable'
  | 'SignInFailed'
  | 'SessionExpired'
  | 'NoCofferAccount'
  | 'GoogleNotConfigured'
  | 'GoogleEmailUnverified';

const MESSAGES: Record<SignInErrorCode, string> = {
  InvalidCredentials: 'Wrong e-mail or password.',
  RateLimited: 'Too many attempts, try again in 15 minutes.',
  ApiUnavailable: 'Coffer is not reachable right now. Check your connection and try again.',
  SignInFailed: 'Sign-in failed. Please try again.',
  SessionExpired: 'Your session has ended. Please sign in again.',
  NoCofferAccount: 'There is no Coffer account for that Google address. Ask your group admin to add you.',
  GoogleNotConfigured: 'Google sign-in is not set up on this server.',
  GoogleEmailUnverified: 'Google has not verified that e-mail address.',
};

function isSignInErrorCode(value: string): value is SignInErrorCode {
  return Object.prototype.hasOwnProperty.call(MESSAGES, value);
}

/** Turns next-auth's `?error=` value (ours or its own, e.g. CredentialsSignin) into words. */
export function signInErrorMessage(error: string | null | undefined): string | null {
  if (!error) return null;
  if (isSignInErrorCode(error)) return MESSAGES[error];
  if (error === 'CredentialsSignin') return MESSAGES.InvalidCredentials;
  return MESSAGES.SignInFailed;
}
