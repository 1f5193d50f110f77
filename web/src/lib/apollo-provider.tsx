'use client';

import { useEffect, useMemo, type ReactNode } from 'react';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { signOut } from './auth-client';
import type { PublicConfig } from './config';
import { isUnauthenticated } from './graphql-errors';
import { GROUPS_PAGE_SIZE, GroupsQuery } from '@/graphql/groups';
import type { GroupsQuery as GroupsQueryData } from '@/gql/graphql';
import { LocaleProvider } from './locale';

interface MembersArgs {
  after?: string | null;
}

interface ConnectionShape {
  edges?: readonly unknown[];
}

function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // One cached list per group + filter; "Load more" appends pages fetched with `after`.
          members: {
            keyArgs: ['groupId', 'status', 'search'],
            merge(existing: ConnectionShape | undefined, incoming: ConnectionShape, { args }) {
              const after = (args as MembersArgs | null)?.after;
              if (!after || !existing) return incoming;
              return { ...incoming, edges: [...(existing.edges ?? []), ...(incoming.edges ?? [])] };
            },
          },
        },
      },
    },
  });
}

let signingOut = false;

/** The API no longer accepts our token (expired or revoked): back to the sign-in page, once. */
function endSession(): void {
  if (signingOut) return;
  signingOut = true;
  void signOut('/signin?error=SessionExpired');
}

// graphql-ws closes with 4401/4403 when the connection's token is refused; retrying with the
// same token would loop forever.
function isAuthClose(event: unknown): boolean {
  const code = (event as { code?: unknown } | null)?.code;
  return code === 4401 || code === 4403;
}

function createApolloClient(config: PublicConfig, accessToken: string | undefined, ws: Client | null): ApolloClient {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  const httpLink = new HttpLink({ uri: config.apiUrl, headers });

  const signOutWhenTokenRejected = new ErrorLink(({ error }) => {
    if (accessToken && isUnauthenticated(error)) endSession();
  });

  const transport = ws
    ? ApolloLink.split(
        ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
        new GraphQLWsLink(ws),
        httpLink,
      )
    : httpLink;

  return new ApolloClient({
    link: ApolloLink.from([signOutWhenTokenRejected, transport]),
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
      connectionParams: { authorization: `Bearer ${accessToken}` },
      // Phones drop sockets all the time (tunnels, sleep); keep trying with graphql-ws's backoff.
      retryAttempts: 1000,
      shouldRetry: (event) => !isAuthClose(event),
      on: {
        closed: (event) => {
          if (isAuthClose(event)) endSession();
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

  return (
    <LocaleProvider locale={locale}>
      <ApolloProvider client={client}>{children}</ApolloProvider>
    </LocaleProvider>
  );
}
