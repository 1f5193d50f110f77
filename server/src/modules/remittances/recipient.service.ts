import { createHash, createHmac } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, notFound } from '../../shared/domain-error';
import { decryptSecret, encryptSecret } from '../../shared/crypto';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { readBeforeLock, readLocked, withRowLock } from '../../shared/row-lock';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ADMIN_ONLY, assertGroupRole, requireId, STAFF_ROLES } from '../auth/authorization';
import { Group } from '../groups/group.entity';
import { assertGroupActive } from '../groups/group.service';
import { assertCorridor } from './corridors';
import { Recipient, Remittance, RemittanceStatus } from './remittance.entities';

export interface RecipientInputData {
  name?: string | null;
  country?: string | null;
  currency?: string | null;
  bankAccount?: string | null;
  bankName?: string | null;
  swiftCode?: string | null;
  notes?: string | null;
}

/** Tags and control characters out, whitespace collapsed: free text is shown in the console and printed on receipts. */
export function stripMarkup(text: string): string {
  return text
    .replace(/<[^>]*>?/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `*****5678`: the only form of a bank account any response carries. */
export const maskAccount = (last4: string): string => `*****${last4}`;

export function recipientSnapshot(recipient: Recipient): Record<string, unknown> {
  return {
    id: recipient.id,
    name: recipient.name,
    country: recipient.country,
    currency: recipient.currency,
    bankAccountMasked: maskAccount(recipient.bankAccountLast4),
    bankName: recipient.bankName,
    swiftCode: recipient.swiftCode,
    notes: recipient.notes,
    deletedAt: recipient.deletedAt?.toISOString() ?? null,
  };
}

/** The decrypted account, for the payout provider only. */
export function bankAccountOf(recipient: Recipient, encryptionKey: string): string {
  return decryptSecret(recipient.bankAccountEncrypted, encryptionKey);
}

/**
 * Everything that decides where and how a payout arrives (name, country,
 * currency, account, bank, SWIFT), as one keyed hash: what a remittance's
 * approval records, so that approving and paying can tell whether the
 * recipient is still the one the second admin saw. Keyed (HMAC with a key
 * derived from ENCRYPTION_KEY) because an account number is too guessable to
 * hash in the clear. Notes are left out: they move no money.
 */
export function recipientFingerprint(recipient: Recipient, encryptionKey: string): string {
  const key = createHash('sha256').update(`coffer-recipient-fingerprint:${encryptionKey}`).digest();
  const details = [recipient.id, recipient.name, recipient.country, recipient.currency, bankAccountOf(recipient, encryptionKey), recipient.bankName, recipient.swiftCode];
  return createHmac('sha256', key).update(JSON.stringify(details)).digest('hex');
}

/** A remittance in these states will still pay its recipient (or wait for a second admin to let it). */
const OPEN_REMITTANCE_STATES: RemittanceStatus[] = [RemittanceStatus.PENDING_APPROVAL, RemittanceStatus.APPROVED, RemittanceStatus.PROCESSING];

/**
 * A recipient with an open remittance keeps where the money goes: changing
 * it would let the payout go somewhere other than what the approver saw
 * (and approved). Runs under the recipient's row lock, which createRemittance
 * also takes (FOR SHARE) before it reads the recipient, so a remittance
 * created at the same moment is either seen here or sees the change.
 */
async function assertNoOpenRemittance(em: EntityManager, recipient: Recipient, doing: string): Promise<void> {
  const open = await em.findOne(Remittance, { recipient: recipient.id, status: { $in: OPEN_REMITTANCE_STATES } }, { orderBy: { createdAt: 'asc' }, fields: ['id', 'status'], disableIdentityMap: true });
  if (!open) return;
  throw new DomainError(
    ErrorCode.CONFLICT,
    `Cannot ${doing} this recipient while remittance ${open.id} to them is ${open.status}: wait until it is completed or failed, or cancel (or reject) it first`,
    { reason: 'RECIPIENT_IN_USE', extra: { remittanceId: open.id, remittanceStatus: open.status } },
  );
}

/** Whether the cleaned input changes a detail of where the money arrives (not just the notes, or the same values again). */
function changesPayout(recipient: Recipient, clean: CleanRecipient, encryptionKey: string): boolean {
  const differs = <K extends 'name' | 'country' | 'currency' | 'bankName' | 'swiftCode'>(field: K): boolean => clean[field] !== undefined && clean[field] !== recipient[field];
  if (differs('name') || differs('country') || differs('currency') || differs('bankName') || differs('swiftCode')) return true;
  return clean.bankAccount !== undefined && clean.bankAccount !== bankAccountOf(recipient, encryptionKey);
}

interface CleanRecipient {
  name?: string;
  country?: string;
  currency?: string;
  bankAccount?: string;
  bankName?: string | null;
  swiftCode?: string | null;
  notes?: string | null;
}

function optionalText(validator: FieldValidator, field: string, value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const clean = stripMarkup(value);
  validator.check(field, clean.length <= max, `At most ${max} characters`);
  return clean || null;
}

/** Every bad field at once; `required` on create. */
function cleanInput(input: RecipientInputData, required: boolean): CleanRecipient {
  const validator = new FieldValidator();
  const out: CleanRecipient = {};
  if (input.name !== undefined || required) {
    const name = stripMarkup(input.name ?? '');
    validator.check('name', name.length > 0 && name.length <= 200, 'Give a name of 1 to 200 characters (markup is removed)');
    out.name = name;
  }
  if (input.country !== undefined || required) {
    const country = (input.country ?? '').trim().toUpperCase();
    validator.check('country', /^[A-Z]{2}$/.test(country), 'Use a two-letter ISO 3166 code such as RS');
    out.country = country;
  }
  if (input.currency !== undefined || required) {
    const currency = (input.currency ?? '').trim().toUpperCase();
    validator.check('currency', /^[A-Z]{3}$/.test(currency), 'Use an ISO 4217 code such as RSD');
    out.currency = currency;
  }
  if (input.bankAccount !== undefined || required) {
    const account = (input.bankAccount ?? '').replace(/[\s-]/g, '').toUpperCase();
    validator.check('bankAccount', /^[0-9A-Z]{6,34}$/.test(account), 'Use 6 to 34 digits or letters (an account number or IBAN)');
    out.bankAccount = account;
  }
  out.bankName = optionalText(validator, 'bankName', input.bankName, 200);
  if (input.swiftCode !== undefined) {
    const swift = input.swiftCode?.replace(/\s/g, '').toUpperCase() || null;
    validator.check('swiftCode', swift === null || /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(swift), 'Not a SWIFT/BIC code (8 or 11 characters)');
    out.swiftCode = swift;
  }
  out.notes = optionalText(validator, 'notes', input.notes, 1000);
  validator.throwIfInvalid();
  return out;
}

function applyClean(ctx: ServiceContext, recipient: Partial<Recipient>, clean: CleanRecipient): void {
  if (clean.name !== undefined) recipient.name = clean.name;
  if (clean.country !== undefined) recipient.country = clean.country;
  if (clean.currency !== undefined) recipient.currency = clean.currency;
  if (clean.bankAccount !== undefined) {
    recipient.bankAccountEncrypted = encryptSecret(clean.bankAccount, ctx.config.encryptionKey);
    recipient.bankAccountLast4 = clean.bankAccount.slice(-4);
  }
  if (clean.bankName !== undefined) recipient.bankName = clean.bankName;
  if (clean.swiftCode !== undefined) recipient.swiftCode = clean.swiftCode;
  if (clean.notes !== undefined) recipient.notes = clean.notes;
}

export async function createRecipient(ctx: ServiceContext, groupId: string, input: RecipientInputData): Promise<Recipient> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  const clean = cleanInput(input, true);
  return ctx.em.transactional(async (em) => {
    const group = await em.findOneOrFail(Group, { id: groupId });
    assertGroupActive(group);
    assertCorridor(ctx.config.remittances, group.currency, clean.country!, clean.currency!);
    const recipient = em.create(Recipient, { group, name: '', country: '', currency: '', bankAccountEncrypted: '', bankAccountLast4: '' });
    applyClean(ctx, recipient, clean);
    em.persist(recipient);
    recordActivity({ ...ctx, em }, { groupId, action: 'recipient.create', entityType: 'Recipient', entityId: recipient.id, after: recipientSnapshot(recipient) });
    await em.flush();
    return recipient;
  });
}

/**
 * That the viewer may change the recipient, checked before it is locked: the
 * role check reads through the request's loaders, on a connection of its own,
 * which is never waited for under the lock (shared/row-lock.ts). Read outside
 * the identity map, as withRowLock asks. A recipient's group never changes.
 */
async function assertMayChangeRecipient(ctx: ServiceContext, id: string): Promise<string> {
  const seen = await readBeforeLock(ctx.em, Recipient, { id: requireId(id, 'Recipient'), deletedAt: null }, 'Recipient');
  await assertGroupRole(ctx, seen.group.id, ADMIN_ONLY, 'Recipient');
  return seen.id;
}

/** In an attempt of withRowLock (`wait: false` is NOWAIT). Deleted by a click before this one: NOT_FOUND, as it would have been before. */
const lockRecipient = (em: EntityManager, id: string, wait: boolean): Promise<Recipient> => readLocked(em, Recipient, { id, deletedAt: null }, 'Recipient', wait);

/**
 * Notes can always change; name, country, currency, account, bank and SWIFT
 * not while a remittance to the recipient is open (RECIPIENT_IN_USE).
 */
export async function updateRecipient(ctx: ServiceContext, id: string, input: RecipientInputData): Promise<Recipient> {
  const recipientId = await assertMayChangeRecipient(ctx, id);
  const clean = cleanInput(input, false);
  return withRowLock(ctx.em, async (em, wait) => {
    const recipient = await lockRecipient(em, recipientId, wait);
    const group = await em.findOneOrFail(Group, { id: recipient.group.id });
    assertGroupActive(group);
    assertCorridor(ctx.config.remittances, group.currency, clean.country ?? recipient.country, clean.currency ?? recipient.currency);
    if (changesPayout(recipient, clean, ctx.config.encryptionKey)) await assertNoOpenRemittance(em, recipient, 'change the payout details of');
    const before = recipientSnapshot(recipient);
    applyClean(ctx, recipient, clean);
    recordActivity({ ...ctx, em }, { groupId: group.id, action: 'recipient.update', entityType: 'Recipient', entityId: recipient.id, before, after: recipientSnapshot(recipient) });
    await em.flush();
    return recipient;
  });
}

/**
 * Soft: remittances already made keep their recipient; no new quote can name
 * it. Refused (RECIPIENT_IN_USE) while one of them is still open.
 */
export async function deleteRecipient(ctx: ServiceContext, id: string): Promise<Recipient> {
  const recipientId = await assertMayChangeRecipient(ctx, id);
  return withRowLock(ctx.em, async (em, wait) => {
    const recipient = await lockRecipient(em, recipientId, wait);
    await assertNoOpenRemittance(em, recipient, 'delete');
    const before = recipientSnapshot(recipient);
    recipient.deletedAt = new Date();
    recordActivity({ ...ctx, em }, { groupId: recipient.group.id, action: 'recipient.delete', entityType: 'Recipient', entityId: recipient.id, before, after: recipientSnapshot(recipient) });
    await em.flush();
    return recipient;
  });
}

/** A live recipient of a group the viewer staffs; anything else is NOT_FOUND. */
export async function getRecipient(ctx: ServiceContext, id: string): Promise<Recipient> {
  const recipient = await ctx.em.findOne(Recipient, { id: requireId(id, 'Recipient'), deletedAt: null });
  if (!recipient) throw notFound('Recipient');
  await assertGroupRole(ctx, recipient.group.id, STAFF_ROLES, 'Recipient');
  return recipient;
}

/** Newest first, deleted ones left out. */
export async function listRecipients(ctx: ServiceContext, filter: PageRequest & { groupId: string }): Promise<Page<Recipient>> {
  await assertGroupRole(ctx, filter.groupId, STAFF_ROLES);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  const knex = ctx.em.getKnex();
  const base = knex('remittance_recipients as r').where('r.group_id', filter.groupId).whereNull('r.deleted_at');
  const pageQuery = base.clone().select('r.*').orderBy([{ column: 'r.created_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('(r.created_at, r.id) < (cast(? as timestamptz), cast(? as uuid))', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const recipients = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(Recipient, row));
  return toPage(recipients, size, (r) => ({ sort: r.createdAt.toISOString(), id: r.id }), Number((countRows[0] as { count: string }).count), after);
}
