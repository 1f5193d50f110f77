import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { nextAuthSecret } from '@/lib/config';
import { safeCallbackPath } from '@/lib/format';

/**
 * Sends signed-out visitors to /signin (and back again afterwards) with a real 307 before any
 * page renders: pages stream behind a loading state, so a redirect from inside one would
 * arrive late, as a refresh tag. The pages still check the session themselves.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const token = await getToken({ req: request, secret: nextAuthSecret() });
  const signedIn = Boolean(token?.accessToken && token.expiresAt && Date.parse(token.expiresAt) > Date.now());
  const { pathname, search, searchParams } = request.nextUrl;

  if (pathname === '/signin') {
    if (!signedIn) return NextResponse.next();
    const next = token?.mustChangePassword ? '/change-password' : safeCallbackPath(searchParams.get('callbackUrl'));
    return NextResponse.redirect(new URL(next, request.url));
  }
  if (!signedIn) {
    const signInUrl = new URL('/signin', request.url);
    if (pathname !== '/') signInUrl.searchParams.set('callbackUrl', `${pathname}${search}`);
    // A session cookie whose API token has run out: say why the user is back here.
    if (token) signInUrl.searchParams.set('error', 'SessionExpired');
    return NextResponse.redirect(signInUrl);
  }
  if (token?.mustChangePassword && pathname !== '/change-password') {
    return NextResponse.redirect(new URL('/change-password', request.url));
  }
  return NextResponse.next();
}

export const config = {
  // Everything but next-auth's own routes, build assets, the icon and the public sponsor pages.
  matcher: ['/((?!api/|_next/|icon|favicon|sponsor/).*)'],
};
