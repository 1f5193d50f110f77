import { ADD_MEMBER, createGroup, TestGroup, uniqueEmail } from '../../../test/support/factories';
import { serviceContextFor } from '../../../test/support/service-context';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { AuditLog } from './audit-log.entity';
import { recordAudit } from './audit.service';

/*
 * The logs are append-only because the database says so: these statements
 * go straight to PostgreSQL with the application's own credentials, past
 * every line of service code.
 */

let t: TestServer;
let group: TestGroup;
beforeAll(async () => {
  t = await startTestServer();
  group = await createGroup(t);
});
afterAll(async () => t.close());

async function auditEntry(): Promise<string> {
  const ctx = await serviceContextFor(t, { userId: group.admin.id });
  const entry = recordAudit(ctx, {
    groupId: group.id,
    entityType: 'Transaction',
    entityId: '00000000-0000-4000-8000-000000000001',
    action: 'transaction.record',
    newData: { status: 'PENDING', amountMinor: 125_00n },
    snapshot: { id: '00000000-0000-4000-8000-000000000001', status: 'PENDING', amountMinor: 125_00n, currency: 'INR' },
  });
  await ctx.em.flush();
  return entry.id;
}

async function activityEntry(): Promise<string> {
  const added = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(), name: 'Logged' } }, group.admin.token);
  const row = await t.query(`select id from activity_logs where entity_id = $1 and action = 'member.add'`, [added.data!.addMember.member.id]);
  return row.rows[0].id as string;
}

const tables = [
  { table: 'audit_logs', create: auditEntry },
  { table: 'activity_logs', create: activityEntry },
];

describe.each(tables)('$table', ({ table, create }) => {
  let id: string;
  let original: Record<string, unknown>;
  beforeAll(async () => {
    id = await create();
    original = (await t.query(`select * from ${table} where id = $1`, [id])).rows[0];
    expect(original).toBeDefined();
  });
  afterEach(async () => {
    // Whatever was attempted, the row is exactly as written.
    expect((await t.query(`select * from ${table} where id = $1`, [id])).rows).toEqual([original]);
  });

  it('refuses UPDATE', async () => {
    await expect(t.query(`update ${table} set action = 'tampered' where id = $1`, [id])).rejects.toThrow(`${table} is append-only: UPDATE is not allowed`);
  });

  it('refuses UPDATE of every row at once', async () => {
    await expect(t.query(`update ${table} set created_at = now()`)).rejects.toThrow(`${table} is append-only: UPDATE is not allowed`);
  });

  it('refuses DELETE', async () => {
    await expect(t.query(`delete from ${table} where id = $1`, [id])).rejects.toThrow(`${table} is append-only: DELETE is not allowed`);
  });

  it('refuses TRUNCATE', async () => {
    await expect(t.query(`truncate ${table}`)).rejects.toThrow(`${table} is append-only: TRUNCATE is not allowed`);
  });

  it('still accepts new rows', async () => {
    const before = Number((await t.query(`select count(*) from ${table}`)).rows[0].count);
    await create();
    expect(Number((await t.query(`select count(*) from ${table}`)).rows[0].count)).toBe(before + 1);
  });
});

describe('recordAudit', () => {
  it('writes in the same transaction as the change: a rollback leaves no entry', async () => {
    const ctx = await serviceContextFor(t, { userId: group.admin.id });
    let entryId = '';
    await expect(
      ctx.em.transactional(async (em) => {
        entryId = recordAudit({ ...ctx, em }, { groupId: group.id, entityType: 'Transaction', entityId: '00000000-0000-4000-8000-000000000002', action: 'transaction.approve' }).id;
        await em.flush();
        throw new Error('the change failed after the audit entry was flushed');
      }),
    ).rejects.toThrow('the change failed');
    expect(entryId).not.toBe('');
    expect((await t.query('select 1 from audit_logs where id = $1', [entryId])).rowCount).toBe(0);
  });

  it('stores who did it, and bigint amounts as exact strings', async () => {
    const id = await auditEntry();
    const row = (await t.query('select * from audit_logs where id = $1', [id])).rows[0];
    expect(row).toMatchObject({
      group_id: group.id,
      actor_kind: 'USER',
      actor_id: group.admin.id,
      previous_data: null,
      new_data: { status: 'PENDING', amountMinor: '12500' },
      snapshot: { status: 'PENDING', amountMinor: '12500', currency: 'INR' },
    });
  });

  it('attributes work without a viewer to SYSTEM', async () => {
    const ctx = await serviceContextFor(t, 'system');
    const entry: AuditLog = recordAudit(ctx, { groupId: group.id, entityType: 'Balance', entityId: group.id, action: 'balance.recompute' });
    await ctx.em.flush();
    const row = (await t.query('select actor_kind, actor_id from audit_logs where id = $1', [entry.id])).rows[0];
    expect(row).toEqual({ actor_kind: 'SYSTEM', actor_id: null });
  });
});
