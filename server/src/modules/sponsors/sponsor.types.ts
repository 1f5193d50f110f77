import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf } from '../../graphql/connection';
import { MoneyInput } from '../../graphql/money.type';
import { SponsorLinkStatus } from './sponsor.entities';

registerEnumType(SponsorLinkStatus, {
  name: 'SponsorLinkStatus',
  description: 'ACTIVE takes payment; EXPIRED is ACTIVE past its expiry; PAID was paid once (a link is paid at most once); INACTIVE was deactivated',
});

@ObjectType('Sponsor', { description: "A company or person that sponsors the group (admins' and operators' eyes only)" })
export class SponsorType {
  @Field(() => ID, { description: 'The sponsor\'s id' })
  id: string;

  @Field({ description: 'Company or person, as shown on its sponsor pages' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Lower-cased e-mail of the contact person' })
  contactEmail: string | null;

  @Field(() => String, { nullable: true, description: 'Phone of the contact person' })
  contactPhone: string | null;

  @Field(() => String, { nullable: true, description: 'Plain text; markup is stripped' })
  notes: string | null;

  @Field({ description: 'When it was added' })
  createdAt: Date;

  @Field({ description: 'When it last changed' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'Set once deleted; deleted sponsors are kept for their links and transactions' })
  deletedAt: Date | null;
}

@ObjectType('BankDetails', { description: 'Bank details for a transfer; the account number is only ever shown masked' })
export class BankDetailsType {
  @Field(() => String, { nullable: true, description: 'Name on the account' })
  accountName: string | null;

  @Field({ description: 'Only the last four characters, e.g. XXXXXXXX1234' })
  accountNumberMasked: string;

  @Field(() => String, { nullable: true, description: 'Indian Financial System Code of the branch' })
  ifsc: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the bank' })
  bankName: string | null;
}

@ObjectType('SponsorLink', { description: 'A public, expiring payment page for one amount' })
export class SponsorLinkType {
  @Field(() => ID, { description: "The link's id (not its public token)" })
  id: string;

  @Field({ description: 'What the money is for, as the sponsor sees it' })
  purpose: string;

  @Field(() => String, { nullable: true, description: 'UPI id the page asks to pay (INR groups only)' })
  upiId: string | null;

  @Field({ description: 'The page answers 410 from this moment on' })
  expiresAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its payment was recorded' })
  paidAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When staff closed it' })
  deactivatedAt: Date | null;

  @Field({ description: 'When it was created' })
  createdAt: Date;

  // Resolved in SponsorLinkResolver: url, amount, status, sponsor, bankDetails, transaction.
}

export const SponsorConnection = connectionOf('Sponsor', SponsorType);
export const SponsorLinkConnection = connectionOf('SponsorLink', SponsorLinkType);

@InputType({ description: 'Empty strings clear the optional fields' })
export class CreateSponsorInput {
  @Field(() => ID, { description: 'The group the sponsor supports' })
  groupId: string;

  @Field({ description: 'At most 200 characters' })
  name: string;

  @Field(() => String, { nullable: true, description: 'A valid e-mail address' })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'A phone number like +91 98765 43210' })
  contactPhone?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 2000 characters' })
  notes?: string | null;
}

@InputType({ description: 'Only the fields given change; empty strings clear the optional ones' })
export class UpdateSponsorInput {
  @Field(() => String, { nullable: true, description: 'At most 200 characters; cannot be cleared' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A valid e-mail address' })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'A phone number like +91 98765 43210' })
  contactPhone?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 2000 characters' })
  notes?: string | null;
}

@InputType({ description: 'The account to pay by bank transfer; stored encrypted' })
export class BankDetailsInput {
  @Field(() => String, { nullable: true, description: "Defaults to the group's name" })
  accountName?: string | null;

  @Field({ description: '6 to 34 digits or capital letters; spaces ignored' })
  accountNumber: string;

  @Field(() => String, { nullable: true, description: 'e.g. HDFC0001234' })
  ifsc?: string | null;

  @Field(() => String, { nullable: true, description: 'The bank, e.g. HDFC Bank (at most 200 characters); shown on the page' })
  bankName?: string | null;
}

@InputType({ description: 'A public payment page for a sponsor: the amount, what it is for, how to pay (UPI, bank transfer) and until when' })
export class CreateSponsorLinkInput {
  @Field(() => ID, { description: 'The group the money goes to' })
  groupId: string;

  @Field(() => ID, { nullable: true, description: 'A sponsor of the group; none for an open appeal' })
  sponsorId?: string | null;

  @Field(() => MoneyInput, { description: "Greater than zero, in the group's currency" })
  amount: MoneyInput;

  @Field(() => String, { nullable: true, description: "Defaults to the group's UPI id; an empty string offers no UPI" })
  upiId?: string | null;

  @Field(() => BankDetailsInput, { nullable: true, description: "Defaults to the group's bank account" })
  bankDetails?: BankDetailsInput | null;

  @Field({ description: 'What the money is for, shown to the sponsor (at most 500 characters)' })
  purpose: string;

  @Field({ description: 'In the future, at most 366 days ahead' })
  expiresAt: Date;
}
