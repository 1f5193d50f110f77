// @ts-check
// Data and operations of scenarios (c) subscription fan-out and (d) the
// transactions query on a large group. Bulk rows are written with SQL (one
// statement per table), everything a client would do goes through the API:
//
//   (c) one group, created through the API by its owner; an operator and a
//       plain member added through the API; N admins inserted directly (users
//       + member rows, one scrypt hash shared by all). Their access tokens are
//       made by the server's own signAccessToken with the server's secret and
//       TTL, which is exactly what signIn returns (signIn would cost one
//       ~50 ms scrypt per admin); one admin also signs in through the API to
//       prove the password and the row are real.
//   (d) one group, created through the API by its owner; members and
//       100,000 CASH_IN transactions inserted with INSERT … SELECT
//       generate_series: 90% APPROVED (each with its two balanced ledger
//       entries and a receipt number), 5% PENDING, 5% REJECTED (no entries,
//       as the server does), 10% without a member.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { requireServer, SERVER_DIST } from './paths.mjs';
import { gql } from './seed.mjs';

/** The console's own subscription (web/src/graphql/approvals.ts, fragment ApprovalCard). */
export const APPROVAL_EVENTS_SUBSCRIPTION = `subscription ApprovalEvents($groupId: ID!) {
  approvalEvents(groupId: $groupId) {
    type
    pendingCount
    approval {
      id entityType action status targetId proposedData previousData notes createdAt decidedAt decisionNotes
      requestedBy { kind id name }
      decidedBy { kind name }
      viewerCanApprove viewerCanReject viewerCanCancel
    }
  }
}`;

export const RECORD_TRANSACTION = `mutation($input: RecordTransactionInput!) {
  recordTransaction(input: $input) { pendingApproval approval { id } transaction { id approvalStatus } }
}`;

/**
 * Scenario (d)'s query text (the load generator sends no variables, so the group id is inline).
 * @param {string} groupId @param {number} first
 */
export const transactionsQuery = (groupId, first) =>
  `{ transactions(groupId: "${groupId}", first: ${first}) { totalCount edges { node { id occurredAt type category amount { amount currency } approvalStatus member { id name } } } } }`;

/** Inverse of transactionsQuery for the baseline, which answers only that shape. */
export const TRANSACTIONS_QUERY_PATTERN =
  /^\{ transactions\(groupId: "([0-9a-f-]{36})", first: (\d+)\) \{ totalCount edges \{ node \{ id occurredAt type category amount \{ amount currency \} approvalStatus member \{ id name \} \} \} \} \}$/;

/** @param {string} databaseUrl @param {(client: pg.Client) => Promise<T>} work @template T */
export async function withClient(databaseUrl, work) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** @param {string} graphqlUrl @param {string} email @param {string} password @returns {Promise<string>} */
export async function signIn(graphqlUrl, email, password) {
  const data = await gql(graphqlUrl, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { accessToken } }', { e: email, p: password });
  return data.signIn.accessToken;
}

/**
 * Inserts users sharing one password hash; returns them in order.
 * @param {pg.Client} client @param {string} label @param {number} count @param {string} passwordHash
 * @returns {Promise<{ id: string, email: string }[]>}
 */
export async function insertUsers(client, label, count, passwordHash) {
  const tag = randomBytes(3).toString('hex');
  const { rows } = await client.query(
    `insert into users (id, created_at, updated_at, email, name, password_hash, must_change_password)
     select gen_random_uuid(), now(), now(), $1 || '-' || i || '-' || $2 || '@bench.example.com', 'Bench ' || $1 || ' ' || i, $3, false
       from generate_series(1, $4::int) i
     returning id, email`,
    [label, tag, passwordHash, count],
  );
  const index = (/** @type {string} */ email) => Number(email.split('@')[0].split('-').at(-2));
  return rows.map((row) => ({ id: String(row.id), email: String(row.email) })).sort((a, b) => index(a.email) - index(b.email));
}

/**
 * Member rows for people (or, with no user, by name only), numbered from the group's counter.
 * @param {pg.Client} client @param {string} groupId @param {{ userId: string | null, name: string, email: string | null }[]} people @param {string} role
 * @returns {Promise<string[]>} member ids in order
 */
export async function insertMembers(client, groupId, people, role) {
  const { rows: counter } = await client.query(
    'update groups set member_sequence = member_sequence + $2 where id = $1 returning member_sequence, member_number_prefix',
    [groupId, people.length],
  );
  const last = Number(counter[0].member_sequence);
  const prefix = String(counter[0].member_number_prefix);
  const year = new Date().getUTCFullYear();
  const { rows } = await client.query(
    `insert into members (id, created_at, updated_at, group_id, user_id, name, email, role, member_number)
     select gen_random_uuid(), now(), now(), $1, p.user_id, p.name, p.email, $2::role,
            $3 || '-' || $4 || '-' || lpad(($5::int + p.n)::text, 4, '0') || '-00'
       from unnest($6::uuid[], $7::text[], $8::text[]) with ordinality as p(user_id, name, email, n)
      order by p.n
     returning id, member_number`,
    [groupId, role, prefix, year, last - people.length, people.map((p) => p.userId), people.map((p) => p.name), people.map((p) => p.email)],
  );
  return rows.sort((a, b) => String(a.member_number).localeCompare(String(b.member_number))).map((row) => String(row.id));
}

