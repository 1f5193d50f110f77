import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpStub {
  url: string;
  requests: StubRequest[];
  /** What the next requests are answered with. */
  respond: { status: number; body: unknown };
  close(): Promise<void>;
}

/** A local HTTP server standing in for a third party's API (WhatsApp Cloud API, an integrator's endpoint). */
export async function startHttpStub(): Promise<HttpStub> {
  const stub: HttpStub = { url: '', requests: [], respond: { status: 200, body: {} }, close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      stub.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(stub.respond.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stub.respond.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return stub;
}
