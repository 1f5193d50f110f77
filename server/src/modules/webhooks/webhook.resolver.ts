import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { IntegratorEventType, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entities';
import * as webhooks from './webhook.service';
import { WebhookDeliveryType, WebhookEndpointSecretType, WebhookEndpointType } from './webhook.types';

export const WebhookDeliveryConnection = connectionOf('WebhookDelivery', WebhookDeliveryType);

@Resolver(() => WebhookEndpointType)
export class WebhookResolver {
  @Query(() => [WebhookEndpointType], { description: "The group's integrator webhook endpoints, oldest first. Admins only." })
  async webhookEndpoints(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID, { description: 'The group' }) groupId: string): Promise<WebhookEndpoint[]> {
    return webhooks.listWebhookEndpoints(ctx, groupId);
  }

  @Query(() => WebhookEndpointType, { description: 'One endpoint. Admins only.' })
  async webhookEndpoint(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'The endpoint id' }) id: string): Promise<WebhookEndpoint> {
    return webhooks.getWebhookEndpoint(ctx, id);
  }

  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's deliveries, newest first. Admins only." })
  async webhookDeliveries(
    @Ctx() ctx: GraphQLContext,
    @Arg('endpointId', () => ID, { description: 'The endpoint whose deliveries to list' }) endpointId: string,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true, description: 'Only deliveries in this status' }) status: WebhookDeliveryStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, at most 100' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' }) after: string | null,
  ): Promise<ConnectionShape<webhooks.WebhookDeliveryView>> {
    return toConnection(await webhooks.listWebhookDeliveries(ctx, { endpointId, status, first, after }));
  }

  @Mutation(() => WebhookEndpointSecretType, { description: 'Adds an endpoint; the signing secret is in the answer, once. BAD_USER_INPUT names `url` for a URL that is not https or resolves to a non-public address.' })
  async createWebhookEndpoint(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID, { description: 'The group whose events to send' }) groupId: string,
    @Arg('url', { description: 'Where to POST events' }) url: string,
    @Arg('events', () => [IntegratorEventType], { description: 'At least one' }) events: IntegratorEventType[],
    @Arg('description', () => String, { nullable: true, description: 'A note for the admins, e.g. which system this is' }) description: string | null,
  ): Promise<webhooks.CreatedWebhookSecret> {
    return webhooks.createWebhookEndpoint(ctx, groupId, { url, events, description });
  }

  @Mutation(() => WebhookEndpointType, { description: 'Changes what is given; the rest stays' })
  async updateWebhookEndpoint(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { description: 'The endpoint id' }) id: string,
    @Arg('url', () => String, { nullable: true, description: 'A new URL, checked like on creation' }) url: string | undefined,
    @Arg('events', () => [IntegratorEventType], { nullable: true, description: 'Replaces the subscribed events' }) events: IntegratorEventType[] | undefined,
    @Arg('description', () => String, { nullable: true, description: 'An empty string clears it' }) description: string | undefined,
    @Arg('enabled', () => Boolean, { nullable: true, description: 'false stops deliveries' }) enabled: boolean | undefined,
  ): Promise<WebhookEndpoint> {
    return webhooks.updateWebhookEndpoint(ctx, id, { url, events, description, enabled });
  }

  @Mutation(() => WebhookEndpointSecretType, { description: 'Replaces the signing secret; the old one stops verifying at once. The new secret is shown once.' })
  async rotateWebhookSecret(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'The endpoint id' }) id: string): Promise<webhooks.CreatedWebhookSecret> {
    return webhooks.rotateWebhookSecret(ctx, id);
  }

  @Mutation(() => ID, { description: 'Deletes the endpoint with its delivery history; returns its id' })
  async deleteWebhookEndpoint(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'The endpoint id' }) id: string): Promise<string> {
    const endpoint = await webhooks.deleteWebhookEndpoint(ctx, id);
    return endpoint.id;
  }

  @Mutation(() => WebhookDeliveryType, { description: 'Sends a finished (SUCCEEDED or FAILED) delivery again, as a new delivery with the same envelope' })
  async redeliverWebhook(@Ctx() ctx: GraphQLContext, @Arg('deliveryId', () => ID, { description: 'The delivery to repeat' }) deliveryId: string): Promise<webhooks.WebhookDeliveryView> {
    return webhooks.redeliverWebhook(ctx, deliveryId);
  }
}
