// @ts-check
// The shared skeleton of the hand-written baselines: node:http, a pg Pool of 10
// (like the server's), the same bearer-token check as the server (its own
// verifyAccessToken, same secret: the user id and token generation come from
// it), the GraphQL body's `query` read as text.
// Each baseline supplies only how it answers one query with one SQL statement.
import { createServer } from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { serveTarget } from './child.mjs';
import { requireServer, SERVER_DIST } from './paths.mjs';

/** @type {typeof import('../../server/src/shared/crypto.js')} */
const { verifyAccessToken } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} payload */
function send(res, status, payload) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** @param {string} message */
export const errorBody = (message) => JSON.stringify({ errors: [{ message }] });

/**
 * @typedef {{ pool: pg.Pool, userId: string, tokenGeneration: number, query: string }} BaselineRequest
 * @typedef {{ status: number, body: string }} BaselineAnswer
 * @param {(request: BaselineRequest) => Promise<BaselineAnswer>} answer
 */
export function servePgBaseline(answer) {
  serveTarget(async () => {
    const secret = process.env.BENCH_JWT_SECRET;
    const connectionString = process.env.BENCH_TARGET_DATABASE_URL;
    if (!secret || !connectionString) throw new Error('BENCH_JWT_SECRET and BENCH_TARGET_DATABASE_URL must be set');
    const pool = new pg.Pool({ connectionString, max: 10 });
    await pool.query('select 1');

    const server = createServer((req, res) => {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const claims = match ? verifyAccessToken(match[1], secret) : null;
      if (!claims) return send(res, 401, errorBody('Invalid or expired access token'));
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        let query;
        try {
          query = JSON.parse(Buffer.concat(chunks).toString('utf8'))?.query;
        } catch {
          return send(res, 400, errorBody('Body is not valid JSON'));
        }
        answer({ pool, userId: claims.sub, tokenGeneration: claims.gen, query: String(query) }).then(
          (result) => send(res, result.status, result.body),
          (error) => send(res, 500, errorBody(String(error))),
        );
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    return {
      url: `http://127.0.0.1:${address.port}/graphql`,
      close: async () => {
        await new Promise((resolve) => {
          server.close(() => resolve(undefined));
          server.closeAllConnections();
        });
        await pool.end();
      },
    };
  });
}
