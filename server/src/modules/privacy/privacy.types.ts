import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConsentType } from './privacy.entities';

registerEnumType(ConsentType, {
  name: 'ConsentType',
  description: 'TERMS: terms of use; PRIVACY: the privacy notice; MARKETING: news and offers (never sent without it)',
});

@ObjectType('NotificationPreference', { description: 'Whether the person wants messages on one channel' })
export class NotificationPreferenceType {
  @Field({ description: 'EMAIL or WHATSAPP' })
  channel: string;

  @Field({ description: 'False: reminders and notices are not sent on this channel' })
  enabled: boolean;
}

@ObjectType('Profile', { description: "The signed-in person's own profile and preferences" })
export class ProfileType {
  @Field(() => ID, { description: 'The user id' })
  id: string;

  @Field({ description: 'Full name' })
  name: string;

  @Field({ description: 'Sign-in e-mail (lower-cased)' })
  email: string;

  @Field(() => String, { nullable: true, description: 'Phone for WhatsApp messages' })
  phone: string | null;

  @Field({ description: 'Language of the console and messages; one of ProfileOptions.languages' })
  language: string;

  @Field(() => String, { nullable: true, description: "Currency to show converted amounts in; null = each group's own currency" })
  displayCurrency: string | null;

  @Field(() => [NotificationPreferenceType], { description: 'One entry per channel the person can switch on or off' })
  notificationPreferences: NotificationPreferenceType[];
}

@ObjectType('ProfileOptions', { description: 'The whitelisted values updateMyProfile accepts' })
export class ProfileOptionsType {
  @Field(() => [String], { description: 'Language codes (BCP 47 primary tags)' })
  languages: string[];

  @Field(() => [String], { description: 'ISO 4217 currency codes' })
  displayCurrencies: string[];

  @Field(() => [String], { description: 'Channels a person can switch on or off' })
  channels: string[];
}

@InputType('NotificationPreferenceInput', { description: 'Switch one channel on or off' })
export class NotificationPreferenceInput {
  @Field({ description: 'EMAIL or WHATSAPP; anything else is BAD_USER_INPUT' })
  channel: string;

  @Field({ description: 'True to receive messages on this channel' })
  enabled: boolean;
}

@InputType('UpdateProfileInput', { description: 'Only the fields given change' })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'At most 200 characters' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Digits with an optional +, 7 to 15 digits; an empty string removes it' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'One of ProfileOptions.languages' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: "One of ProfileOptions.displayCurrencies; an empty string means each group's own currency" })
  displayCurrency?: string | null;

  @Field(() => [NotificationPreferenceInput], { nullable: true, description: 'Channels not listed keep their setting' })
  notificationPreferences?: NotificationPreferenceInput[] | null;
}

@ObjectType('Consent', { description: "The person's current decision on one kind of consent" })
export class ConsentObject {
  @Field(() => ConsentType, { description: 'What was agreed to or refused' })
  type: ConsentType;

  @Field({ description: 'True: given; false: refused or withdrawn' })
  granted: boolean;

  @Field(() => String, { nullable: true, description: 'The address the decision came from' })
  ip: string | null;

  @Field({ description: 'When the decision was made' })
  createdAt: Date;
}

@ObjectType('DataExport', { description: 'A copy of everything Coffer holds about the signed-in person' })
export class DataExportType {
  @Field(() => ID, { description: 'The recorded export request' })
  id: string;

  @Field({ description: 'When the export was requested' })
  createdAt: Date;

  @Field({ description: 'The whole document as JSON text (format coffer.personal-data-export/1): save it as a .json file' })
  json: string;
}

@ObjectType('AccountDeletion', { description: 'The outcome of deleteMyAccount' })
export class AccountDeletionType {
  @Field(() => ID, { description: 'The recorded erasure request' })
  erasureRequestId: string;

  @Field({ description: 'When the account was deleted' })
  deletedAt: Date;

  @Field({ description: 'YYYY-MM-DD until which financial records (ledger, audit log) are kept, as the law requires' })
  retainFinancialUntil: string;
}
