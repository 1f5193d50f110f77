import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message (headers and body) as sent after DATA. */
  data: string;
  messageId: string | null;
}

export interface SmtpStub {
  url: string;
  received: ReceivedMail[];
  /** Messages to accept before answering nothing at all (a server that hangs mid-DATA); Infinity by default. */
  acceptLimit: number;
  /** When set, every message is refused with this reply (e.g. "451 try later"). */
  refuseWith: string | null;
  close(): Promise<void>;
}

/**
 * A minimal SMTP server (the edge of the world for e-mail): enough of RFC
 * 5321 for nodemailer's plain SMTP client — EHLO, MAIL, RCPT, DATA, RSET,
 * QUIT — recording every accepted message.
 */
export async function startSmtpStub(): Promise<SmtpStub> {
  const sockets = new Set<Socket>();
  const stub: SmtpStub = { url: '', received: [], acceptLimit: Infinity, refuseWith: null, close: async () => undefined };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let inData = false;
    let mail: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    reply('220 stub.local ESMTP ready');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          if (stub.refuseWith) {
            reply(stub.refuseWith);
          } else if (stub.received.length >= stub.acceptLimit) {
            // Hang: never answer, like a stuck server.
          } else {
            const messageId = /^Message-ID:\s*(.+)$/im.exec(data)?.[1]?.trim() ?? null;
            stub.received.push({ ...mail, data, messageId });
            reply('250 2.0.0 queued');
          }
          mail = { from: '', to: [] };
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 stub.local');
        else if (verb === 'MAIL') {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return stub;
}
