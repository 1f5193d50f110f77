import { Reference } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { TransactionType_ } from '../ledger/ledger.types';
import { Sponsor, SponsorLink, SponsorLinkStatus } from './sponsor.entities';
import * as sponsors from './sponsor.service';
import * as links from './sponsor-link.service';
// Registers the SPONSOR_LINK payment target with the payments module.
import './sponsor-link.payment-target';
import {
  BankDetailsType,
  CreateSponsorInput,
  CreateSponsorLinkInput,
  SponsorConnection,
  SponsorLinkConnection,
  SponsorLinkType,
  SponsorType,
  UpdateSponsorInput,
} from './sponsor.types';

@Resolver(() => SponsorType)
export class SponsorResolver {
  @Query(() => SponsorConnection, { description: "A group's sponsors by name, deleted ones left out (admins and operators)" })
  async sponsors(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID, { description: 'The group whose list it is' }) groupId: string,
    @Arg('search', () => String, { nullable: true, description: 'Matches name, e-mail or phone' }) search: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1 to 100' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after: string | null,
  ): Promise<ConnectionShape<Sponsor>> {
    return toConnection(await sponsors.listSponsors(ctx, { groupId, search, first, after }));
  }

  @Query(() => SponsorType, { description: 'One sponsor, also a deleted one (admins and operators)' })
  async sponsor(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'The sponsor\'s id' }) id: string): Promise<Sponsor> {
    return sponsors.getSponsor(ctx, id);
  }

  @Mutation(() => SponsorType, { description: 'Adds a sponsor; markup is stripped from the text (admins and operators)' })
  async createSponsor(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateSponsorInput, { description: 'The new sponsor' }) input: CreateSponsorInput): Promise<Sponsor> {
    return sponsors.createSponsor(ctx, input);
  }

  @Mutation(() => SponsorType, { description: 'Changes the fields given (admins and operators)' })
  async updateSponsor(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'The sponsor\'s id' }) id: string, @Arg('input', () => UpdateSponsorInput, { description: 'The fields to change' }) input: UpdateSponsorInput): Promise<Sponsor> {
    return sponsors.updateSponsor(ctx, id, input);
  }

  @Mutation(() => SponsorType, { description: "Soft delete; the sponsor's active links are deactivated with it (admins and operators)" })
  async deleteSponsor(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'The sponsor\'s id' }) id: string): Promise<Sponsor> {
    return sponsors.deleteSponsor(ctx, id);
  }
}

@Resolver(() => SponsorLinkType)
export class SponsorLinkResolver {
  @Query(() => SponsorLinkConnection, { description: "A group's sponsor links, newest first (admins and operators)" })
  async sponsorLinks(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID, { description: 'The group whose list it is' }) groupId: string,
    @Arg('sponsorId', () => ID, { nullable: true, description: "Only this sponsor's links" }) sponsorId: string | null,
    @Arg('status', () => SponsorLinkStatus, { nullable: true, description: 'Only links in this status as of now' }) status: SponsorLinkStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1 to 100' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after: string | null,
  ): Promise<ConnectionShape<SponsorLink>> {
    return toConnection(await links.listSponsorLinks(ctx, { groupId, sponsorId, status, first, after }));
  }

  @Query(() => SponsorLinkType, { description: 'One sponsor link (admins and operators)' })
  async sponsorLink(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: "The link's id" }) id: string): Promise<SponsorLink> {
    return links.getSponsorLink(ctx, id);
  }

  @Mutation(() => SponsorLinkType, { description: 'A public payment page with an unguessable URL (admins and operators)' })
  async createSponsorLink(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateSponsorLinkInput, { description: 'The amount, purpose, expiry and how to pay' }) input: CreateSponsorLinkInput): Promise<SponsorLink> {
    return links.createSponsorLink(ctx, input);
  }

  @Mutation(() => SponsorLinkType, { description: 'Closes the page for good (410 from then on); a paid link is CONFLICT SPONSOR_LINK_PAID' })
  async deactivateSponsorLink(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: "The link's id" }) id: string): Promise<SponsorLink> {
    return links.deactivateSponsorLink(ctx, id);
  }

  @FieldResolver(() => String, { description: "The public page's URL, to share with the sponsor" })
  url(@Root() link: SponsorLink, @Ctx() ctx: GraphQLContext): string {
    return links.sponsorLinkUrl(ctx, link);
  }

  @FieldResolver(() => MoneyType, { description: "Exactly what the sponsor is asked to pay, in the group's currency" })
  amount(@Root() link: SponsorLink): MoneyType {
    return MoneyType.from({ amountMinor: link.amountMinor, currency: link.currency });
  }

  @FieldResolver(() => SponsorLinkStatus, { description: 'As of now: an ACTIVE link past its expiry is EXPIRED' })
  status(@Root() link: SponsorLink): SponsorLinkStatus {
    return links.effectiveLinkStatus(link);
  }

  @FieldResolver(() => SponsorType, { nullable: true, description: 'Null for an open appeal' })
  async sponsor(@Root() link: SponsorLink): Promise<Sponsor | null> {
    // MikroORM's dataloader batches the references of one list into one query.
    return link.sponsor ? Reference.create(link.sponsor).load() : null;
  }

  @FieldResolver(() => BankDetailsType, { nullable: true, description: 'Null when the page offers UPI only' })
  bankDetails(@Root() link: SponsorLink): BankDetailsType | null {
    if (!link.bankAccountLast4) return null;
    return { accountName: link.bankAccountName, accountNumberMasked: links.maskAccount(link.bankAccountLast4), ifsc: link.bankIfsc, bankName: link.bankName };
  }

  @FieldResolver(() => TransactionType_, { nullable: true, description: 'The SPONSORSHIP transaction that paid the link' })
  async transaction(@Root() link: SponsorLink, @Ctx() ctx: GraphQLContext): Promise<LedgerTransaction | null> {
    return link.paidTransaction ? ctx.loaders.transactionById.load(link.paidTransaction.id) : null;
  }
}