/**
 * @typedef {object} FanoutData
 * @property {string} groupId
 * @property {string} operatorToken
 * @property {string} memberId       who the operator's transactions are for
 * @property {string[]} adminTokens  one per admin, distinct users
 */

/**
 * @param {string} databaseUrl @param {string} graphqlUrl
 * @param {{ admins: number, jwtSecret: string, log: (line: string) => void }} options
 * @returns {Promise<FanoutData>}
 */
export async function seedFanout(databaseUrl, graphqlUrl, { admins, jwtSecret, log }) {
  /** @type {typeof import('../../server/src/shared/crypto.js')} */
  const { hashPassword, signAccessToken } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));
  /** @type {typeof import('../../server/src/config.js')} */
  const { loadConfig } = requireServer(path.join(SERVER_DIST, 'config.js'));
  const ttl = loadConfig({ NODE_ENV: 'production', JWT_SECRET: jwtSecret, ENCRYPTION_KEY: jwtSecret, SEED_DEMO: 'false' }).accessTokenTtlSeconds;
  const password = `bench-${randomBytes(8).toString('hex')}`;
  const passwordHash = await hashPassword(password);
  const started = Date.now();
  const { owner, operator, adminUsers } = await withClient(databaseUrl, async (client) => ({
    owner: (await insertUsers(client, 'fanout-owner', 1, passwordHash))[0],
    operator: (await insertUsers(client, 'fanout-operator', 1, passwordHash))[0],
    adminUsers: await insertUsers(client, 'fanout-admin', admins, passwordHash),
  }));
  const ownerToken = await signIn(graphqlUrl, owner.email, password);
  const groupId = String(
    (await gql(graphqlUrl, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }', { input: { name: 'Bench Fan-out', kind: 'CLUB', currency: 'INR', memberNumberPrefix: 'FO' } }, ownerToken))
      .createGroup.id,
  );
  const addMember = 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { id } } }';
  await gql(graphqlUrl, addMember, { input: { groupId, email: operator.email, name: 'Bench operator', role: 'OPERATOR' } }, ownerToken);
  const memberId = String(
    (await gql(graphqlUrl, addMember, { input: { groupId, email: `fanout-payer-${randomBytes(3).toString('hex')}@bench.example.com`, name: 'Bench payer', role: 'MEMBER' } }, ownerToken)).addMember.member.id,
  );
  await withClient(databaseUrl, (client) =>
    insertMembers(client, groupId, adminUsers.map((u, i) => ({ userId: u.id, name: `Bench admin ${i + 1}`, email: u.email })), 'ADMIN'),
  );
  const operatorToken = await signIn(graphqlUrl, operator.email, password);
  const adminTokens = adminUsers.map((u) => signAccessToken(u.id, jwtSecret, ttl).token);
  // One inserted admin signs in for real, and its minted token must be accepted as an admin of the group.
  adminTokens[adminTokens.length - 1] = await signIn(graphqlUrl, adminUsers[adminUsers.length - 1].email, password);
  const probe = await gql(graphqlUrl, 'query($g: ID!) { pendingApprovalCount(groupId: $g) }', { g: groupId }, adminTokens[0]);
  if (probe.pendingApprovalCount !== 0) throw new Error(`fan-out seed: unexpected ${JSON.stringify(probe)}`);
  log(`  seeded group ${groupId}: ${admins} admins, an operator and a member (${Date.now() - started} ms)`);
  return { groupId, operatorToken, memberId, adminTokens };
}

/**
 * @typedef {object} LedgerData
 * @property {string} groupId
 * @property {string} token   the group's owner (ADMIN)
 * @property {number} transactions
 */

const CATEGORIES = ['MEMBERSHIP_FEE', 'DONATION', 'SPONSORSHIP', 'SUBSCRIPTION_SHARE'];
/** @param {string} code */
const titleCase = (code) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

/**
 * @param {string} databaseUrl @param {string} graphqlUrl
 * @param {{ transactions: number, members: number, log: (line: string) => void }} options
 * @returns {Promise<LedgerData>}
 */
