import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { encryptSecret, hashPassword, temporaryPassword } from '../../shared/crypto';
import { conflict, forbidden, notFound } from '../../shared/domain-error';
import { parseAmount } from '../../shared/money';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import { lockRow, readLocked } from '../../shared/row-lock';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isEmail, isNonBlank, isPhone, normalizeEmail } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest } from '../approvals/approval-request.entity';
import { ApprovalRequestInput, publishApprovalEvent, requestApproval } from '../approvals/approval.service';
import { ANY_ROLE, assertGroupRole, requireId, STAFF_ROLES, viewerRoleIn } from '../auth/authorization';
import { User } from '../auth/user.entity';
import { assertGroupActive, loadGroupForWrite, MoneyInputData } from '../groups/group.service';
import { Group } from '../groups/group.entity';
import { NotificationChannel, NotificationTask } from '../notifications/notification-task.entity';
import { enqueueIntegratorEvent } from '../webhooks/webhook-outbox';
import { IntegratorEventType } from '../webhooks/webhook.entities';
import { Member, MemberStatus, MemberView } from './member.entity';
import { allocateMemberNumber, subMemberNumber } from './member-number';

export const MAX_SUB_MEMBERS = 3;

export interface AddMemberData {
  groupId: string;
  email: string;
  name: string;
  nickname?: string | null;
  phone?: string | null;
  customAmount?: MoneyInputData | null;
  role?: Role | null;
}

export interface UpdateMemberData {
  name?: string | null;
  nickname?: string | null;
  phone?: string | null;
  customAmount?: MoneyInputData | null;
  role?: Role | null;
}

export interface AddSubMemberData {
  primaryMemberId: string;
  name: string;
  email?: string | null;
  nickname?: string | null;
  phone?: string | null;
}

export type MemberChangeAction = 'ADDED' | 'UPDATED' | 'REMOVED';

/** A member change either happened (member) or waits for an admin (approval). */
export interface MemberChangeOutcome {
  member: Member | null;
  approval: ApprovalRequest | null;
}

/** Operators' member changes are maker–checker: they become requests unless an approval is applying them. */
function needsApproval(ctx: ServiceContext, actorRole: Role): boolean {
  return actorRole !== Role.ADMIN && !ctx.approving;
}

async function queueMemberChange(ctx: ServiceContext, input: Omit<ApprovalRequestInput, 'entityType'>): Promise<MemberChangeOutcome> {
  const approval = await ctx.em.transactional(async (em) => {
    const request = requestApproval(ctx, em, { ...input, entityType: ApprovalEntityType.MEMBER });
    await em.flush();
    return request;
  });
  await publishApprovalEvent(ctx, approval, 'QUEUED');
  return { member: null, approval };
}
export const MEMBER_CHANGED_TOPIC = 'memberChanged';

export function memberSnapshot(member: Member): Record<string, unknown> {
  return {
    name: member.name,
    email: member.email,
    phone: member.phone,
    nickname: member.nickname,
    role: member.role,
    customAmountMinor: member.customAmountMinor?.toString() ?? null,
    memberNumber: member.memberNumber,
    status: member.status,
  };
}

/** Tells the group's integrators, in the transaction of the change (em). Erasure tells them too (member.removed). */
export function emitMemberEvent(em: EntityManager, member: Member, type: IntegratorEventType): void {
  enqueueIntegratorEvent(em, { groupId: member.group.id, type, data: { member: { id: member.id, primaryMemberId: member.primaryMember?.id ?? null, ...memberSnapshot(member) } } });
}

/** Only admins hand out staff roles; operators may add plain members. */
function assertMayAssignRole(actorRole: Role, role: Role): void {
  if (role !== Role.MEMBER && actorRole !== Role.ADMIN) throw forbidden('Only an admin can give someone the ADMIN or OPERATOR role');
}

function validateProfile(validator: FieldValidator, data: { name?: string | null; nickname?: string | null; phone?: string | null }): void {
  if (data.name !== undefined) validator.check('name', data.name !== null && isNonBlank(data.name, 200), 'Enter a name (at most 200 characters)');
  if (data.nickname) validator.check('nickname', data.nickname.length <= 100, 'At most 100 characters');
  if (data.phone) validator.check('phone', isPhone(data.phone), 'Enter a phone number like +91 98765 43210');
}

