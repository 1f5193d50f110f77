import { LockMode } from '@mikro-orm/core';
import { conflict, notFound } from '../../shared/domain-error';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isEmail, isNonBlank, isPhone, normalizeEmail, stripMarkup } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { assertGroupRole, requireId, STAFF_ROLES } from '../auth/authorization';
import { assertGroupActive, loadGroupForWrite } from '../groups/group.service';
import { sponsorLinkSnapshot } from './sponsor-link.service';
import { Sponsor, SponsorLink, SponsorLinkStatus } from './sponsor.entities';

export const MAX_SPONSOR_NAME = 200;
export const MAX_SPONSOR_NOTES = 2000;

export interface SponsorInputData {
  name?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  notes?: string | null;
}

export interface CreateSponsorData extends SponsorInputData {
  groupId: string;
  name: string;
}

export function sponsorSnapshot(sponsor: Sponsor): Record<string, unknown> {
  return {
    name: sponsor.name,
    contactEmail: sponsor.contactEmail,
    contactPhone: sponsor.contactPhone,
    notes: sponsor.notes,
    deletedAt: sponsor.deletedAt?.toISOString() ?? null,
  };
}

/** The fields as they will be stored: markup stripped, blanks as null. Only the fields given are returned. */
function cleanSponsorInput(data: SponsorInputData, creating: boolean): SponsorInputData {
  const validator = new FieldValidator();
  const out: SponsorInputData = {};
  if (creating || data.name !== undefined) {
    const name = data.name == null ? '' : stripMarkup(data.name);
    validator.check('name', isNonBlank(name, MAX_SPONSOR_NAME), `Enter a name (at most ${MAX_SPONSOR_NAME} characters)`);
    out.name = name;
  }
  if (data.contactEmail !== undefined) {
    const email = data.contactEmail?.trim() ? normalizeEmail(data.contactEmail) : null;
    if (email !== null) validator.check('contactEmail', isEmail(email), 'Enter a valid e-mail address');
    out.contactEmail = email;
  }
  if (data.contactPhone !== undefined) {
    const phone = data.contactPhone?.trim() || null;
    if (phone !== null) validator.check('contactPhone', isPhone(phone), 'Enter a phone number like +91 98765 43210');
    out.contactPhone = phone;
  }
  if (data.notes !== undefined) {
    const notes = data.notes == null ? null : stripMarkup(data.notes) || null;
    if (notes !== null) validator.check('notes', notes.length <= MAX_SPONSOR_NOTES, `At most ${MAX_SPONSOR_NOTES} characters`);
    out.notes = notes;
  }
  validator.throwIfInvalid();
  return out;
}

export async function createSponsor(ctx: ServiceContext, data: CreateSponsorData): Promise<Sponsor> {
  const group = await loadGroupForWrite(ctx, ctx.em, data.groupId, STAFF_ROLES);
  const clean = cleanSponsorInput(data, true);
  const sponsor = ctx.em.create(Sponsor, {
    group,
    name: clean.name!,
    contactEmail: clean.contactEmail ?? null,
    contactPhone: clean.contactPhone ?? null,
    notes: clean.notes ?? null,
  });
  ctx.em.persist(sponsor);
  recordActivity(ctx, { groupId: group.id, action: 'sponsor.create', entityType: 'Sponsor', entityId: sponsor.id, after: sponsorSnapshot(sponsor) });
  await ctx.em.flush();
  return sponsor;
}

/** A live sponsor the viewer may change; other groups' and deleted sponsors are NOT_FOUND. */
async function loadSponsorForWrite(ctx: ServiceContext, id: string): Promise<Sponsor> {
  const sponsor = await ctx.em.findOne(Sponsor, { id: requireId(id, 'Sponsor'), deletedAt: null }, { populate: ['group'] });
  if (!sponsor) throw notFound('Sponsor');
  await assertGroupRole(ctx, sponsor.group.id, STAFF_ROLES, 'Sponsor');
  assertGroupActive(sponsor.group);
  return sponsor;
}