export async function seedLedger(databaseUrl, graphqlUrl, { transactions, members, log }) {
  /** @type {typeof import('../../server/src/shared/crypto.js')} */
  const { hashPassword } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));
  const password = `bench-${randomBytes(8).toString('hex')}`;
  const started = Date.now();
  const owner = await withClient(databaseUrl, async (client) => (await insertUsers(client, 'ledger-owner', 1, await hashPassword(password)))[0]);
  const token = await signIn(graphqlUrl, owner.email, password);
  const groupId = String(
    (await gql(graphqlUrl, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }', { input: { name: 'Bench Ledger', kind: 'SOCIETY', currency: 'INR', memberNumberPrefix: 'LG' } }, token))
      .createGroup.id,
  );
  await withClient(databaseUrl, async (client) => {
    await client.query('begin');
    const memberIds = await insertMembers(
      client,
      groupId,
      Array.from({ length: members }, (_, i) => ({ userId: null, name: `Ledger member ${String(i + 1).padStart(3, '0')}`, email: null })),
      'MEMBER',
    );
    const accounts = [
      { code: 'CASH', name: 'Cash on hand', kind: 'ASSET' },
      { code: 'BANK', name: 'Bank', kind: 'ASSET' },
      ...CATEGORIES.map((c) => ({ code: `INCOME_${c}`, name: `Income: ${titleCase(c)}`, kind: 'INCOME' })),
    ];
    await client.query(
      `insert into ledger_accounts (id, group_id, code, name, kind, created_at)
       select gen_random_uuid(), $1, a.code, a.name, a.kind::account_kind, now() from unnest($2::text[], $3::text[], $4::text[]) as a(code, name, kind)
       on conflict (group_id, code) do nothing`,
      [groupId, accounts.map((a) => a.code), accounts.map((a) => a.name), accounts.map((a) => a.kind)],
    );
    // Newest first is i = 1; one every 17 minutes goes back about 3 years.
    await client.query(
      `with numbered as (
         select i, date_trunc('milliseconds', now() - make_interval(mins => 17 * i, secs => i % 60)) as at,
                case when i % 20 = 0 then 'PENDING' when i % 20 = 1 then 'REJECTED' else 'APPROVED' end as status
           from generate_series(1, $2::int) i
       ), receipts as (
         select i, at, status,
                case when status = 'APPROVED'
                  then 'R-' || extract(year from at at time zone 'UTC')::int || '-' ||
                       lpad((row_number() over (partition by status, extract(year from at at time zone 'UTC') order by at))::text, 6, '0')
                end as receipt
           from numbered
       )
       insert into transactions (id, created_at, updated_at, group_id, type, category, amount_minor, currency, group_amount_minor,
                                 payment_mode, member_id, receipt_number, approval_status, approval_source, occurred_at,
                                 created_by_kind, created_by_id, decided_at)
       select gen_random_uuid(), at, at, $1, 'CASH_IN', ($3::text[])[1 + i % cardinality($3::text[])]::transaction_category,
              100 * (50 + (i * 37) % 950) + (i % 4) * 25, 'INR', 100 * (50 + (i * 37) % 950) + (i % 4) * 25,
              (case when i % 3 = 0 then 'UPI' else 'CASH' end)::payment_mode,
              case when i % 10 = 0 then null else ($4::uuid[])[1 + i % cardinality($4::uuid[])] end,
              receipt, status::approval_status,
              (case when status = 'APPROVED' then 'ADMIN_DIRECT' else 'MANUAL' end)::approval_source,
              at, 'USER', $5, case when status = 'PENDING' then null else at end
         from receipts`,
      [groupId, transactions, CATEGORIES, memberIds, owner.id],
    );
    await client.query(
      `insert into receipt_counters (group_id, year, last_number)
       select $1, split_part(receipt_number, '-', 2)::int, max(split_part(receipt_number, '-', 3)::int)
         from transactions where group_id = $1 and receipt_number is not null group by 2`,
      [groupId],
    );
    // Money in: debit where the money is (cash, or bank for UPI), credit income by category (posting.ts).
    await client.query(
      `insert into ledger_entries (id, transaction_id, account_id, amount_minor, created_at)
       select gen_random_uuid(), t.id, a.id, leg.amount, t.created_at
         from transactions t
         cross join lateral (values (case when t.payment_mode = 'UPI' then 'BANK' else 'CASH' end, t.group_amount_minor),
                                    ('INCOME_' || t.category, -t.group_amount_minor)) as leg(code, amount)
         join ledger_accounts a on a.group_id = t.group_id and a.code = leg.code
        where t.group_id = $1 and t.approval_status = 'APPROVED'`,
      [groupId],
    );
    await client.query('commit'); // the deferred balance trigger checks every transaction here
    await client.query('vacuum analyze transactions');
    await client.query('vacuum analyze ledger_entries');
    await client.query('vacuum analyze members');
  });
  log(`  seeded group ${groupId}: ${transactions.toLocaleString('en-US')} transactions, ${members} members (${Date.now() - started} ms)`);
  return { groupId, token, transactions };
}
