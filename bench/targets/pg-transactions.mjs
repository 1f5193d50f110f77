// @ts-check
// Target (d) baseline: the `transactions` query written by hand. node:http, a
// pg Pool (10 connections, like the server's), one SQL statement that builds
// the exact GraphQL response JSON in PostgreSQL.
//
// Authentication and authorisation: the same bearer token as the server
// (HS256 signature and expiry with the same secret, via the server's own
// verifyAccessToken); the user id comes from the token's `sub`, and "the user
// exists, is not deleted and is an active ADMIN or OPERATOR of the group" is
// folded into the one statement (members, who would see only their own rows,
// are refused). Amounts are formatted with two decimals (the group's INR and
// every other two-decimal currency). It only answers the query shape of
// bench/lib/scale.mjs's transactionsQuery.
import { createServer } from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { serveTarget } from '../lib/child.mjs';
import { requireServer, SERVER_DIST } from '../lib/paths.mjs';
import { TRANSACTIONS_QUERY_PATTERN } from '../lib/scale.mjs';

/** @type {typeof import('../../server/src/shared/crypto.js')} */
const { verifyAccessToken } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));

const SQL = `
with allowed as (
  select 1 from members m join users u on u.id = m.user_id
   where m.group_id = $2 and m.user_id = $1 and m.status = 'ACTIVE' and m.role in ('ADMIN', 'OPERATOR') and u.deleted_at is null
), page as (
  select t.id, t.occurred_at, t.type, t.category, t.amount_minor, t.currency, t.approval_status, t.member_id
    from transactions t
   where t.group_id = $2 and exists (select 1 from allowed)
   order by t.occurred_at desc, t.id desc
   limit $3
)
select exists (select 1 from allowed) as allowed,
  json_build_object('data', json_build_object('transactions', json_build_object(
    'totalCount', (select count(*) from transactions c where c.group_id = $2),
    'edges', coalesce((
      select json_agg(json_build_object('node', json_build_object(
        'id', p.id,
        'occurredAt', to_char(p.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'type', p.type,
        'category', p.category,
        'amount', json_build_object('amount', (p.amount_minor / 100)::text || '.' || lpad((p.amount_minor % 100)::text, 2, '0'), 'currency', p.currency),
        'approvalStatus', p.approval_status,
        'member', case when m.id is null then null else json_build_object('id', m.id, 'name', m.name) end
      )) order by p.occurred_at desc, p.id desc)
      from page p left join members m on m.id = p.member_id
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
      const shape = TRANSACTIONS_QUERY_PATTERN.exec(String(query));
      const first = Number(shape?.[2]);
      if (!shape || first < 1 || first > 100) return send(res, 400, errorBody('This baseline answers one query shape only'));
      pool.query(SQL, [claims.sub, shape[1], first]).then(
        (result) => {
          const row = result.rows[0];
          if (!row.allowed) return send(res, 200, JSON.stringify({ errors: [{ message: 'Group not found', extensions: { code: 'NOT_FOUND' } }], data: null }));
          send(res, 200, row.body);
        },
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