export async function updateSponsor(ctx: ServiceContext, id: string, data: SponsorInputData): Promise<Sponsor> {
  const sponsor = await loadSponsorForWrite(ctx, id);
  const clean = cleanSponsorInput(data, false);
  const before = sponsorSnapshot(sponsor);
  if (clean.name !== undefined) sponsor.name = clean.name!;
  if (clean.contactEmail !== undefined) sponsor.contactEmail = clean.contactEmail;
  if (clean.contactPhone !== undefined) sponsor.contactPhone = clean.contactPhone;
  if (clean.notes !== undefined) sponsor.notes = clean.notes;
  recordActivity(ctx, { groupId: sponsor.group.id, action: 'sponsor.update', entityType: 'Sponsor', entityId: sponsor.id, before, after: sponsorSnapshot(sponsor) });
  await ctx.em.flush();
  return sponsor;
}

/**
 * Soft delete: the row stays for the links and transactions that name it.
 * Its links still open for payment are deactivated with it, in one database
 * transaction, so no sponsor page outlives its sponsor.
 */
export async function deleteSponsor(ctx: ServiceContext, id: string): Promise<Sponsor> {
  const { id: sponsorId } = await loadSponsorForWrite(ctx, id);
  return ctx.em.transactional(async (em) => {
    const sponsor = await em.findOne(Sponsor, { id: sponsorId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!sponsor || sponsor.deletedAt) throw conflict('This sponsor was deleted meanwhile', 'SPONSOR_DELETED');
    const before = sponsorSnapshot(sponsor);
    const now = new Date();
    sponsor.deletedAt = now;
    const links = await em.find(SponsorLink, { sponsor, status: SponsorLinkStatus.ACTIVE }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    for (const link of links) {
      const linkBefore = sponsorLinkSnapshot(link);
      link.status = SponsorLinkStatus.INACTIVE;
      link.deactivatedAt = now;
      // The same entry as deactivateSponsorLink's, saying why.
      recordActivity({ ...ctx, em }, { groupId: sponsor.group.id, action: 'sponsor-link.deactivate', entityType: 'SponsorLink', entityId: link.id, before: linkBefore, after: { ...sponsorLinkSnapshot(link), reason: 'sponsor deleted' } });
    }
    recordActivity({ ...ctx, em }, { groupId: sponsor.group.id, action: 'sponsor.delete', entityType: 'Sponsor', entityId: sponsor.id, before, after: sponsorSnapshot(sponsor) });
    await em.flush();
    return sponsor;
  });
}

export async function getSponsor(ctx: ServiceContext, id: string): Promise<Sponsor> {
  const sponsor = await ctx.em.findOne(Sponsor, { id: requireId(id, 'Sponsor') });
  if (!sponsor) throw notFound('Sponsor');
  await assertGroupRole(ctx, sponsor.group.id, STAFF_ROLES, 'Sponsor');
  return sponsor;
}

export interface ListSponsorsFilter extends PageRequest {
  groupId: string;
  search?: string | null;
}

/** Live sponsors by name; search matches name, e-mail or phone. */
export async function listSponsors(ctx: ServiceContext, filter: ListSponsorsFilter): Promise<Page<Sponsor>> {
  await assertGroupRole(ctx, filter.groupId, STAFF_ROLES);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'name');
  const knex = ctx.em.getKnex();
  const base = knex('sponsors').where({ group_id: filter.groupId }).whereNull('deleted_at');
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    base.andWhere((q) => {
      q.whereRaw('lower("name") like ?', [pattern]).orWhereRaw('"contact_email" like ?', [pattern]).orWhereRaw('"contact_phone" like ?', [pattern]);
    });
  }
  const pageQuery = base.clone().select('*').orderBy([{ column: 'name' }, { column: 'id' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('("name", "id") > (?, ?::uuid)', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const sponsors = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(Sponsor, row));
  return toPage(sponsors, size, (s) => ({ sort: s.name, id: s.id }), Number((countRows[0] as { count: string }).count), after);
}
