import type { EntityManager } from '@mikro-orm/postgresql';
import type { Group } from '../groups/group.entity';

/**
 * PREFIX-YYYY-NNNN-SS. NNNN comes from the group's counter, bumped with one
 * UPDATE … RETURNING: the row lock makes concurrent adds queue up, and a
 * rolled-back add gives its number back with the transaction.
 */
export async function allocateMemberNumber(em: EntityManager, group: Group, now = new Date()): Promise<string> {
  const rows: { member_sequence: string }[] = await em.execute(
    'update "groups" set "member_sequence" = "member_sequence" + 1 where "id" = ? returning "member_sequence"',
    [group.id],
  );
  const sequence = Number(rows[0].member_sequence);
  return formatMemberNumber(group.memberNumberPrefix, now.getUTCFullYear(), sequence, 0);
}

export function formatMemberNumber(prefix: string, year: number, sequence: number, subIndex: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, '0')}-${String(subIndex).padStart(2, '0')}`;
}

/** A sub-member's number: the primary's with its own SS. */
export function subMemberNumber(primaryNumber: string, subIndex: number): string {
  return `${primaryNumber.slice(0, primaryNumber.lastIndexOf('-'))}-${String(subIndex).padStart(2, '0')}`;
}
