import type { EntityManager } from '@mikro-orm/postgresql';
import { encryptSecret } from '../../shared/crypto';
import { conflict, forbidden, notFound } from '../../shared/domain-error';
import { isCurrencyCode, parseAmount } from '../../shared/money';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import { preparedAs } from '../../db/prepared-statements';
import { knexOf, ServiceContext } from '../../shared/service-context';
import { FieldValidator, isNonBlank, isUpiId } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ADMIN_ONLY, ANY_ROLE, assertGroupRole, requireSignedIn, requireUser } from '../auth/authorization';
import { User } from '../auth/user.entity';
import { pendingViewerUser, ViewerUserColumns, viewerUserFields, viewerUserGone } from '../auth/viewer';
import { Member } from '../members/member.entity';
import { allocateMemberNumber } from '../members/member-number';
import {
  BillingCycle,
  BillingMode,
  BillingSettingsData,
  Group,
  GroupKind,
  GroupStatus,
  MembershipTermRule,
  PaymentSettingsData,
} from './group.entity';

export interface MoneyInputData {
  amount: string;
  currency: string;
}

export interface BillingSettingsInputData {
  mode: BillingMode;
  cycle: BillingCycle;
  price?: MoneyInputData | null;
  dueDay?: number | null;
  graceDays?: number | null;
  annualDueDate?: string | null;
  termRule?: MembershipTermRule | null;
  renewalWindowDays?: number | null;
  membershipFees?: Partial<Record<'monthly' | 'annual' | 'lifetime' | 'applicationFee', MoneyInputData | null>> | null;
  timeZone?: string | null;
}

export interface PaymentSettingsInputData {
  upiId?: string | null;
  bankAccountNumber?: string | null;
  bankIfsc?: string | null;
  razorpayEnabled?: boolean | null;
  stripeEnabled?: boolean | null;
}

export interface CreateGroupData {
  name: string;
  kind: GroupKind;
  service?: string | null;
  currency: string;
  memberNumberPrefix: string;
  billingSettings?: BillingSettingsInputData | null;
  paymentSettings?: PaymentSettingsInputData | null;
  approvalThreshold?: MoneyInputData | null;
}

export type UpdateGroupData = Partial<Omit<CreateGroupData, 'currency'>>;

const DEFAULT_BILLING: BillingSettingsData = {
  mode: BillingMode.EQUAL_SPLIT,
  cycle: BillingCycle.MONTHLY,
  priceMinor: null,
  dueDay: 1,
  graceDays: 7,
};

const DEFAULT_PAYMENT: PaymentSettingsData = {
  upiId: null,
  bankAccountNumberEncrypted: null,
  bankAccountLast4: null,
  bankIfsc: null,
  razorpayEnabled: false,
  stripeEnabled: false,
};

function validateCommon(validator: FieldValidator, data: UpdateGroupData): void {
  if (data.name !== undefined) validator.check('name', data.name !== null && isNonBlank(data.name, 200), 'Give the group a name (at most 200 characters)');
  if (data.service !== undefined && data.service !== null) validator.check('service', data.service.length <= 200, 'At most 200 characters');
  if (data.memberNumberPrefix !== undefined) {
    validator.check(
      'memberNumberPrefix',
      data.memberNumberPrefix !== null && /^[A-Z][A-Z0-9]{1,7}$/.test(data.memberNumberPrefix),
      'Use 2 to 8 capital letters or digits, starting with a letter (e.g. SRC)',
    );
  }
}

function parseThreshold(validator: FieldValidator, input: MoneyInputData | null | undefined, currency: string): bigint | null | undefined {
  if (input === undefined) return undefined;
  if (input === null) return null;
  validator.check('approvalThreshold.currency', input.currency === currency, `Use the group's currency (${currency})`);
  const minor = validator.attempt(() => parseAmount(input.amount, currency, 'approvalThreshold.amount'));
  if (minor !== undefined) validator.check('approvalThreshold.amount', minor >= 0n, 'Cannot be negative');
  return minor ?? null;
}

