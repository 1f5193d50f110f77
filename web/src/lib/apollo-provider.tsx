'use client';

import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { throwError } from 'rxjs';
import { signOut } from './auth-client';
import { announceHydrated } from './form-guard';
import { browserSessionToken, endSessionInThisTab, sessionEnded, watchSession } from './session-sync';
import type { PublicConfig } from './config';
import { hasReason, isUnauthenticated } from './graphql-errors';
import { CONSOLE_CLIENT_HEADER, CONSOLE_CLIENT_NAME, persistedDocumentHash } from './persisted-documents';
import { GROUPS_PAGE_SIZE, GroupsQuery } from '@/graphql/groups';
import type { GroupsQuery as GroupsQueryData } from '@/gql/graphql';
import { LocaleProvider } from './locale';

interface PageArgs {
  after?: string | null;
}

interface ConnectionShape {
  edges?: readonly unknown[];
}

/**
 * One cached list per filter (keyArgs); "Load more" appends the pages fetched with `after`,
 * while a fetch without `after` (first page, refetch, live update) replaces the list.
 */
function cursorList(keyArgs: string[]) {
  return {
    keyArgs,
    merge(existing: ConnectionShape | undefined, incoming: ConnectionShape, { args }: { args: Record<string, unknown> | null }) {
      const after = (args as PageArgs | null)?.after;
      if (!after || !existing) return incoming;
      return { ...incoming, edges: [...(existing.edges ?? []), ...(incoming.edges ?? [])] };
    },
  };
}

function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          members: cursorList(['groupId', 'status', 'search']),
          // A member already in the cache (from the members table) answers member(id) without a request.
          member: {
            read(existing: unknown, { args, toReference }) {
              const id = (args as { id?: string } | null)?.id;
              return existing ?? (id ? toReference({ __typename: 'Member', id }) : undefined);
            },
          },
          transactions: cursorList(['groupId', 'type', 'category', 'approvalStatus', 'memberId', 'from', 'to']),
          approvals: cursorList(['groupId', 'status', 'entityType']),
          auditLog: cursorList(['groupId', 'entityType', 'from', 'to']),
          activityLog: cursorList(['groupId', 'userId', 'action', 'from', 'to']),
          sponsors: cursorList(['groupId', 'search']),
          sponsorLinks: cursorList(['groupId', 'sponsorId', 'status']),
          webhookDeliveries: cursorList(['endpointId', 'status']),
          myNotifications: cursorList(['unreadOnly']),
        },
      },
      // A group's settings have no id of their own: the dues page reads a few billing fields, the
      // settings page all of them. Merged, neither answer wipes the fields the other one read.
      BillingSettings: { merge: true },
      MembershipFees: { merge: true },
      PaymentSettings: { merge: true },
    },
  });
}

/** For the few calls that are not Apollo's (printable receipts on the REST sidecar, revoking the token on sign-out). */
export interface ApiAccess {
  apiOrigin: string;
  apiUrl: string;
  accessToken: string | undefined;
}

const ApiAccessContext = createContext<ApiAccess>({ apiOrigin: '', apiUrl: '', accessToken: undefined });

export function useApiAccess(): ApiAccess {
  return useContext(ApiAccessContext);
}

let signingOut = false;

/** The sign-in page, which says the session has ended, and brings the person back here after signing in. */
function sessionExpiredSignInUrl(): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return `/signin?error=SessionExpired&callbackUrl=${encodeURIComponent(here)}`;
}

/**
 * The API no longer accepts our token (expired, or revoked: signed out elsewhere, password
 * changed): back to the sign-in page, once. Not while this tab's session is already over (it
 * is signing out, or following a new session), and not when the browser already holds another
 * session (signed in again in another tab, as after a password change): signing out would end
 * that one too, so the tab reloads with it instead.
 */
function endSession(rejectedToken: string): void {
  if (signingOut || sessionEnded()) return;
  signingOut = true;
  void browserSessionToken().then((current) => {
    if (sessionEnded()) return;
    if (current && current !== rejectedToken) {
      endSessionInThisTab();
      window.location.reload();
      return;
    }
    // The API refused the token: nothing to revoke.
    void signOut(sessionExpiredSignInUrl());
  });
}

// graphql-ws closes with 4401/4403 when the connection's token is refused; retrying with the
// same token would loop forever.
function isAuthClose(event: unknown): boolean {
  const code = (event as { code?: unknown } | null)?.code;
  return code === 4401 || code === 4403;
}

