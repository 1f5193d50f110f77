import DataLoader from 'dataloader';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { pendingViewerUser, PendingViewerUser, Viewer, ViewerUserColumns, viewerUserFields, viewerUserGone } from '../modules/auth/viewer';
import { BillingPeriod } from '../modules/dues/dues.entities';
import { Group } from '../modules/groups/group.entity';
import { LedgerTransaction } from '../modules/ledger/ledger.entities';
import { Member, MemberStatus, MemberView } from '../modules/members/member.entity';
import { PrimedLoader } from './primed-loader';
import { Role } from './roles';
import { isUuid } from './validation';
import { preparedAs } from '../db/prepared-statements';
import { transactionKnex } from './row-lock';

/**
 * Per-request batch loaders for what MikroORM's own dataloader does not cover
 * (aggregates and the viewer's roles). Built fresh for every request so one
 * viewer's data never leaks into another's.
 */
export interface RequestLoaders {
  /** Primed by list queries that read the roles: `known` answers without a promise. */
  viewerRoleByGroup: PrimedLoader<string, Role | null>;
  /** Primed by list queries that read the counts: `known` answers without a promise. */
  activeMemberCountByGroup: PrimedLoader<string, number>;
  activeSubMemberIdsByPrimary: DataLoader<string, string[]>;
  groupById: DataLoader<string, Group | null>;
  memberById: DataLoader<string, Member | null>;
  /** Members for read-only fields (a transaction's member): plain rows, no managed entities. Primed by the transactions list. */
  memberViewById: PrimedLoader<string, MemberView | null>;
  transactionById: DataLoader<string, LedgerTransaction | null>;
  billingPeriodById: DataLoader<string, BillingPeriod | null>;
  /** Dues still to be paid (unpaid, member-confirmed, overdue) per group. */
  openDueCountByGroup: DataLoader<string, number>;
  /** Display names of the actors in the audit and activity logs. */
  userNameById: DataLoader<string, string | null>;
  apiKeyNameById: DataLoader<string, string | null>;
  /** Who created each API key: four eyes counts a key's requests as its creator's. */
  apiKeyCreatorById: DataLoader<string, string | null>;
}

