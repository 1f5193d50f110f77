import type { DefaultSession } from 'next-auth';

declare module 'next-auth' {
  interface User {
    accessToken?: string;
    expiresAt?: string;
    mustChangePassword?: boolean;
  }
  interface Session extends DefaultSession {
    user: { id: string; name: string; email: string };
    accessToken?: string;
    expiresAt?: string;
    mustChangePassword: boolean;
    error?: string;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    accessToken?: string;
    expiresAt?: string;
    mustChangePassword?: boolean;
    error?: string;
  }
}
