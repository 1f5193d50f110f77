import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  body: string;
}

/** What the receiver answers on a path: a status (and body), after an optional delay. */
export interface ReceiverBehaviour {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A local HTTP server standing in for an integrator's endpoint: it records
 * every request and answers each path as told (200 by default).
 */
export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  on(path: string, behaviour: ReceiverBehaviour): void;
  /** Requests to a path so far. */
  at(path: string): ReceivedRequest[];
  /** Waits until `count` requests reached `path`. */
  waitFor(path: string, count?: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const behaviours = new Map<string, ReceiverBehaviour>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const behaviour = behaviours.get(path) ?? { status: 200, body: 'ok' };
      const answer = (): void => {
        if (res.destroyed) return;
        res.writeHead(behaviour.status, behaviour.headers).end(behaviour.body ?? '');
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const at = (path: string): ReceivedRequest[] => received.filter((r) => r.path === path);
  return {
    url,
    received,
    on: (path, behaviour) => behaviours.set(path, behaviour),
    at,
    async waitFor(path, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (at(path).length < count) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count} request(s) at ${path}; got ${at(path).length}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return at(path);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
