import type { TestServer } from './test-server';

const GROUP_BALANCE = 'query($g: ID!) { groupBalance(groupId: $g) { accounts { code balance { amountMinor } } } }';

/**
 * The ledger's invariants, checked from the database itself: every
 * transaction's entries sum to zero; every remittance's money sits where its
 * status says; and (for the groups given) the balances the API reports equal
 * the sums of their entries.
 */
export async function assertLedgerReconciles(t: TestServer, viewers: { groupId: string; token: string }[] = []): Promise<void> {
  const unbalanced = await t.query(`select transaction_id, sum(amount_minor)::text as total from ledger_entries group by transaction_id having sum(amount_minor) <> 0`);
  expect(unbalanced.rows).toEqual([]);
  const unposted = await t.query(`select t.id from transactions t where t.approval_status = 'APPROVED' and not exists (select 1 from ledger_entries e where e.transaction_id = t.id)`);
  expect(unposted.rows).toEqual([]);
  const postedWhilePending = await t.query(`select t.id from transactions t join ledger_entries e on e.transaction_id = t.id where t.approval_status <> 'APPROVED'`);
  expect(postedWhilePending.rows).toEqual([]);
  // Per group: in transit = approved and processing sends; fees = fees of every remittance not released; sent = completed sends.
  const mismatched = await t.query(`
    with balances as (
      select a.group_id, a.code, coalesce(sum(e.amount_minor), 0) as balance
        from ledger_accounts a left join ledger_entries e on e.account_id = a.id group by a.group_id, a.code),
    expected as (
      select group_id,
             coalesce(sum(send_minor) filter (where status in ('APPROVED', 'PROCESSING')), 0) as in_transit,
             coalesce(sum(fee_minor) filter (where status in ('APPROVED', 'PROCESSING', 'COMPLETED')), 0) as fees,
             coalesce(sum(send_minor) filter (where status = 'COMPLETED'), 0) as sent
        from remittances group by group_id)
    select x.group_id,
           x.in_transit::text, coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'REMITTANCES_IN_TRANSIT'), 0)::text as in_transit_balance,
           x.fees::text, coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'FEES'), 0)::text as fees_balance,
           x.sent::text, coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'REMITTANCES_SENT'), 0)::text as sent_balance
      from expected x`);
  for (const row of mismatched.rows) {
    expect({ group: row.group_id, inTransit: row.in_transit_balance, fees: row.fees_balance, sent: row.sent_balance }).toEqual({ group: row.group_id, inTransit: row.in_transit, fees: row.fees, sent: row.sent });
  }
  const reservedWithoutApproval = await t.query(`select id from remittances where ledger_transaction_id is not null and approved_at is null`);
  expect(reservedWithoutApproval.rows).toEqual([]);
  for (const { groupId, token } of viewers) {
    const response = await t.gql<{ groupBalance: { accounts: { code: string; balance: { amountMinor: string } }[] } }>(GROUP_BALANCE, { g: groupId }, token);
    const sums = await t.query(
      `select a.code, coalesce(sum(e.amount_minor), 0)::text as balance from ledger_accounts a left join ledger_entries e on e.account_id = a.id where a.group_id = $1 group by a.code`,
      [groupId],
    );
    const fromApi = Object.fromEntries(response.data!.groupBalance.accounts.map((a) => [a.code, a.balance.amountMinor]));
    expect(fromApi).toEqual(Object.fromEntries(sums.rows.map((r) => [r.code, r.balance])));
  }
}
