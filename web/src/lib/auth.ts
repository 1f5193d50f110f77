import type { NextAuthOptions, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import CredentialsProvider from 'next-auth/providers/credentials';
import GoogleProvider from 'next-auth/providers/google';
import { graphql } from '@/gql';
import { serverGraphql } from './api';
import { consoleSharedSecret, googleConfig, nextAuthSecret, serverApiOrigin } from './config';
import type { SignInErrorCode } from './sign-in-errors';

const SignInMutation = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      accessToken
      expiresAt
      user {
        id
        email
        name
        mustChangePassword
      }
    }
  }
`);

/** Errors thrown from next-auth callbacks travel to the sign-in page as `?error=<message>`. */
class SignInError extends Error {
  constructor(code: SignInErrorCode) {
    super(code);
  }
}

async function signInWithPassword(email: string, password: string): Promise<User> {
  let result;
  try {
    result = await serverGraphql(SignInMutation, { email, password });
  } catch {
    throw new SignInError('ApiUnavailable');
  }
  const code = result.errors[0]?.extensions?.code;
  if (code === 'RATE_LIMITED') throw new SignInError('RateLimited');
  if (code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' || code === 'FORBIDDEN') {
    throw new SignInError('InvalidCredentials');
  }
  const payload = result.data?.signIn;
  if (!payload) throw new SignInError('SignInFailed');
  return {
    id: payload.user.id,
    email: payload.user.email,
    name: payload.user.name,
    accessToken: payload.accessToken,
    expiresAt: payload.expiresAt,
    mustChangePassword: payload.user.mustChangePassword,
  };
}

interface FederatedSignInBody {
  data?: {
    accessToken: string;
    expiresAt: string;
    user: { id: string; email: string; name: string; mustChangePassword?: boolean };
  };
  error?: { code: string; message: string };
}

/** Trades a Google identity (already verified by next-auth) for an API token. */
async function exchangeGoogleIdentity(email: string, name: string): Promise<Partial<JWT>> {
  const secret = consoleSharedSecret();
  if (!secret) return { error: 'GoogleNotConfigured' };
  let response: Response;
  try {
    response = await fetch(`${serverApiOrigin()}/api/auth/federated-sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-secret': secret },
      body: JSON.stringify({ email, name }),
      cache: 'no-store',
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return { error: 'ApiUnavailable' };
  }
  const body = (await response.json().catch(() => ({}))) as FederatedSignInBody;
  if (response.status === 404 || body.error?.code === 'NOT_FOUND') return { error: 'NoCofferAccount' };
  if (body.error?.code === 'RATE_LIMITED') return { error: 'RateLimited' };
  if (!response.ok || !body.data) return { error: 'SignInFailed' };
  return {
    sub: body.data.user.id,
    name: body.data.user.name,
    email: body.data.user.email,
    accessToken: body.data.accessToken,
    expiresAt: body.data.expiresAt,
    mustChangePassword: body.data.user.mustChangePassword ?? false,
    error: undefined,
  };
}

function isExpired(expiresAt: string | undefined): boolean {
  return !expiresAt || Date.parse(expiresAt) <= Date.now();
}

/** Built per request so configuration is read at run time, not when the build evaluates modules. */
export function authOptions(): NextAuthOptions {
  const google = googleConfig();
  return {
    secret: nextAuthSecret(),
    session: { strategy: 'jwt' },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'E-mail and password',
        credentials: {
          email: { label: 'E-mail', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(credentials) {
          const email = credentials?.email?.trim();
          const password = credentials?.password;
          if (!email || !password) throw new SignInError('InvalidCredentials');
          return signInWithPassword(email, password);
        },
      }),
      ...(google ? [GoogleProvider({ clientId: google.clientId, clientSecret: google.clientSecret })] : []),
    ],
    callbacks: {
      signIn({ account, profile }) {
        // Only a Google address Google itself has verified may stand for a Coffer user.
        if (account?.provider === 'google') {
          const verified = (profile as { email_verified?: boolean } | undefined)?.email_verified;
          return verified === true ? true : '/signin?error=GoogleEmailUnverified';
        }
        return true;
      },
      async jwt({ token, user, account, trigger }) {
        if (trigger === 'signIn' && account?.provider === 'credentials') {
          return {
            sub: user.id,
            name: user.name,
            email: user.email,
            accessToken: user.accessToken,
            expiresAt: user.expiresAt,
            mustChangePassword: user.mustChangePassword ?? false,
          };
        }
        if (trigger === 'signIn' && account?.provider === 'google') {
          const email = user.email ?? token.email;
          if (!email) return { ...token, accessToken: undefined, error: 'NoCofferAccount' };
          return { ...token, accessToken: undefined, ...(await exchangeGoogleIdentity(email, user.name ?? email)) };
        }
        return token;
      },
      session({ session, token }) {
        // The API token is the real credential: once it has expired the console is signed out.
        const valid = Boolean(token.accessToken) && !isExpired(token.expiresAt);
        return {
          expires: session.expires,
          user: { id: token.sub ?? '', name: token.name ?? '', email: token.email ?? '' },
          accessToken: valid ? token.accessToken : undefined,
          expiresAt: valid ? token.expiresAt : undefined,
          mustChangePassword: token.mustChangePassword ?? false,
          error: valid ? undefined : (token.error ?? 'SessionExpired'),
        };
      },
    },
  };
}
