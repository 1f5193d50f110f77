import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IntegratorEventType, WebhookDeliveryStatus } from './webhook.entities';

registerEnumType(IntegratorEventType, {
  name: 'WebhookEventType',
  description: 'Events an endpoint can subscribe to; the envelope `type` is the dotted name (MEMBER_ADDED → member.added)',
  valuesConfig: Object.fromEntries(Object.entries(IntegratorEventType).map(([key, value]) => [key, { description: `\`${value}\`` }])),
});
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING (waiting for its next attempt), SENDING, SUCCEEDED (2xx received), FAILED (5 attempts or 24 hours without a 2xx)',
});

@ObjectType('WebhookEndpoint', { description: "An integrator's URL that receives the group's events, signed with its secret" })
export class WebhookEndpointType {
  @Field(() => ID, { description: 'The endpoint id' })
  id: string;

  @Field({ description: 'https:// (http:// only where the installation allows it); must resolve to a public address' })
  url: string;

  @Field(() => String, { nullable: true, description: "The admins' note on who receives these" })
  description: string | null;

  @Field(() => [IntegratorEventType], { description: 'The events sent to this URL' })
  events: IntegratorEventType[];

  @Field({ description: 'A disabled endpoint receives nothing' })
  enabled: boolean;

  @Field(() => Date, { nullable: true, description: 'When the signing secret was last replaced' })
  secretRotatedAt: Date | null;

  @Field({ description: 'When the endpoint was added' })
  createdAt: Date;

  @Field({ description: 'When the endpoint was last changed' })
  updatedAt: Date;
}

@ObjectType('WebhookEndpointSecret', { description: 'An endpoint with its signing secret, shown this once' })
export class WebhookEndpointSecretType {
  @Field(() => WebhookEndpointType, { description: 'The endpoint the secret belongs to' })
  endpoint: WebhookEndpointType;

  @Field({ description: 'HMAC-SHA256 key for the coffer-signature header; store it now, it is never shown again' })
  secret: string;
}

@ObjectType('WebhookDeliveryAttempt', { description: 'One POST of a delivery and what came back' })
export class WebhookDeliveryAttemptType {
  @Field(() => Int, { description: '1 for the first attempt' })
  attempt: number;

  @Field({ description: 'When the attempt started' })
  startedAt: Date;

  @Field(() => Int, { description: 'From the start of the attempt to the response, the timeout or the error' })
  durationMs: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status; null when no response came (timeout, refused, connection error)' })
  statusCode: number | null;

  @Field(() => String, { nullable: true, description: 'The first 1 KiB of the response body' })
  responseExcerpt: string | null;

  @Field(() => String, { nullable: true, description: 'Why the attempt failed; null on success' })
  error: string | null;
}

@ObjectType('WebhookDelivery', { description: 'One event sent to one endpoint, with its attempts' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'Sent as the coffer-webhook-id header; the same across retries of this delivery' })
  id: string;

  @Field(() => ID, { description: 'The endpoint it is sent to' })
  endpointId: string;

  @Field(() => ID, { description: 'The envelope id; a redelivery carries the same one' })
  eventId: string;

  @Field(() => IntegratorEventType, { description: 'The event it carries' })
  eventType: IntegratorEventType;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far' })
  attempts: number;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due, while PENDING or SENDING' })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a 2xx came back' })
  deliveredAt: Date | null;

  @Field(() => Int, { nullable: true, description: "The last attempt's HTTP status, if a response came" })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed' })
  lastError: string | null;

  @Field(() => [WebhookDeliveryAttemptType], { description: 'Oldest first' })
  attemptLog: WebhookDeliveryAttemptType[];

  @Field(() => ID, { nullable: true, description: 'The delivery this one repeats (redeliverWebhook)' })
  redeliveryOfId: string | null;

  @Field({ description: 'When the delivery was queued (the 24-hour retry window starts here)' })
  createdAt: Date;

  @Field(() => GraphQLJSONObject, { description: 'The body sent: { id, type, createdAt, groupId, data }' })
  envelope: Record<string, unknown>;
}