/** A non-negative amount in the group's currency, as stored in settings JSON (a decimal string of minor units). */
function settingsAmount(validator: FieldValidator, input: MoneyInputData | null | undefined, currency: string, field: string): string | null {
  if (!input) return null;
  validator.check(`${field}.currency`, input.currency === currency, `Use the group's currency (${currency})`);
  const minor = validator.attempt(() => parseAmount(input.amount, currency, `${field}.amount`));
  if (minor === undefined) return null;
  validator.check(`${field}.amount`, minor >= 0n, 'Cannot be negative');
  return minor.toString();
}

/** An IANA zone name this runtime (and PostgreSQL, which knows the same database) can use. */
const isTimeZone = (value: string): boolean => {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(value) && value !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const isMonthDay = (value: string): boolean => {
  const match = /^(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [month, day] = [Number(match[1]), Number(match[2])];
  // 29 February would skip three years in four.
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(2023, month, 0)).getUTCDate();
};

function buildBilling(validator: FieldValidator, input: BillingSettingsInputData, currency: string): BillingSettingsData {
  const priceMinor = settingsAmount(validator, input.price, currency, 'billingSettings.price');
  const fees = input.membershipFees ?? {};
  const membershipFees = {
    monthlyMinor: settingsAmount(validator, fees.monthly, currency, 'billingSettings.membershipFees.monthly'),
    annualMinor: settingsAmount(validator, fees.annual, currency, 'billingSettings.membershipFees.annual'),
    lifetimeMinor: settingsAmount(validator, fees.lifetime, currency, 'billingSettings.membershipFees.lifetime'),
    applicationFeeMinor: settingsAmount(validator, fees.applicationFee, currency, 'billingSettings.membershipFees.applicationFee'),
  };
  const annualDueDate = input.annualDueDate ?? null;
  validator.check('billingSettings.annualDueDate', annualDueDate === null || isMonthDay(annualDueDate), 'Use MM-DD, e.g. 04-01 (not 02-29)');
  const termRule = input.termRule ?? MembershipTermRule.ROLLING;
  validator.check('billingSettings.annualDueDate', termRule !== MembershipTermRule.FIXED_ANNUAL || annualDueDate !== null, 'FIXED_ANNUAL membership terms need the fixed annual date');
  const renewalWindowDays = input.renewalWindowDays ?? 30;
  validator.check('billingSettings.renewalWindowDays', Number.isInteger(renewalWindowDays) && renewalWindowDays >= 0 && renewalWindowDays <= 180, 'Between 0 and 180 days');
  const dueDay = input.dueDay ?? DEFAULT_BILLING.dueDay;
  validator.check('billingSettings.dueDay', dueDay === null || (Number.isInteger(dueDay) && dueDay >= 1 && dueDay <= 28), 'Due day must be between 1 and 28');
  const graceDays = input.graceDays ?? DEFAULT_BILLING.graceDays;
  validator.check('billingSettings.graceDays', Number.isInteger(graceDays) && graceDays >= 0 && graceDays <= 90, 'Grace days must be between 0 and 90');
  const timeZone = input.timeZone?.trim() || null;
  validator.check('billingSettings.timeZone', timeZone === null || isTimeZone(timeZone), 'Use an IANA time zone such as Asia/Kolkata or Europe/Oslo');
  return { mode: input.mode, cycle: input.cycle, priceMinor, dueDay, graceDays, annualDueDate, termRule, renewalWindowDays, membershipFees, timeZone };
}

function buildPayment(ctx: ServiceContext, validator: FieldValidator, input: PaymentSettingsInputData, previous: PaymentSettingsData): PaymentSettingsData {
  const next: PaymentSettingsData = { ...previous };
  if (input.upiId !== undefined) {
    validator.check('paymentSettings.upiId', input.upiId === null || isUpiId(input.upiId), 'Not a UPI id like name@bank');
    next.upiId = input.upiId;
  }
  if (input.bankAccountNumber !== undefined) {
    const digits = input.bankAccountNumber?.replace(/\s/g, '') ?? null;
    validator.check('paymentSettings.bankAccountNumber', digits === null || /^[0-9A-Z]{6,34}$/.test(digits), 'Use 6 to 34 digits or capital letters');
    next.bankAccountNumberEncrypted = digits ? encryptSecret(digits, ctx.config.encryptionKey) : null;
    next.bankAccountLast4 = digits ? digits.slice(-4) : null;
  }
  if (input.bankIfsc !== undefined) {
    validator.check('paymentSettings.bankIfsc', input.bankIfsc === null || /^[A-Z]{4}0[A-Z0-9]{6}$/.test(input.bankIfsc), 'Not an IFSC code like HDFC0001234');
    next.bankIfsc = input.bankIfsc;
  }
  if (input.razorpayEnabled !== undefined && input.razorpayEnabled !== null) next.razorpayEnabled = input.razorpayEnabled;
  if (input.stripeEnabled !== undefined && input.stripeEnabled !== null) next.stripeEnabled = input.stripeEnabled;
  return next;
}

/** What the activity log keeps of a group: settings, but never secrets. */
function groupSnapshot(group: Group): Record<string, unknown> {
  const { bankAccountNumberEncrypted: _secret, ...payment } = group.paymentSettings;
  return {
    name: group.name,
    kind: group.kind,
    service: group.service,
    currency: group.currency,
    status: group.status,
    memberNumberPrefix: group.memberNumberPrefix,
    billingSettings: group.billingSettings,
    paymentSettings: payment,
    approvalThresholdMinor: group.approvalThresholdMinor?.toString() ?? null,
  };
}

export async function createGroup(ctx: ServiceContext, data: CreateGroupData): Promise<Group> {
  const user = requireUser(ctx);
  const validator = new FieldValidator();
  validateCommon(validator, data);
  validator.check('currency', isCurrencyCode(data.currency), 'Use an ISO 4217 code such as INR, USD, EUR');
  const currency = isCurrencyCode(data.currency) ? data.currency : 'XXX';
  const billingSettings = data.billingSettings ? buildBilling(validator, data.billingSettings, currency) : { ...DEFAULT_BILLING };
  const paymentSettings = data.paymentSettings ? buildPayment(ctx, validator, data.paymentSettings, DEFAULT_PAYMENT) : { ...DEFAULT_PAYMENT };
  const approvalThresholdMinor = parseThreshold(validator, data.approvalThreshold, currency) ?? null;
  validator.throwIfInvalid();

  return ctx.em.transactional(async (em) => {
    const group = em.create(Group, {
      name: data.name.trim(),
      kind: data.kind,
      service: data.service?.trim() || null,
      currency,
      memberNumberPrefix: data.memberNumberPrefix,
      billingSettings,
      paymentSettings,
      approvalThresholdMinor,
    });
    em.persist(group);
    await em.flush();
    const memberNumber = await allocateMemberNumber(em, group);
    const admin = em.create(Member, { group, user: em.getReference(User, user.id), name: user.name, email: user.email, phone: user.phone, role: Role.ADMIN, memberNumber });
    em.persist(admin);
    recordActivity({ ...ctx, em }, { groupId: group.id, action: 'group.create', entityType: 'Group', entityId: group.id, after: groupSnapshot(group) });
    await em.flush();
    ctx.loaders.viewerRoleByGroup.prime(group.id, Role.ADMIN);
    return group;
  });
}

/** Loads a group the viewer may see, or NOT_FOUND. */
export async function getGroup(ctx: ServiceContext, id: string): Promise<Group> {
  requireSignedIn(ctx);
  await assertGroupRole(ctx, id, ANY_ROLE);
  const group = await ctx.em.findOne(Group, { id });
  if (!group) throw notFound('Group');
  return group;
}

/** Writes to a deactivated group are refused: it is kept for the record only. */
export function assertGroupActive(group: Group): void {
  if (group.status !== GroupStatus.ACTIVE) throw conflict('This group is deactivated and can no longer be changed', 'GROUP_DEACTIVATED');
}

export async function loadGroupForWrite(ctx: ServiceContext, em: EntityManager, groupId: string, allowed: readonly Role[]): Promise<Group> {
  await assertGroupRole(ctx, groupId, allowed);
  const group = await em.findOne(Group, { id: groupId });
  if (!group) throw notFound('Group');
  assertGroupActive(group);
  return group;
}

export async function updateGroup(ctx: ServiceContext, id: string, data: UpdateGroupData): Promise<Group> {
  const group = await loadGroupForWrite(ctx, ctx.em, id, ADMIN_ONLY);
  const before = groupSnapshot(group);
  const validator = new FieldValidator();
  validateCommon(validator, data);
  const billingSettings = data.billingSettings ? buildBilling(validator, data.billingSettings, group.currency) : undefined;
  const paymentSettings = data.paymentSettings ? buildPayment(ctx, validator, data.paymentSettings, group.paymentSettings) : undefined;
  const approvalThresholdMinor = parseThreshold(validator, data.approvalThreshold, group.currency);
  validator.throwIfInvalid();
  if (data.name) group.name = data.name.trim();
  if (data.kind) group.kind = data.kind;
  if (data.service !== undefined) group.service = data.service?.trim() || null;
  if (data.memberNumberPrefix) group.memberNumberPrefix = data.memberNumberPrefix;
  if (billingSettings) group.billingSettings = billingSettings;
  if (paymentSettings) group.paymentSettings = paymentSettings;
  if (approvalThresholdMinor !== undefined) group.approvalThresholdMinor = approvalThresholdMinor;
  recordActivity(ctx, { groupId: group.id, action: 'group.update', entityType: 'Group', entityId: group.id, before, after: groupSnapshot(group) });
  await ctx.em.flush();
  return group;
}

export async function deactivateGroup(ctx: ServiceContext, id: string): Promise<Group> {
  const group = await loadGroupForWrite(ctx, ctx.em, id, ADMIN_ONLY);
  const before = groupSnapshot(group);
  group.status = GroupStatus.DEACTIVATED;
  group.deactivatedAt = new Date();
  recordActivity(ctx, { groupId: group.id, action: 'group.deactivate', entityType: 'Group', entityId: group.id, before, after: groupSnapshot(group) });
  await ctx.em.flush();
  return group;
}

/** What the GraphQL Group type reads. Lists build it straight from rows: no entity, no identity map. */
export type GroupView = Pick<
  Group,
  'id' | 'name' | 'kind' | 'service' | 'currency' | 'status' | 'memberNumberPrefix' | 'createdAt' | 'billingSettings' | 'paymentSettings' | 'approvalThresholdMinor'
>;

interface MyGroupRow {
  id: string;
  name: string;
  kind: GroupKind;
  service: string | null;
  currency: string;
  status: GroupStatus;
  member_number_prefix: string;
  /** The driver returns timestamps as text; rows are written from JS Dates, so millisecond precision is exact. */
  created_at: string;
  billing_settings: BillingSettingsData;
  payment_settings: PaymentSettingsData;
  approval_threshold_minor: string | null;
  viewer_role: Role;
  member_count: number;
  total_count: number;
  viewer_name: string;
}

const groupCursor = (group: GroupView) => ({ sort: group.createdAt.toISOString(), id: group.id });

/**
 * The viewer's groups, oldest first, in one statement whatever the number of
 * groups: the page, the viewer's role in each, each group's member count and
 * the total. Roles and counts are primed into the request's loaders.
 */
export async function listMyGroups(ctx: ServiceContext, request: PageRequest): Promise<Page<GroupView>> {
  requireSignedIn(ctx);
  const size = pageSize(request.first);
  const after = decodeCursor(request.after, 'timestamp');
  const viewer = ctx.viewer;
  if (viewer.kind === 'apiKey') {
    const group = await ctx.em.findOneOrFail(Group, { id: viewer.apiKey.group.id });
    return toPage(after ? [] : [group], size, groupCursor, 1, after);
  }
  if (viewer.kind !== 'user') throw forbidden();
  // One statement: the viewer's row (the "exists, is not deleted and the token's generation is current"
  // check, which a request may have left to this statement: PendingViewerUser), their total, and the page of their groups with roles
  // and member counts. A user with no group (or a page past the end) still gets one row, with no group.
  // Named bindings (:name) in knex.raw: casts are spelled cast(… as …) because `::` would read as one.
  const sql = `select u.email, u.name as viewer_name, u.phone, u.must_change_password,
            cast((select count(*) from members t where t.user_id = u.id and t.status = 'ACTIVE') as int) as total_count,
            p.*
       from users u
       left join lateral (
         select g.id, g.name, g.kind, g.service, g.currency, g.status, g.member_number_prefix, g.created_at,
                g.billing_settings, g.payment_settings, g.approval_threshold_minor, m.role as viewer_role,
                cast((select count(*) from members c where c.group_id = g.id and c.status = 'ACTIVE') as int) as member_count
           from groups g join members m on m.group_id = g.id
          where m.user_id = u.id and m.status = 'ACTIVE'
            ${after ? 'and (g.created_at, g.id) > (cast(:afterSort as timestamptz), cast(:afterId as uuid))' : ''}
          order by g.created_at, g.id
          limit :limit
       ) p on true
      where u.id = :userId and u.deleted_at is null and u.token_generation = :tokenGeneration
      order by p.created_at, p.id`;
  const result = await knexOf(ctx)
    .raw<{ rows: (MyGroupRow & ViewerUserColumns)[] }>(sql, {
      userId: viewer.user.id,
      tokenGeneration: viewer.user.tokenGeneration,
      limit: size + 1,
      ...(after ? { afterSort: after.sort, afterId: after.id } : {}),
    })
    .options(preparedAs(sql));
  const pending = pendingViewerUser(viewer);
  const first = result.rows[0];
  if (!first) {
    pending?.refuse();
    throw viewerUserGone();
  }
  pending?.confirm(viewerUserFields({ ...first, name: first.viewer_name }));
  const groups = result.rows.filter((row) => row.id !== null).map((row): GroupView => {
    ctx.loaders.viewerRoleByGroup.prime(row.id, row.viewer_role);
    ctx.loaders.activeMemberCountByGroup.prime(row.id, row.member_count);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      service: row.service,
      currency: row.currency,
      status: row.status,
      memberNumberPrefix: row.member_number_prefix,
      createdAt: new Date(row.created_at),
      billingSettings: row.billing_settings,
      paymentSettings: row.payment_settings,
      approvalThresholdMinor: row.approval_threshold_minor === null ? null : BigInt(row.approval_threshold_minor),
    };
  });
  const totalCount = first.total_count;
  return toPage(groups, size, groupCursor, totalCount, after);
}

/** Next due date from the billing settings: the next due day of the cycle, today or later. */
export function nextBillingDate(settings: BillingSettingsData, today = new Date()): Date | null {
  if (!settings.dueDay) return null;
  const monthsPerCycle = settings.cycle === BillingCycle.MONTHLY ? 1 : settings.cycle === BillingCycle.QUARTERLY ? 3 : 12;
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  const startOfToday = Date.UTC(year, month, today.getUTCDate());
  // Cycles are anchored to January so quarterly dues fall in Jan/Apr/Jul/Oct and annual ones in January.
  for (let offset = 0; offset <= 12; offset += 1) {
    const candidateMonth = month + offset;
    if (candidateMonth % monthsPerCycle !== 0) continue;
    const candidate = Date.UTC(year, candidateMonth, settings.dueDay);
    if (candidate >= startOfToday) return new Date(candidate);
  }
  return null;
}