/** A by-id loader over the identity map: rows already loaded cost no query. */
function byIdLoader<T extends Group | Member | LedgerTransaction | BillingPeriod>(em: () => EntityManager, entity: new () => T): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = (await em().find(entity as never, { id: { $in: [...ids] } } as never)) as T[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export interface MemberViewRow {
  id: string;
  group_id: string;
  user_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  nickname: string | null;
  role: Role;
  custom_amount_minor: string | null;
  member_number: string;
  primary_member_id: string | null;
  status: MemberStatus;
  created_at: Date | string;
  updated_at: Date | string;
}

export const MEMBER_VIEW_COLUMNS = [
  'id', 'group_id', 'user_id', 'name', 'email', 'phone', 'nickname', 'role', 'custom_amount_minor',
  'member_number', 'primary_member_id', 'status', 'created_at', 'updated_at',
];

export function memberView(row: MemberViewRow): MemberView {
  return {
    id: row.id,
    group: { id: row.group_id },
    user: row.user_id === null ? null : { id: row.user_id },
    name: row.name,
    email: row.email,
    phone: row.phone,
    nickname: row.nickname,
    role: row.role,
    customAmountMinor: row.custom_amount_minor === null ? null : BigInt(row.custom_amount_minor),
    memberNumber: row.member_number,
    primaryMember: row.primary_member_id === null ? null : { id: row.primary_member_id },
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** id → name of a table's rows, one statement per batch. */
function nameLoader(knex: () => Knex, table: 'users' | 'api_keys'): DataLoader<string, string | null> {
  return new DataLoader(async (ids) => {
    const rows: { id: string; name: string }[] = await knex()(table).select('id', 'name').whereIn('id', [...ids]);
    const byId = new Map(rows.map((row) => [row.id, row.name]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/*
 * The role checks run on almost every request, so they are prepared statements
 * (db/prepared-statements.ts) with one text whatever the number of groups: the
 * ids travel as one uuid[] parameter rather than a list of placeholders.
 */
const VIEWER_ROLES_SQL = `select group_id, role from members where user_id = ? and status = 'ACTIVE' and group_id = any(cast(? as uuid[]))`;
const FOLDED_VIEWER_ROLES_SQL = `select u.email, u.name, u.phone, u.must_change_password, m.group_id, m.role
   from users u
   left join members m on m.user_id = u.id and m.status = 'ACTIVE' and m.group_id = any(cast(? as uuid[]))
  where u.id = ? and u.deleted_at is null and u.token_generation = ?`;

/** Ids as one PostgreSQL array literal (knex would spread a JS array into a list of placeholders). */
function uuidArray(ids: readonly string[]): string {
  // viewerRoleIn only loads UUIDs; anything else here is a bug, and must never shape the literal.
  for (const id of ids) if (!isUuid(id)) throw new Error(`Not a UUID: ${JSON.stringify(id)}`);
  return `{${ids.join(',')}}`;
}

/**
 * The viewer's roles and the viewer check in one statement, for a request
 * that left the check to its first statement (PendingViewerUser): one row per
 * matching membership, or one row with no membership, when the user exists,
 * is not deleted and the token's generation is current; no row when they are
 * gone or the token was revoked.
 */
async function foldedViewerRoles(knex: Knex, user: PendingViewerUser, groupIds: readonly string[]): Promise<(Role | null)[]> {
  const { rows } = await knex
    .raw<{ rows: ({ group_id: string | null; role: Role | null } & ViewerUserColumns)[] }>(FOLDED_VIEWER_ROLES_SQL, [uuidArray(groupIds), user.id, user.tokenGeneration])
    .options(preparedAs(FOLDED_VIEWER_ROLES_SQL));
  if (rows.length === 0) {
    user.refuse();
    throw viewerUserGone();
  }
  user.confirm(viewerUserFields(rows[0]));
  const byGroup = new Map(rows.filter((row) => row.group_id !== null).map((row) => [row.group_id, row.role]));
  return groupIds.map((id) => byGroup.get(id) ?? null);
}

interface LoaderDeps {
  em: () => EntityManager;
  knex: () => Knex;
  viewer: Viewer;
}

/** How each loader is made; RequestLoadersOnDemand makes one on its first use in a request. */
const loaderFactories: { [Name in keyof RequestLoaders]: (deps: LoaderDeps) => RequestLoaders[Name] } = {
  viewerRoleByGroup: ({ knex, viewer }) =>
    new PrimedLoader(async (groupIds) => {
      if (viewer.kind === 'apiKey') {
        return groupIds.map((id) => (id === viewer.apiKey.group.id ? viewer.apiKey.role : null));
      }
      if (viewer.kind !== 'user') return groupIds.map(() => null);
      const pending = pendingViewerUser(viewer);
      if (pending) return foldedViewerRoles(knex(), pending, groupIds);
      const { rows } = await knex()
        .raw<{ rows: { group_id: string; role: Role }[] }>(VIEWER_ROLES_SQL, [viewer.user.id, uuidArray(groupIds)])
        .options(preparedAs(VIEWER_ROLES_SQL));
      const byGroup = new Map(rows.map((row) => [row.group_id, row.role]));
      return groupIds.map((id) => byGroup.get(id) ?? null);
    }),
  activeMemberCountByGroup: ({ knex }) =>
    new PrimedLoader(async (groupIds) => {
      const rows: { group_id: string; count: string }[] = await knex()('members')
        .select('group_id')
        .count('* as count')
        .where({ status: 'ACTIVE' })
        .whereIn('group_id', [...groupIds])
        .groupBy('group_id');
      const byGroup = new Map(rows.map((row) => [row.group_id, Number(row.count)]));
      return groupIds.map((id) => byGroup.get(id) ?? 0);
    }),
  activeSubMemberIdsByPrimary: ({ knex }) =>
    new DataLoader(async (primaryIds) => {
      const rows: { id: string; primary_member_id: string }[] = await knex()('members')
        .select('id', 'primary_member_id')
        .where({ status: 'ACTIVE' })
        .whereIn('primary_member_id', [...primaryIds])
        .orderBy('sub_index');
      return primaryIds.map((id) => rows.filter((row) => row.primary_member_id === id).map((row) => row.id));
    }),
  groupById: ({ em }) => byIdLoader(em, Group),
  memberById: ({ em }) => byIdLoader(em, Member),
  memberViewById: ({ knex }) =>
    new PrimedLoader(async (ids) => {
      const rows: MemberViewRow[] = await knex()('members').select(MEMBER_VIEW_COLUMNS).whereIn('id', [...ids]);
      const byId = new Map(rows.map((row) => [row.id, memberView(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  transactionById: ({ em }) => byIdLoader(em, LedgerTransaction),
  billingPeriodById: ({ em }) => byIdLoader(em, BillingPeriod),
  openDueCountByGroup: ({ knex }) =>
    new DataLoader(async (groupIds) => {
      const rows: { group_id: string; count: string }[] = await knex()('dues')
        .select('group_id')
        .count('* as count')
        .whereIn('status', ['UNPAID', 'MEMBER_CONFIRMED', 'OVERDUE'])
        .whereIn('group_id', [...groupIds])
        .groupBy('group_id');
      const byGroup = new Map(rows.map((row) => [row.group_id, Number(row.count)]));
      return groupIds.map((id) => byGroup.get(id) ?? 0);
    }),
  userNameById: ({ knex }) => nameLoader(knex, 'users'),
  apiKeyNameById: ({ knex }) => nameLoader(knex, 'api_keys'),
  apiKeyCreatorById: ({ knex }) =>
    new DataLoader(async (ids) => {
      const rows: { id: string; created_by_id: string }[] = await knex()('api_keys').select('id', 'created_by_id').whereIn('id', [...ids]);
      const byId = new Map(rows.map((row) => [row.id, row.created_by_id]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
};

/**
 * A request's loaders, each made on first use. Most requests touch one or two
 * of them (`{ __typename }` none), and making all of them up front was a
 * measurable part of a small request's cost (BENCHMARKS.md). The getters live
 * on the prototype, defined once below; the made loaders are kept per instance.
 */
class RequestLoadersOnDemand {
  readonly made: Partial<Record<keyof RequestLoaders, unknown>> = {};
  constructor(readonly deps: LoaderDeps) {}
}
for (const name of Object.keys(loaderFactories) as (keyof RequestLoaders)[]) {
  Object.defineProperty(RequestLoadersOnDemand.prototype, name, {
    get(this: RequestLoadersOnDemand) {
      return (this.made[name] ??= loaderFactories[name](this.deps));
    },
  });
}

/**
 * `em` may be a function giving the request's EntityManager: it is then
 * called (and the request's fork made) only when a loader first needs it.
 * `sharedKnex`, the ORM's knex (what `em().getKnex()` returns for any fork),
 * lets the loaders that read plain rows run without forking at all. Without
 * it, an `em` inside a database transaction has its loaders read on that
 * transaction's connection (they then see its rows, and a context holding a
 * row lock never needs a second pooled connection: shared/row-lock.ts).
 */
export function createLoaders(requestEm: EntityManager | (() => EntityManager), viewer: Viewer, sharedKnex?: Knex): RequestLoaders {
  const em = typeof requestEm === 'function' ? requestEm : () => requestEm;
  const knex = (): Knex => sharedKnex ?? transactionKnex(em());
  // The prototype's getters (above) give it every property of RequestLoaders.
  return new RequestLoadersOnDemand({ em, knex, viewer }) as unknown as RequestLoaders;
}
