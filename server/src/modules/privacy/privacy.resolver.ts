import { LedgerTransaction } from '../ledger/ledger.entities';
import { TransactionType_ } from '../ledger/ledger.types';
import { InAppNotification } from '../notifications/notification.entities';
import { listMyNotifications } from '../notifications/notification.service';
import { InAppNotificationType } from '../notifications/notification.types';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { GroupMembershipType, MeType } from '../auth/auth.types';
import type { User } from '../auth/user.entity';
import type { ViewerUser } from '../auth/viewer';
import type { Due, MembershipTerm } from '../dues/dues.entities';
import { DueType, MembershipTermObject } from '../dues/dues.types';
import type { Group } from '../groups/group.entity';
import type { Member } from '../members/member.entity';
import { MemberType } from '../members/member.types';
import * as consents from './consent.service';
import { exportMyData } from './data-export.service';
import { deleteMyAccount } from './erasure.service';
import { Consent, ConsentType } from './privacy.entities';
import {
  AccountDeletionType,
  ConsentObject,
  DataExportType,
  ProfileOptionsType,
  ProfileType,
  UpdateProfileInput,
} from './privacy.types';
import * as profiles from './profile.service';

function toProfile(user: User): ProfileType {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    phone: user.phone,
    language: user.language,
    displayCurrency: user.displayCurrency,
    notificationPreferences: profiles.PREFERENCE_CHANNELS.map((channel) => ({ channel, enabled: profiles.wantsChannel(user, channel) })),
  };
}

interface SelfService {
  members: Member[];
  dues: Due[];
  terms: MembershipTerm[];
  receipts: LedgerTransaction[];
}

/** The viewer's members, dues and terms, read once per request (three queries) and shared by every membership row. */
const selfServiceByRequest = new WeakMap<object, Promise<SelfService>>();

function selfServiceOf(ctx: GraphQLContext): Promise<SelfService> {
  let loaded = selfServiceByRequest.get(ctx.loaders);
  if (!loaded) {
    loaded = (async () => {
      const [members, dues, terms, receipts] = await Promise.all([profiles.myMembers(ctx), profiles.myDues(ctx), profiles.myMembershipTerms(ctx), profiles.myReceipts(ctx)]);
      return { members, dues, terms, receipts };
    })();
    selfServiceByRequest.set(ctx.loaders, loaded);
  }
  return loaded;
}

@Resolver(() => MeType)
export class MeProfileResolver {
  @FieldResolver(() => [InAppNotificationType], { description: "The person's latest in-app notifications, newest first (at most 20; page through myNotifications for more); empty for an API key" })
  async notifications(@Root() me: { user: ViewerUser | null }, @Ctx() ctx: GraphQLContext): Promise<InAppNotification[]> {
    if (!me.user) return [];
    return (await listMyNotifications(ctx, { first: 20 })).nodes;
  }

  @FieldResolver(() => ProfileType, { nullable: true, description: "The person's profile; null when the viewer is an API key" })
  async profile(@Root() me: { user: ViewerUser | null }, @Ctx() ctx: GraphQLContext): Promise<ProfileType | null> {
    if (!me.user) return null;
    return toProfile(await profiles.loadSignedInUser(ctx));
  }
}

@Resolver(() => GroupMembershipType)
export class GroupMembershipSelfServiceResolver {
  @FieldResolver(() => MemberType, { nullable: true, description: "The viewer's own member record in this group; null for an API key" })
  async member(@Root() membership: { group: Group }, @Ctx() ctx: GraphQLContext): Promise<Member | null> {
    const { members } = await selfServiceOf(ctx);
    return members.find((member) => member.group.id === membership.group.id) ?? null;
  }

  @FieldResolver(() => [DueType], { description: "The viewer's own dues in this group, latest due date first (the newest 200 across all groups)" })
  async dues(@Root() membership: { group: Group }, @Ctx() ctx: GraphQLContext): Promise<Due[]> {
    const { dues } = await selfServiceOf(ctx);
    return dues.filter((due) => due.group.id === membership.group.id);
  }

  @FieldResolver(() => [TransactionType_], { description: "The viewer's receipts in this group (approved, not reversed, money in for their own member records), newest first (the newest 200 across all groups); open one with GET /api/receipts/:id" })
  async receipts(@Root() membership: { group: Group }, @Ctx() ctx: GraphQLContext): Promise<LedgerTransaction[]> {
    const { receipts } = await selfServiceOf(ctx);
    return receipts.filter((txn) => txn.group.id === membership.group.id);
  }

  @FieldResolver(() => [MembershipTermObject], { description: "The viewer's own membership terms in this group, newest first (the newest 200 across all groups)" })
  async membershipTerms(@Root() membership: { group: Group }, @Ctx() ctx: GraphQLContext): Promise<MembershipTerm[]> {
    const { terms } = await selfServiceOf(ctx);
    return terms.filter((term) => term.group.id === membership.group.id);
  }
}

@Resolver()
export class PrivacyResolver {
  @Query(() => ProfileOptionsType, { description: 'The values updateMyProfile accepts for language, display currency and channels' })
  profileOptions(): ProfileOptionsType {
    return { languages: [...profiles.LANGUAGES], displayCurrencies: [...profiles.DISPLAY_CURRENCIES], channels: [...profiles.PREFERENCE_CHANNELS] };
  }

  @Mutation(() => ProfileType, { description: 'The signed-in person changes their own name, phone, language, display currency or channel preferences' })
  async updateMyProfile(@Ctx() ctx: GraphQLContext, @Arg('input', () => UpdateProfileInput) input: UpdateProfileInput): Promise<ProfileType> {
    return toProfile(await profiles.updateMyProfile(ctx, input));
  }

  @Query(() => [ConsentObject], { description: "The signed-in person's current consent decisions (types never decided are absent)" })
  async consents(@Ctx() ctx: GraphQLContext): Promise<Consent[]> {
    return consents.listMyConsents(ctx);
  }

  @Mutation(() => ConsentObject, { description: "Gives or withdraws a consent; recorded with the time and the requester's IP" })
  async setConsent(
    @Ctx() ctx: GraphQLContext,
    @Arg('type', () => ConsentType, { description: 'Which consent' }) type: ConsentType,
    @Arg('granted', { description: 'True to give, false to withdraw' }) granted: boolean,
  ): Promise<Consent> {
    return consents.setConsent(ctx, type, granted);
  }

  @Mutation(() => DataExportType, { description: 'Everything Coffer holds about the signed-in person as one JSON document; the request is recorded' })
  async exportMyData(@Ctx() ctx: GraphQLContext): Promise<DataExportType> {
    const { request, json } = await exportMyData(ctx);
    return { id: request.id, createdAt: request.createdAt, json };
  }

  @Mutation(() => AccountDeletionType, {
    description:
      'Deletes the signed-in person\'s account: signs them out everywhere, revokes the API keys they created, anonymises their name, e-mail and phone (shown as "Former member") and keeps financial records for the legal retention period. CONFLICT (reason LAST_ADMIN) while they are the only admin of an active group.',
  })
  async deleteMyAccount(
    @Ctx() ctx: GraphQLContext,
    @Arg('confirmation', { description: "The account's e-mail address, typed by the person to confirm" }) confirmation: string,
  ): Promise<AccountDeletionType> {
    const { request } = await deleteMyAccount(ctx, confirmation);
    return { erasureRequestId: request.id, deletedAt: request.completedAt ?? request.createdAt, retainFinancialUntil: request.retainFinancialUntil };
  }
}