function parseCustomAmount(validator: FieldValidator, group: Group, amount: MoneyInputData | null | undefined): bigint | null | undefined {
  if (amount === undefined) return undefined;
  if (amount === null) return null;
  validator.check('customAmount.currency', amount.currency === group.currency, `Use the group's currency (${group.currency})`);
  const minor = validator.attempt(() => parseAmount(amount.amount, group.currency, 'customAmount.amount'));
  if (minor !== undefined) validator.check('customAmount.amount', minor >= 0n, 'Amount cannot be negative');
  return minor ?? null;
}

/** Translates the database's uniqueness rules into the error a person understands. */
function rethrowUniqueViolation(error: unknown): never {
  if (error instanceof UniqueConstraintViolationException) {
    const message = error.message;
    if (message.includes('members_active_email_unique') || message.includes('members_active_user_unique')) {
      throw conflict('This e-mail already belongs to an active member of the group', 'MEMBER_EXISTS');
    }
    if (message.includes('members_active_sub_slot_unique')) {
      throw conflict(`A member can have at most ${MAX_SUB_MEMBERS} sub-members`, 'SUB_MEMBER_LIMIT');
    }
  }
  throw error;
}

export async function publishMemberChange(ctx: ServiceContext, member: Member, action: MemberChangeAction): Promise<void> {
  await ctx.events.publish({ topic: MEMBER_CHANGED_TOPIC, key: member.group.id, data: { memberId: member.id, action } });
}

interface TemporaryCredentials {
  password: string;
  passwordHash: string;
}

/**
 * scrypt takes tens of milliseconds; done before the transaction so the
 * group's row lock is not held while hashing. Only when the e-mail has no
 * account yet.
 */
async function credentialsIfNewUser(em: EntityManager, email: string | null): Promise<TemporaryCredentials | null> {
  if (!email || (await em.count(User, { email })) > 0) return null;
  const password = temporaryPassword();
  return { password, passwordHash: await hashPassword(password) };
}

/**
 * Finds the user behind an e-mail or creates one with a temporary password.
 * The password is never stored in clear: the welcome message that will carry
 * it is queued as a notification task with the password encrypted.
 */
async function findOrCreateUser(
  ctx: ServiceContext,
  em: EntityManager,
  person: { email: string; name: string; phone: string | null },
  group: Group,
  prepared: TemporaryCredentials | null,
): Promise<User> {
  const { email, name, phone } = person;
  // The same new person may be added to two groups at once: one creates the account, the other finds it.
  await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`user:${email}`]);
  const existing = await em.findOne(User, { email });
  if (existing) {
    if (existing.deletedAt) throw conflict('This e-mail belongs to a closed account', 'ACCOUNT_CLOSED');
    return existing;
  }
  const password = prepared?.password ?? temporaryPassword();
  const passwordHash = prepared?.passwordHash ?? (await hashPassword(password));
  const user = em.create(User, { email, name, phone, passwordHash, mustChangePassword: true });
  em.persist(user);
  em.persist(
    em.create(NotificationTask, {
      groupId: group.id,
      channel: NotificationChannel.EMAIL,
      template: 'member.welcome',
      recipient: email,
      payload: { groupName: group.name, name, temporaryPasswordEncrypted: encryptSecret(password, ctx.config.encryptionKey) },
      dedupeKey: `member.welcome:${user.id}`,
    }),
  );
  return user;
}

