// @ts-check
// Target (b) baseline: the `groups` query written by hand. node:http, a pg
// Pool (10 connections, like the server's), one SQL statement that builds the
// exact GraphQL response JSON in PostgreSQL.
//
// Authentication: it verifies the same bearer token as the server (HS256
// signature and expiry with the same secret, via the server's own
// verifyAccessToken) and takes the user id from the token's `sub`; the
// "user exists and is not deleted" check is folded into the one statement.
// It only answers the one query text the bench sends.
import { createServer } from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { serveTarget } from '../lib/child.mjs';
import { GROUPS_QUERY, requireServer, SERVER_DIST } from '../lib/paths.mjs';

/** @type {typeof import('../../server/src/shared/crypto.js')} */
const { verifyAccessToken } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));

const PAGE_SIZE = 20;
const SQL = `
with mine as (
  select g.id, g.name, g.created_at, m.role
  from members m
  join groups g on g.id = m.group_id
  where m.user_id = $1 and m.status = 'ACTIVE'
    and exists (select 1 from users u where u.id = $1 and u.deleted_at is null)
), page as (
  select * from mine order by created_at, id limit $2
)
select json_build_object('data', json_build_object('groups', json_build_object(
  'totalCount', (select count(*) from mine),
  'edges', coalesce((
    select json_agg(json_build_object('node', json_build_object(
      'id', p.id,
      'name', p.name,
      'viewerRole', p.role,
      'memberCount', (select count(*) from members c where c.group_id = p.id and c.status = 'ACTIVE')
    )) order by p.created_at, p.id)
    from page p
  ), '[]'::json)
)))::text as body`;

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} payload */
function send(res, status, payload) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** @param {string} message */
const errorBody = (message) => JSON.stringify({ errors: [{ message }] });

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
      if (query !== GROUPS_QUERY) return send(res, 400, errorBody('This baseline answers one query only'));
      pool.query(SQL, [claims.sub, PAGE_SIZE]).then(
        (result) => send(res, 200, result.rows[0].body),
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
