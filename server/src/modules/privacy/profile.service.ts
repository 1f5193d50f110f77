import { LedgerTransaction } from '../ledger/ledger.entities';
import { ApprovalStatus } from '../ledger/ledger.enums';
import { unauthenticated } from '../../shared/domain-error';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isNonBlank, isPhone, stripMarkup } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { requireUser } from '../auth/authorization';
import { User } from '../auth/user.entity';
import { Due, MembershipTerm } from '../dues/dues.entities';
import { Member, MemberStatus } from '../members/member.entity';

/** Languages the console and messages are translated into (BCP 47 primary tags). */
export const LANGUAGES = ['en', 'hi', 'bn', 'gu', 'kn', 'ml', 'mr', 'ta', 'te'] as const;
/** Currencies a person may see converted amounts in; amounts are always kept in the group's currency. */
export const DISPLAY_CURRENCIES = ['INR', 'USD', 'EUR', 'GBP', 'AED', 'SGD', 'CAD', 'AUD'] as const;
/** Channels a person can switch on or off; in-app notices and integrator webhooks are not theirs to mute. */
export const PREFERENCE_CHANNELS = ['EMAIL', 'WHATSAPP'] as const;

export interface ChannelPreference {
  channel: string;
  enabled: boolean;
}

export interface UpdateProfileData {
  name?: string | null;
  /** An empty string clears the phone. */
  phone?: string | null;
  language?: string | null;
  /** An empty string means "each group's own currency". */
  displayCurrency?: string | null;
  notificationPreferences?: ChannelPreference[] | null;
}

const includes = (list: readonly string[], value: string): boolean => list.includes(value);

export async function loadSignedInUser(ctx: ServiceContext): Promise<User> {
  const viewer = requireUser(ctx);
  const user = await ctx.em.findOne(User, { id: viewer.id, deletedAt: null });
  if (!user) throw unauthenticated('This account no longer exists');
  return user;
}

/** Only the person themselves: every field is checked against its whitelist and all problems are reported at once. */
export async function updateMyProfile(ctx: ServiceContext, data: UpdateProfileData): Promise<User> {
  const user = await loadSignedInUser(ctx);
  const validator = new FieldValidator();
  const name = data.name == null ? undefined : stripMarkup(data.name);
  if (name !== undefined) validator.check('name', isNonBlank(name, 200), 'Give a name of at most 200 characters');
  const phone = data.phone == null ? undefined : data.phone.trim();
  if (phone) validator.check('phone', isPhone(phone), 'Not a phone number (digits, optional +, 7 to 15 digits)');
  if (data.language != null) validator.check('language', includes(LANGUAGES, data.language), `Choose one of ${LANGUAGES.join(', ')}`);
  if (data.displayCurrency) {
    validator.check('displayCurrency', includes(DISPLAY_CURRENCIES, data.displayCurrency), `Choose one of ${DISPLAY_CURRENCIES.join(', ')}`);
  }
  const preferences = data.notificationPreferences ?? [];
  const seen = new Set<string>();
  preferences.forEach((preference, index) => {
    const field = `notificationPreferences.${index}.channel`;
    validator.check(field, includes(PREFERENCE_CHANNELS, preference.channel), `Choose one of ${PREFERENCE_CHANNELS.join(', ')}`);
    validator.check(field, !seen.has(preference.channel), 'Each channel at most once');
    seen.add(preference.channel);
  });
  validator.throwIfInvalid();

  const before = profileSnapshot(user);
  if (name !== undefined) user.name = name;
  if (phone !== undefined) user.phone = phone || null;
  if (data.language != null) user.language = data.language;
  if (data.displayCurrency != null) user.displayCurrency = data.displayCurrency || null;
  if (preferences.length > 0) {
    const next = { ...user.notificationPreferences };
    for (const preference of preferences) next[preference.channel] = preference.enabled;
    user.notificationPreferences = next;
  }
  recordActivity(ctx, { groupId: null, action: 'user.update-profile', entityType: 'User', entityId: user.id, before, after: profileSnapshot(user) });
  await ctx.em.flush();
  return user;
}

export function profileSnapshot(user: User): Record<string, unknown> {
  return {
    name: user.name,
    email: user.email,
    phone: user.phone,
    language: user.language,
    displayCurrency: user.displayCurrency,
    notificationPreferences: user.notificationPreferences,
  };
}

/** Whether a person wants messages on a channel; channels they cannot mute (in-app, webhooks) are always on. */
export function wantsChannel(user: Pick<User, 'notificationPreferences'>, channel: string): boolean {
  if (!includes(PREFERENCE_CHANNELS, channel)) return true;
  return user.notificationPreferences[channel] !== false;
}

/** How many of the viewer's own dues and terms `me` lists: a person's history, not a group's. */
export const ME_LIST_LIMIT = 200;

/** The viewer's active memberships, each with its group loaded: one query. */
export async function myMembers(ctx: ServiceContext): Promise<Member[]> {
  if (ctx.viewer.kind !== 'user') return [];
  return ctx.em.find(Member, { user: ctx.viewer.user.id, status: MemberStatus.ACTIVE }, { populate: ['group'], orderBy: { group: { name: 'asc' }, subIndex: 'asc' } });
}

/**
 * The viewer's own dues across all their groups, latest due date first: one
 * query; the same rows `dues(groupId)` shows a member, so the same Due fields
 * (iHavePaidLink, paidTransaction, …) resolve through the dues resolver.
 */
export async function myDues(ctx: ServiceContext): Promise<Due[]> {
  if (ctx.viewer.kind !== 'user') return [];
  return ctx.em.find(
    Due,
    { member: { user: ctx.viewer.user.id, status: MemberStatus.ACTIVE } },
    { orderBy: { dueDate: 'desc', id: 'desc' }, limit: ME_LIST_LIMIT },
  );
}

/**
 * The viewer's receipts across their groups, newest first: approved money in
 * for their own member records that has a receipt number and was not reversed. One query.
 */
export async function myReceipts(ctx: ServiceContext): Promise<LedgerTransaction[]> {
  if (ctx.viewer.kind !== 'user') return [];
  return ctx.em.find(
    LedgerTransaction,
    { member: { user: ctx.viewer.user.id }, approvalStatus: ApprovalStatus.APPROVED, receiptNumber: { $ne: null }, reversedBy: null, reverses: null },
    { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: ME_LIST_LIMIT },
  );
}

/** The viewer's own membership terms across their groups, newest first: one query. */
export async function myMembershipTerms(ctx: ServiceContext): Promise<MembershipTerm[]> {
  if (ctx.viewer.kind !== 'user') return [];
  return ctx.em.find(
    MembershipTerm,
    { member: { user: ctx.viewer.user.id, status: MemberStatus.ACTIVE } },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: ME_LIST_LIMIT },
  );
}