function createApolloClient(config: PublicConfig, accessToken: string | undefined, ws: Client | null): ApolloClient {
  const headers: Record<string, string> = { [CONSOLE_CLIENT_HEADER]: CONSOLE_CLIENT_NAME, ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) };
  const httpLink = new HttpLink({ uri: config.apiUrl, headers });

  // Operations go by their codegen hash; the API runs the matching document from the console's
  // manifest. Only an API that does not know the hash (PERSISTED_DOCUMENTS=off) gets the text, on retry.
  const persistedQueries = new PersistedQueryLink({
    generateHash: persistedDocumentHash,
    retry: ({ error }) => hasReason(error, 'PERSISTED_QUERY_NOT_FOUND'),
  });

  // Once the session has ended (here or in another tab), the old token goes nowhere.
  const refuseAfterSessionEnd = new ApolloLink((operation, forward) =>
    sessionEnded() ? throwError(() => new Error('You have been signed out. Sign in again to continue.')) : forward(operation),
  );

  const signOutWhenTokenRejected = new ErrorLink(({ error }) => {
    if (accessToken && isUnauthenticated(error)) endSession(accessToken);
  });

  const transport = ws
    ? ApolloLink.split(
        ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
        new GraphQLWsLink(ws),
        httpLink,
      )
    : httpLink;

  return new ApolloClient({
    link: ApolloLink.from([refuseAfterSessionEnd, signOutWhenTokenRejected, persistedQueries, transport]),
    cache: createCache(),
    ssrMode: typeof window === 'undefined',
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network', nextFetchPolicy: 'cache-first' },
    },
  });
}

interface Props {
  config: PublicConfig;
  accessToken: string | undefined;
  locale: string;
  /** The viewer's groups, fetched by the server for the header's switcher. */
  initialGroups: GroupsQueryData | undefined;
  children: ReactNode;
}

export function Providers({ config, accessToken, locale, initialGroups, children }: Props) {
  // The socket only exists in the browser, and only for a signed-in user; graphql-ws opens it
  // lazily on the first subscription and closes it when none is left.
  const ws = useMemo<Client | null>(() => {
    if (typeof window === 'undefined' || !accessToken) return null;
    return createClient({
      url: config.wsUrl,
      connectionParams: { authorization: `Bearer ${accessToken}`, client: CONSOLE_CLIENT_NAME },
      // Phones drop sockets all the time (tunnels, sleep); keep trying with graphql-ws's backoff.
      retryAttempts: 1000,
      shouldRetry: (event) => !isAuthClose(event),
      on: {
        closed: (event) => {
          if (isAuthClose(event)) endSession(accessToken);
        },
      },
    });
  }, [config.wsUrl, accessToken]);

  const client = useMemo(() => {
    const created = createApolloClient({ apiUrl: config.apiUrl, wsUrl: config.wsUrl }, accessToken, ws);
    if (initialGroups) {
      created.writeQuery({ query: GroupsQuery, variables: { first: GROUPS_PAGE_SIZE }, data: initialGroups });
    }
    return created;
    // initialGroups only seeds a new client (not a dependency): later renders must not
    // overwrite fresher data with what the server saw at page load.
  }, [config.apiUrl, config.wsUrl, accessToken, ws]);

  useEffect(() => {
    if (!ws) return undefined;
    // Events published while the socket was down are lost: re-read what is on screen.
    const off = ws.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) void client.refetchObservableQueries();
    });
    return () => {
      off();
      void ws.dispose();
    };
  }, [ws, client]);

  // Forms submitted before this point were held by the inline form guard (lib/form-guard.ts).
  useEffect(() => {
    announceHydrated();
  }, []);

  // Signed out in another tab, cookie cleared, or another sign-in: this tab stops acting for the
  // old session (no request, no socket, no cached data) and follows the browser's session.
  useEffect(() => {
    if (!accessToken) return undefined;
    return watchSession(accessToken, (change) => {
      client.stop();
      void client.clearStore();
      void ws?.dispose();
      if (change === 'replaced') {
        window.location.reload();
        return;
      }
      window.location.replace(sessionExpiredSignInUrl());
    });
  }, [accessToken, client, ws]);

  const apiAccess = useMemo<ApiAccess>(
    () => ({ apiOrigin: new URL(config.apiUrl).origin, apiUrl: config.apiUrl, accessToken }),
    [config.apiUrl, accessToken],
  );

  return (
    <LocaleProvider locale={locale}>
      <ApiAccessContext.Provider value={apiAccess}>
        <ApolloProvider client={client}>{children}</ApolloProvider>
      </ApiAccessContext.Provider>
    </LocaleProvider>
  );
}
