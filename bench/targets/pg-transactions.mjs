// @ts-check
// Target (d) baseline: the `transactions` query written by hand. node:http, a
// pg Pool (10 connections, like the server's), one SQL statement that builds
// the exact GraphQL response JSON in PostgreSQL.
//
// Authentication and authorisation: the same bearer token as the server
// (HS256 signature and expiry with the same secret, via the server's own
// verifyAccessToken); the user id comes from the token's `sub`, and "the user
// exists, is not deleted, the token's generation is current (not revoked) and
// the user is an active ADMIN or OPERATOR of the group" is
// folded into the one statement (members, who would see only their own rows,
// are refused). Amounts are formatted with two decimals (the group's INR and
// every other two-decimal currency). It only answers the query shape of
// bench/lib/scale.mjs's transactionsQuery.
import { errorBody, servePgBaseline } from '../lib/pg-baseline-server.mjs';
import { TRANSACTIONS_QUERY_PATTERN } from '../lib/scale.mjs';

const SQL = `
with allowed as (
  select 1 from members m join users u on u.id = m.user_id
   where m.group_id = $2 and m.user_id = $1 and m.status = 'ACTIVE' and m.role in ('ADMIN', 'OPERATOR') and u.deleted_at is null and u.token_generation = $4
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

servePgBaseline(async ({ pool, userId, tokenGeneration, query }) => {
  const shape = TRANSACTIONS_QUERY_PATTERN.exec(query);
  const first = Number(shape?.[2]);
  if (!shape || first < 1 || first > 100) return { status: 400, body: errorBody('This baseline answers one query shape only') };
  const row = (await pool.query(SQL, [userId, shape[1], first, tokenGeneration])).rows[0];
  if (!row.allowed) return { status: 200, body: JSON.stringify({ errors: [{ message: 'Group not found', extensions: { code: 'NOT_FOUND' } }], data: null }) };
  return { status: 200, body: row.body };
});
