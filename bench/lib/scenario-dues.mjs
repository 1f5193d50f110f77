// @ts-check
// Scenario (e): opening a billing period — the period row and every member's
// due — for one group of 10,000 members and for 1,000 groups of 10, through
// the server's own `openBillingPeriod` (what createBillingPeriod and the
// billing job call), counting its SQL statements. Baseline, in the same run
// and on the same data shape: the two hand-written statements a person would
// write in plain `pg` (insert the period, insert … select the dues). Every
// run is checked: one due per member and the dues add up to the total.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { requireServer, SERVER_DIST } from './paths.mjs';

const TARGET_MS = 2000;
const REPEATS = 3;

/**
 * @param {pg.Client} client @param {number} groups @param {number} membersEach
 * @returns {Promise<string[]>} group ids
 */
async function seedGroups(client, groups, membersEach) {
  const tag = randomBytes(2).toString('hex').toUpperCase();
  const settings = JSON.stringify({ mode: 'VARIABLE_TOTAL', cycle: 'MONTHLY', priceMinor: null, dueDay: 5, graceDays: 7 });
  const payment = JSON.stringify({ upiId: null, bankAccountNumberEncrypted: null, bankAccountLast4: null, bankIfsc: null, razorpayEnabled: false, stripeEnabled: false });
  const { rows } = await client.query(
    `insert into groups (id, created_at, updated_at, name, kind, currency, status, member_number_prefix, member_sequence, billing_settings, payment_settings)
     select gen_random_uuid(), now(), now(), 'Bench dues ' || i, 'SUBSCRIPTION_SHARE', 'INR', 'ACTIVE', 'D' || $1 || i, $2, $3::jsonb, $4::jsonb
       from generate_series(1, $5::int) i
     returning id`,
    [tag, membersEach, settings, payment, groups],
  );
  const ids = rows.map((row) => String(row.id));
  await client.query(
    `insert into members (id, created_at, updated_at, group_id, name, role, member_number)
     select gen_random_uuid(), now(), now(), g.id, 'Member ' || n, 'MEMBER', 'D-' || left(g.id::text, 8) || '-' || lpad(n::text, 5, '0') || '-00'
       from unnest($1::uuid[]) g(id) cross join generate_series(1, $2::int) n`,
    [ids, membersEach],
  );
  return ids;
}

/** @param {pg.Client} client @param {string[]} groupIds @param {string} periodStart @param {bigint} total @param {number} membersEach */
async function checkDues(client, groupIds, periodStart, total, membersEach) {
  const { rows } = await client.query(
    `select p.group_id, count(d.id)::int as dues, coalesce(sum(d.amount_minor), 0)::text as sum
       from billing_periods p left join dues d on d.period_id = p.id
      where p.group_id = any($1::uuid[]) and p.period_start = $2
      group by p.group_id`,
    [groupIds, periodStart],
  );
  const wrong = rows.filter((row) => row.dues !== membersEach || BigInt(row.sum) !== total);
  if (rows.length !== groupIds.length || wrong.length > 0) {
    throw new Error(`dues check failed for ${periodStart}: ${rows.length}/${groupIds.length} periods, e.g. ${JSON.stringify(wrong[0] ?? null)}`);
  }
}

/** The plain-pg baseline: two statements per group. @param {pg.Client} client @param {string} groupId @param {string} periodStart @param {bigint} total */
async function baselineOpen(client, groupId, periodStart, total) {
  await client.query('begin');
  const { rows } = await client.query(
    `insert into billing_periods (id, created_at, updated_at, group_id, label, period_start, period_end, due_date, total_minor, currency, status, version)
     values (gen_random_uuid(), now(), now(), $1, 'Bench', $2, $2::date + 27, $2, $3, 'INR', 'OPEN', 1) returning id`,
    [groupId, periodStart, total.toString()],
  );
  await client.query(
    `insert into dues (id, created_at, updated_at, group_id, period_id, member_id, amount_minor, currency, due_date, status, version)
     select gen_random_uuid(), now(), now(), $1, $2, m.id,
            $3::bigint / count(*) over () + case when row_number() over (order by m.member_number) = 1 then $3::bigint % count(*) over () else 0 end,
            'INR', $4, 'UNPAID', 1
       from members m where m.group_id = $1 and m.status = 'ACTIVE' and m.sub_index = 0`,
    [groupId, rows[0].id, total.toString(), periodStart],
  );
  await client.query('commit');
}

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * @param {object} options
 * @param {string} options.databaseUrl  a migrated database
 * @param {(line: string) => void} options.log
 * @returns {Promise<{ lines: string[], failed: boolean }>}
 */
