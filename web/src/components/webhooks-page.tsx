'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  CreateWebhookEndpointMutation,
  DeleteWebhookEndpointMutation,
  RedeliverWebhookMutation,
  RotateWebhookSecretMutation,
  UpdateWebhookEndpointMutation,
  WebhookDeliveriesQuery,
  WebhookEndpointsQuery,
} from '@/graphql/webhooks';
import type { WebhookDeliveryStatus, WebhookEndpointsQuery as EndpointsData, WebhookEventType } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { WEBHOOK_DELIVERY_STATUS_OPTIONS, WEBHOOK_EVENT_OPTIONS } from '@/lib/labels';
import { LocalDateTime } from './date-time';
import { FormError, TextField } from './field';
import { LoadError } from './load-error';

type Endpoint = EndpointsData['webhookEndpoints'][number];

const eventLabel = (value: WebhookEventType): string => WEBHOOK_EVENT_OPTIONS.find((e) => e.value === value)?.label ?? value;

const STATUS_BADGE: Record<WebhookDeliveryStatus, string> = {
  SUCCEEDED: 'badge badge--ok',
  PENDING: 'badge badge--warn',
  SENDING: 'badge badge--warn',
  FAILED: 'badge badge--error',
};

/** A secret is shown once, right after it was made; the page never has it again. */
function SecretNotice({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  return (
    <div className="notice notice--ok" role="status" data-testid="webhook-secret">
      <p>
        Signing secret — copy it now, it will not be shown again: <code>{secret}</code>
      </p>
      <p className="muted">Verify each delivery’s coffer-signature header with it (see the README).</p>
      <button type="button" className="button button--small" onClick={onDismiss}>
        I have stored it
      </button>
    </div>
  );
}

function CreateEndpointForm({ groupId, onCreated }: { groupId: string; onCreated: (secret: string) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [create, { loading }] = useMutation(CreateWebhookEndpointMutation, { refetchQueries: [WebhookEndpointsQuery] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const url = String(form.get('url') ?? '').trim();
    const events = form.getAll('events').map(String) as WebhookEventType[];
    const local: Record<string, string> = {};
    if (!url) local.url = 'Enter the URL that receives the webhooks.';
    if (events.length === 0) local.events = 'Choose at least one event.';
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return;
    try {
      const result = await create({ variables: { groupId, url, events, description: String(form.get('description') ?? '').trim() || null } });
      const secret = result.data?.createWebhookEndpoint.secret;
      formRef.current?.reset();
      if (secret) onCreated(secret);
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (!fields.url && !fields.events && !fields.description) setFormError(errorMessage(error));
    }
  }

  return (
    <details className="panel">
      <summary>Add an endpoint</summary>
      <form ref={formRef} method="post" className="form" onSubmit={onSubmit} noValidate aria-label="Add webhook endpoint">
        <FormError>{formError}</FormError>
        <TextField label="URL" name="url" type="url" placeholder="https://example.com/coffer-webhooks" autoComplete="off" required error={errors.url} />
        <TextField label="Description" name="description" autoComplete="off" hint="Which system receives these, for the next admin" error={errors.description} />
        <fieldset className="field">
          <legend className="field__label">Events</legend>
          {WEBHOOK_EVENT_OPTIONS.map((event) => (
            <label key={event.value} className="checkbox">
              <input type="checkbox" name="events" value={event.value} /> <code>{event.label}</code>
            </label>
          ))}
          {errors.events ? <p className="field__error">{errors.events}</p> : null}
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
    </details>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const [status, setStatus] = useState<WebhookDeliveryStatus | ''>('');
  const variables = { endpointId, status: status || null, first: 20 };
  const { data, error, refetch, fetchMore, networkStatus, startPolling, stopPolling } = useQuery(WebhookDeliveriesQuery, {
    variables,
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  // While a delivery is on its way (queued or being sent), look again every few seconds so its outcome shows up.
  const inFlight = (data?.webhookDeliveries.edges ?? []).some(({ node }) => node.status === 'PENDING' || node.status === 'SENDING');
  useEffect(() => {
    if (!inFlight) return undefined;
    startPolling(2000);
    return () => stopPolling();
  }, [inFlight, startPolling, stopPolling]);
  const [redeliver] = useMutation(RedeliverWebhookMutation);
  const [actionError, setActionError] = useState<string | null>(null);
  const connection = data?.webhookDeliveries;

  async function onRedeliver(deliveryId: string) {
    setActionError(null);
    try {
      await redeliver({ variables: { deliveryId } });
      await refetch();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  }

  if (error && !connection) return <LoadError error={error} onRetry={() => void refetch()} />;
  return (
    <div className="webhook-deliveries">
      <div className="form__actions">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as WebhookDeliveryStatus | '')} aria-label="Delivery status">
            <option value="">All</option>
            {WEBHOOK_DELIVERY_STATUS_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button--small" onClick={() => void refetch()} disabled={networkStatus === NetworkStatus.refetch}>
          Refresh
        </button>
      </div>
      <FormError>{actionError}</FormError>
      {connection ? <p className="muted">{connection.totalCount} deliveries, newest first</p> : <p className="muted">Loading…</p>}
      <ol className="log-list" aria-label="Deliveries">
        {(connection?.edges ?? []).map(({ node }) => (
          <li key={node.id} className="log" data-testid="webhook-delivery">
            <div className="log__line">
              <code className="log__action">{eventLabel(node.eventType)}</code>
              <span className={STATUS_BADGE[node.status]}>{node.status}</span>
              <span className="muted">
                {node.attempts} {node.attempts === 1 ? 'attempt' : 'attempts'}
                {node.lastStatusCode !== null ? ` · HTTP ${node.lastStatusCode}` : ''}
              </span>
              <span className="log__time muted">
                <LocalDateTime iso={node.createdAt} />
              </span>
              {node.status === 'SUCCEEDED' || node.status === 'FAILED' ? (
                <button type="button" className="button button--small" onClick={() => void onRedeliver(node.id)}>
                  Redeliver
                </button>
              ) : null}
            </div>
            {node.lastError ? <p className="field__error">{node.lastError}</p> : null}
            {node.nextAttemptAt ? (
              <p className="muted">
                Next attempt <LocalDateTime iso={node.nextAttemptAt} />
              </p>
            ) : null}
            <details className="log__details">
              <summary>Attempts and body</summary>
              <ol>
                {node.attemptLog.map((attempt) => (
                  <li key={attempt.attempt}>
                    <LocalDateTime iso={attempt.startedAt} /> · {attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : 'no response'} · {attempt.durationMs} ms
                    {attempt.error ? ` · ${attempt.error}` : ''}
                    {attempt.responseExcerpt ? <pre>{attempt.responseExcerpt}</pre> : null}
                  </li>
                ))}
              </ol>
              <pre>{JSON.stringify(node.envelope, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
      {connection?.pageInfo.hasNextPage ? (
        <div className="load-more">
          <button
            type="button"
            className="button"
            disabled={networkStatus === NetworkStatus.fetchMore}
            onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
          >
            Load more
          </button>
        </div>
      ) : null}
    </div>
  );
}

function EndpointCard({ endpoint, onSecret }: { endpoint: Endpoint; onSecret: (secret: string) => void }) {
  const [update] = useMutation(UpdateWebhookEndpointMutation);
  const [rotate] = useMutation(RotateWebhookSecretMutation);
  const [remove] = useMutation(DeleteWebhookEndpointMutation, { refetchQueries: [WebhookEndpointsQuery] });
  const [error, setError] = useState<string | null>(null);
  const [deliveriesOpen, setDeliveriesOpen] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <li className="panel" data-testid="webhook-endpoint">
      <div className="log__line">
        <code>{endpoint.url}</code>
        <span className={endpoint.enabled ? 'badge badge--ok' : 'badge'}>{endpoint.enabled ? 'Enabled' : 'Disabled'}</span>
      </div>
      {endpoint.description ? <p>{endpoint.description}</p> : null}
      <p className="muted">{endpoint.events.map(eventLabel).join(', ')}</p>
      <p className="muted">
        Added <LocalDateTime iso={endpoint.createdAt} />
        {endpoint.secretRotatedAt ? (
          <>
            {' · secret rotated '}
            <LocalDateTime iso={endpoint.secretRotatedAt} />
          </>
        ) : null}
      </p>
      <FormError>{error}</FormError>
      <div className="form__actions">
        <button type="button" className="button button--small" onClick={() => void run(() => update({ variables: { id: endpoint.id, enabled: !endpoint.enabled } }))}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          className="button button--small"
          onClick={() =>
            void run(async () => {
              if (!window.confirm('Replace the signing secret? The current one stops working at once.')) return;
              const result = await rotate({ variables: { id: endpoint.id } });
              const secret = result.data?.rotateWebhookSecret.secret;
              if (secret) onSecret(secret);
            })
          }
        >
          Rotate secret
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          onClick={() =>
            void run(async () => {
              if (window.confirm(`Delete ${endpoint.url} and its delivery history?`)) await remove({ variables: { id: endpoint.id } });
            })
          }
        >
          Delete
        </button>
      </div>
      {/* Loaded when opened (not when the endpoint first renders), so opening shows what has happened since. */}
      <details onToggle={(event) => setDeliveriesOpen(event.currentTarget.open)}>
        <summary>Deliveries</summary>
        {deliveriesOpen ? <Deliveries endpointId={endpoint.id} /> : null}
      </details>
    </li>
  );
}

/** Settings › Webhooks: the group's integrator endpoints, their secrets (once) and deliveries. Admins only. */
export function WebhooksPage({ groupId }: { groupId: string }) {
  const { data, error, refetch } = useQuery(WebhookEndpointsQuery, { variables: { groupId }, fetchPolicy: 'cache-and-network' });
  const [secret, setSecret] = useState<string | null>(null);
  const endpoints = data?.webhookEndpoints;
  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">Coffer POSTs signed events to these URLs as they happen, and retries for up to 24 hours.</p>
      {secret ? <SecretNotice secret={secret} onDismiss={() => setSecret(null)} /> : null}
      <CreateEndpointForm groupId={groupId} onCreated={setSecret} />
      {error && !endpoints ? <LoadError error={error} onRetry={() => void refetch()} /> : null}
      {endpoints && endpoints.length === 0 ? <p className="notice">No endpoints yet.</p> : null}
      <ul className="webhook-endpoints">
        {(endpoints ?? []).map((endpoint) => (
          <EndpointCard key={endpoint.id} endpoint={endpoint} onSecret={setSecret} />
        ))}
      </ul>
    </section>
  );
}