export async function addMember(ctx: ServiceContext, data: AddMemberData): Promise<MemberChangeOutcome> {
  const role = data.role ?? Role.MEMBER;
  const actorRole = await assertGroupRole(ctx, data.groupId, STAFF_ROLES);
  assertMayAssignRole(actorRole, role);
  const email = normalizeEmail(data.email);
  const validator = new FieldValidator().check('email', isEmail(email), 'Enter a valid e-mail address');
  validateProfile(validator, data);
  // Validate against the group read outside the transaction; the write re-reads it.
  const group = await loadGroupForWrite(ctx, ctx.em, data.groupId, STAFF_ROLES);
  const customAmountMinor = parseCustomAmount(validator, group, data.customAmount);
  validator.throwIfInvalid();
  if (needsApproval(ctx, actorRole)) {
    return queueMemberChange(ctx, { groupId: group.id, action: ApprovalAction.CREATE, proposedData: { operation: 'addMember', input: { ...data, email } } });
  }
  const prepared = await credentialsIfNewUser(ctx.em, email);

  const member = await ctx.em
    .transactional(async (em) => {
      // Locking the group row queues concurrent adds to this group, so the duplicate check below is reliable.
      const lockedGroup = await em.findOneOrFail(Group, { id: group.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      assertGroupActive(lockedGroup);
      const duplicate = await em.count(Member, { group: lockedGroup, email, status: MemberStatus.ACTIVE });
      if (duplicate > 0) throw conflict('This e-mail already belongs to an active member of the group', 'MEMBER_EXISTS');
      const user = await findOrCreateUser(ctx, em, { email, name: data.name.trim(), phone: data.phone?.trim() || null }, lockedGroup, prepared);
      const memberNumber = await allocateMemberNumber(em, lockedGroup);
      const created = em.create(Member, {
        group: lockedGroup,
        user,
        email,
        name: data.name.trim(),
        nickname: data.nickname?.trim() || null,
        phone: data.phone?.trim() || null,
        role,
        customAmountMinor: customAmountMinor ?? null,
        memberNumber,
      });
      em.persist(created);
      recordActivity({ ...ctx, em }, { groupId: lockedGroup.id, action: 'member.add', entityType: 'Member', entityId: created.id, after: memberSnapshot(created) });
      emitMemberEvent(em, created, IntegratorEventType.MEMBER_ADDED);
      await em.flush();
      return created;
    })
    .catch(rethrowUniqueViolation);
  await publishMemberChange(ctx, member, 'ADDED');
  return { member, approval: null };
}

export async function addSubMember(ctx: ServiceContext, data: AddSubMemberData): Promise<MemberChangeOutcome> {
  const primary = await ctx.em.findOne(Member, { id: requireId(data.primaryMemberId, 'Member'), status: MemberStatus.ACTIVE }, { populate: ['group'] });
  if (!primary) throw notFound('Member');
  const actorRole = await assertGroupRole(ctx, primary.group.id, STAFF_ROLES, 'Member');
  assertGroupActive(primary.group);
  if (primary.primaryMember) throw conflict('A sub-member cannot have sub-members of its own', 'NOT_A_PRIMARY');
  const email = data.email ? normalizeEmail(data.email) : null;
  const validator = new FieldValidator();
  if (email !== null) validator.check('email', isEmail(email), 'Enter a valid e-mail address');
  validateProfile(validator, data);
  validator.throwIfInvalid();
  if (needsApproval(ctx, actorRole)) {
    return queueMemberChange(ctx, {
      groupId: primary.group.id,
      action: ApprovalAction.CREATE,
      targetId: primary.id,
      targetVersion: primary.version,
      proposedData: { operation: 'addSubMember', input: { ...data, email } },
      previousData: memberSnapshot(primary),
    });
  }
  const prepared = await credentialsIfNewUser(ctx.em, email);

  const member = await ctx.em
    .transactional(async (em) => {
      // Lock the primary so two concurrent adds pick slots one after the other.
      await lockRow(em, 'members', primary.id);
      const taken: { sub_index: number }[] = await em.execute(
        `select "sub_index" from "members" where "primary_member_id" = ? and "status" = 'ACTIVE'`,
        [primary.id],
      );
      const used = new Set(taken.map((row) => Number(row.sub_index)));
      const slot = [1, 2, 3].find((index) => !used.has(index));
      if (slot === undefined) throw conflict(`A member can have at most ${MAX_SUB_MEMBERS} sub-members`, 'SUB_MEMBER_LIMIT');
      if (email) {
        const duplicate = await em.count(Member, { group: primary.group, email, status: MemberStatus.ACTIVE });
        if (duplicate > 0) throw conflict('This e-mail already belongs to an active member of the group', 'MEMBER_EXISTS');
      }
      const user = email ? await findOrCreateUser(ctx, em, { email, name: data.name.trim(), phone: data.phone?.trim() || null }, primary.group, prepared) : null;
      const created = em.create(Member, {
        group: primary.group,
        user,
        email,
        name: data.name.trim(),
        nickname: data.nickname?.trim() || null,
        phone: data.phone?.trim() || null,
        role: Role.MEMBER,
        memberNumber: subMemberNumber(primary.memberNumber, slot),
        primaryMember: primary,
        subIndex: slot,
      });
      em.persist(created);
      recordActivity({ ...ctx, em }, { groupId: primary.group.id, action: 'member.add-sub', entityType: 'Member', entityId: created.id, after: memberSnapshot(created) });
      emitMemberEvent(em, created, IntegratorEventType.MEMBER_ADDED);
      await em.flush();
      return created;
    })
    .catch(rethrowUniqueViolation);
  await publishMemberChange(ctx, member, 'ADDED');
  return { member, approval: null };
}

async function loadMemberForWrite(ctx: ServiceContext, id: string): Promise<{ member: Member; actorRole: Role }> {
  const member = await ctx.em.findOne(Member, { id: requireId(id, 'Member') }, { populate: ['group'] });
  if (!member) throw notFound('Member');
  const actorRole = await assertGroupRole(ctx, member.group.id, STAFF_ROLES, 'Member');
  assertGroupActive(member.group);
  if (member.status !== MemberStatus.ACTIVE) throw conflict('This member has been removed', 'MEMBER_REMOVED');
  // An operator must not be able to demote or remove the people who supervise them.
  if (actorRole !== Role.ADMIN && member.role !== Role.MEMBER) throw forbidden('Only an admin can change an admin or operator');
  return { member, actorRole };
}

export async function updateMember(ctx: ServiceContext, id: string, data: UpdateMemberData): Promise<MemberChangeOutcome> {
  const { member, actorRole } = await loadMemberForWrite(ctx, id);
  if (data.role) assertMayAssignRole(actorRole, data.role);
  const validator = new FieldValidator();
  validateProfile(validator, data);
  const customAmountMinor = parseCustomAmount(validator, member.group, data.customAmount);
  validator.throwIfInvalid();
  if (needsApproval(ctx, actorRole)) {
    const queued = await queueMemberChange(ctx, {
      groupId: member.group.id,
      action: ApprovalAction.UPDATE,
      targetId: member.id,
      targetVersion: member.version,
      proposedData: { operation: 'updateMember', input: { ...data } },
      previousData: memberSnapshot(member),
    });
    return { member, approval: queued.approval };
  }
  const demoting = data.role !== undefined && data.role !== null && data.role !== Role.ADMIN;
  const updated = await ctx.em.transactional(async (em) => {
    const target = await lockForChange(em, member, demoting);
    if (demoting && target.role === Role.ADMIN) await assertNotLastAdmin(em, target);
    const before = memberSnapshot(target);
    if (data.name) target.name = data.name.trim();
    if (data.nickname !== undefined) target.nickname = data.nickname?.trim() || null;
    if (data.phone !== undefined) target.phone = data.phone?.trim() || null;
    if (customAmountMinor !== undefined) target.customAmountMinor = customAmountMinor;
    if (data.role) target.role = data.role;
    recordActivity({ ...ctx, em }, { groupId: target.group.id, action: 'member.update', entityType: 'Member', entityId: target.id, before, after: memberSnapshot(target) });
    emitMemberEvent(em, target, IntegratorEventType.MEMBER_UPDATED);
    await em.flush();
    return target;
  });
  await publishMemberChange(ctx, updated, 'UPDATED');
  return { member: updated, approval: null };
}

/**
 * Re-reads the member, locked, inside the change's transaction. When the
 * change may take an admin away (`mayRemoveAdmin`), the group's row is locked
 * first: every such change to the group (and the account erasure, which
 * locks it too) then runs one after the other, so each counts the admins the
 * previous one left. Without it two admins demoting or removing each other at
 * once both counted two admins, and the group was left with none.
 * FOR NO KEY UPDATE rather than FOR UPDATE: inserts that merely reference the
 * group (activity, terms, transactions) are not held up by it.
 */
async function lockForChange(em: EntityManager, member: Member, mayRemoveAdmin: boolean): Promise<Member> {
  if (mayRemoveAdmin) await em.execute('select 1 from "groups" where "id" = ? for no key update', [member.group.id]);
  const locked = await readLocked(em, Member, { id: member.id }, 'Member');
  if (locked.status !== MemberStatus.ACTIVE) throw conflict('This member has been removed', 'MEMBER_REMOVED');
  return locked;
}

/**
 * A group always keeps at least one active admin, or nobody could ever manage it again.
 * Only under the group's lock (lockForChange), where the count cannot change before the commit.
 */
async function assertNotLastAdmin(em: EntityManager, member: Member): Promise<void> {
  const otherAdmins = await em.count(Member, { group: member.group, role: Role.ADMIN, status: MemberStatus.ACTIVE, id: { $ne: member.id } });
  if (otherAdmins === 0) throw conflict('A group needs at least one admin; make someone else admin first', 'LAST_ADMIN');
}

export async function removeMember(ctx: ServiceContext, id: string): Promise<MemberChangeOutcome> {
  const { member, actorRole } = await loadMemberForWrite(ctx, id);
  if (needsApproval(ctx, actorRole)) {
    const queued = await queueMemberChange(ctx, {
      groupId: member.group.id,
      action: ApprovalAction.DELETE,
      targetId: member.id,
      targetVersion: member.version,
      proposedData: { operation: 'removeMember', input: {} },
      previousData: memberSnapshot(member),
    });
    return { member, approval: queued.approval };
  }
  const removed = await ctx.em.transactional(async (em) => {
    // Locked whatever the role it was read with: it may have been made an admin since.
    const target = await lockForChange(em, member, true);
    if (target.role === Role.ADMIN) await assertNotLastAdmin(em, target);
    const subMembers = await em.find(Member, { primaryMember: target, status: MemberStatus.ACTIVE });
    const removedAt = new Date();
    for (const row of [target, ...subMembers]) {
      const before = memberSnapshot(row);
      row.status = MemberStatus.REMOVED;
      row.removedAt = removedAt;
      recordActivity({ ...ctx, em }, { groupId: target.group.id, action: 'member.remove', entityType: 'Member', entityId: row.id, before, after: memberSnapshot(row) });
      emitMemberEvent(em, row, IntegratorEventType.MEMBER_REMOVED);
    }
    await em.flush();
    return [target, ...subMembers];
  });
  for (const row of removed) await publishMemberChange(ctx, row, 'REMOVED');
  return { member: removed[0], approval: null };
}

export async function getMember(ctx: ServiceContext, id: string): Promise<Member> {
  const member = await ctx.em.findOne(Member, { id: requireId(id, 'Member') });
  if (!member) throw notFound('Member');
  await assertGroupRole(ctx, member.group.id, ANY_ROLE, 'Member');
  return member;
}

export interface ListMembersFilter extends PageRequest {
  groupId: string;
  status?: MemberStatus | null;
  search?: string | null;
}

/** Members in member-number order; search matches name, nickname, e-mail, phone or number. */
export async function listMembers(ctx: ServiceContext, filter: ListMembersFilter): Promise<Page<Member>> {
  await assertGroupRole(ctx, filter.groupId, ANY_ROLE);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'memberNumber');
  const knex = ctx.em.getKnex();
  const base = knex('members').where({ group_id: filter.groupId });
  if (filter.status) base.andWhere({ status: filter.status });
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    base.andWhere((q) => {
      q.whereRaw('lower("name") like ?', [pattern])
        .orWhereRaw('lower("nickname") like ?', [pattern])
        .orWhereRaw('"email" like ?', [pattern])
        .orWhereRaw('lower("member_number") like ?', [pattern])
        .orWhereRaw('"phone" like ?', [pattern]);
    });
  }
  const pageQuery = base.clone().select('*').orderBy([{ column: 'member_number' }, { column: 'id' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('("member_number", "id") > (?, ?::uuid)', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const members = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(Member, row));
  return toPage(members, size, (m) => ({ sort: m.memberNumber, id: m.id }), Number((countRows[0] as { count: string }).count), after);
}

/** Contact details are for staff and for the member themself. */
export async function viewerMaySeeContact(ctx: ServiceContext, member: MemberView): Promise<boolean> {
  const role = await viewerRoleIn(ctx, member.group.id);
  if (role === Role.ADMIN || role === Role.OPERATOR) return true;
  return ctx.viewer.kind === 'user' && member.user?.id === ctx.viewer.user.id;
}

export async function viewerCanEditMember(ctx: ServiceContext, member: MemberView): Promise<boolean> {
  const role = await viewerRoleIn(ctx, member.group.id);
  if (member.status !== MemberStatus.ACTIVE) return false;
  if (role === Role.ADMIN) return true;
  return role === Role.OPERATOR && member.role === Role.MEMBER;
}


