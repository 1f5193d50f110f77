// @ts-check
// Target (b) baseline: the `groups` query written by hand. node:http, a pg
// Pool (10 connections, like the server's), one SQL statement that builds the
// exact GraphQL response JSON in PostgreSQL.
//
// Authentication: it verifies the same bearer token as the server (HS256
// signature and expiry with the same secret, via the server's own
// verifyAccessToken) and takes the user id from the token's `sub`; the
// "user exists, is not deleted and the token's generation is current (not
// revoked)" check is folded into the one statement, as in listMyGroups.
// It only answers the one query text the bench sends.
import { GROUPS_QUERY } from '../lib/paths.mjs';
import { errorBody, servePgBaseline } from '../lib/pg-baseline-server.mjs';

const PAGE_SIZE = 20;
const SQL = `
with mine as (
  select g.id, g.name, g.created_at, m.role
  from members m
  join groups g on g.id = m.group_id
  where m.user_id = $1 and m.status = 'ACTIVE'
    and exists (select 1 from users u where u.id = $1 and u.deleted_at is null and u.token_generation = $3)
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

servePgBaseline(async ({ pool, userId, tokenGeneration, query }) => {
  if (query !== GROUPS_QUERY) return { status: 400, body: errorBody('This baseline answers one query only') };
  const result = await pool.query(SQL, [userId, PAGE_SIZE, tokenGeneration]);
  return { status: 200, body: result.rows[0].body };
});