export async function runDuesScenario({ databaseUrl, log }) {
  const { initOrm } = requireServer(path.join(SERVER_DIST, 'db', 'orm.js'));
  const { openBillingPeriod } = requireServer(path.join(SERVER_DIST, 'modules', 'dues', 'due.service.js'));
  const { Group } = requireServer(path.join(SERVER_DIST, 'modules', 'groups', 'group.entity.js'));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const orm = await initOrm(databaseUrl);
  let statements = 0;
  orm.em.getConnection().getKnex().on('query', () => {
    statements += 1;
  });
  const total = 123_456_789n; // does not divide evenly: the remainder path is exercised
  const lines = [];
  let failed = false;
  try {
    const shapes = [
      { label: '1 group of 10,000 members', groups: 1, members: 10_000 },
      { label: '1,000 groups of 10 members', groups: 1_000, members: 10 },
    ];
    for (const shape of shapes) {
      log(`(e) seeding ${shape.label} twice (ours and the baseline's)`);
      const ours = await seedGroups(client, shape.groups, shape.members);
      const theirs = await seedGroups(client, shape.groups, shape.members);
      /** @type {number[]} */
      const oursMs = [];
      /** @type {number[]} */
      const baselineMs = [];
      /** @type {number[]} */
      const oursStatements = [];
      for (let round = 0; round < REPEATS; round += 1) {
        const periodStart = `2030-${String(round + 1).padStart(2, '0')}-01`;
        let started = performance.now();
        for (const groupId of theirs) await baselineOpen(client, groupId, periodStart, total);
        baselineMs.push(performance.now() - started);
        await checkDues(client, theirs, periodStart, total, shape.members);

        statements = 0;
        started = performance.now();
        for (const groupId of ours) {
          await orm.em.fork().transactional(async (/** @type {any} */ em) => {
            const group = await em.findOneOrFail(Group, { id: groupId });
            const opened = await openBillingPeriod(em, group, { label: 'Bench', periodStart, periodEnd: `2030-${String(round + 1).padStart(2, '0')}-28`, dueDate: periodStart, totalMinor: total, remainderMemberId: null, notes: null });
            if (!opened || opened.dueCount !== shape.members) throw new Error(`openBillingPeriod created ${opened?.dueCount} dues, expected ${shape.members}`);
          });
        }
        oursMs.push(performance.now() - started);
        oursStatements.push(statements);
        await checkDues(client, ours, periodStart, total, shape.members);
      }
      const ms = median(oursMs);
      const base = median(baselineMs);
      // begin + commit are counted too: the per-group cost a reader compares with the baseline's 4 (begin, 2 inserts, commit).
      const perGroup = median(oursStatements) / shape.groups;
      const meets = shape.groups === 1 ? ms < TARGET_MS : true;
      if (!meets) failed = true;
      log(`(e) ${shape.label}: ours ${ms.toFixed(0)} ms, baseline ${base.toFixed(0)} ms, ${perGroup} statements per group`);
      lines.push(
        `| ${shape.label} | ${(shape.groups * shape.members).toLocaleString('en-US')} | ${ms.toFixed(0)} ms | ${base.toFixed(0)} ms | ${(base / ms).toFixed(2)}× | ${perGroup} | ${shape.groups === 1 ? `< ${TARGET_MS} ms: ${meets ? 'met' : 'NOT met'}` : '—'} |`,
      );
    }
  } finally {
    await orm.close(true);
    await client.end();
  }
  return {
    lines: [
      '| Shape | Dues per run | Coffer (median of 3) | pg baseline | Ratio (baseline ÷ Coffer) | SQL statements per group (incl. begin/commit; baseline 4) | Target |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...lines,
    ],
    failed,
  };
}
