'use client';

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from '@/graphql/api-keys';
import type { ApiKeyFieldsFragment } from '@/gql/graphql';
import { formatRole } from '@/lib/format';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { parseRole, ROLE_OPTIONS, unplacedErrors } from '@/lib/roles';
import { CopyField } from './copy-field';
import { LocalDateTime } from './date-time';
import { FormError, SelectField, TextField } from './field';
import { LoadError } from './load-error';

interface CreatedKey {
  name: string;
  secret: string;
}

function CreateApiKeyForm({ groupId, onCreated }: { groupId: string; onCreated: (created: CreatedKey | null) => void }) {
  const [create, { loading }] = useMutation(CreateApiKeyMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const name = String(form.get('name') ?? '').trim();
    const role = parseRole(form.get('role'));
    const rateLimitInput = String(form.get('rateLimit') ?? '').trim();
    const rateLimit = rateLimitInput === '' ? null : Number(rateLimitInput);
    setErrors({});
    setFormError(null);
    onCreated(null);
    const local: Record<string, string> = {};
    if (!name) local.name = 'Name the key after the integration that uses it.';
    if (!role) local.role = 'Choose a role.';
    if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit >= 1)) local.rateLimit = 'Use a whole number of requests, or leave it empty.';
    if (!role || Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    try {
      const result = await create({ variables: { groupId, name, role, rateLimit } });
      const payload = result.data?.createApiKey;
      element.reset();
      onCreated(payload ? { name: payload.apiKey.name, secret: payload.secret } : null);
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 ? errorMessage(error) : unplacedErrors(fields, ['name', 'role', 'rateLimit']));
    }
  }

  return (
    <form method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Create API key">
      <FormError>{formError}</FormError>
      <TextField label="Key name" name="name" autoComplete="off" required maxLength={100} error={errors.name} hint="e.g. Accounting sync" />
      <SelectField label="Role" name="role" defaultValue="MEMBER" required error={errors.role} options={ROLE_OPTIONS} hint="The key acts in this group with this role." />
      <TextField
        label="Rate limit"
        name="rateLimit"
        inputMode="numeric"
        autoComplete="off"
        error={errors.rateLimit}
        hint="Requests per rate-limit window (a minute unless the server says otherwise). Leave empty for the server's default."
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={loading}>
          {loading ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

/** The whole key, once: it lives only in this component's state and is gone on reload. */
function NewKeyNotice({ created }: { created: CreatedKey }) {
  return (
    <div className="notice notice--ok secret" role="status">
      <p>
        <strong>{created.name}</strong> was created. Copy the key now: it is shown only once and cannot be seen again.
      </p>
      <CopyField label="New API key" value={created.secret} />
    </div>
  );
}

function ApiKeyRow({ apiKey, onChanged }: { apiKey: ApiKeyFieldsFragment; onChanged: () => void }) {
  const [revoke, { loading }] = useMutation(RevokeApiKeyMutation);
  const [error, setError] = useState<string | null>(null);

  async function onRevoke() {
    if (!window.confirm(`Revoke ${apiKey.name}? Anything using it stops working at once.`)) return;
    setError(null);
    try {
      await revoke({ variables: { id: apiKey.id } });
      onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <tr role="row">
      <td role="cell">
        <span className="member__name">{apiKey.name}</span>
        <code className="member__email">{apiKey.prefix}…</code>
      </td>
      <td role="cell">{formatRole(apiKey.role)}</td>
      <td role="cell" className="hide-narrow">
        <LocalDateTime iso={apiKey.createdAt} />
      </td>
      <td role="cell">{apiKey.lastUsedAt ? <LocalDateTime iso={apiKey.lastUsedAt} /> : 'Never'}</td>
      <td role="cell" className="hide-narrow">{apiKey.rateLimit === null ? 'Default' : `${apiKey.rateLimit} per window`}</td>
      <td role="cell">
        {apiKey.revokedAt ? <span className="badge">Revoked</span> : <span className="badge badge--ok">Active</span>}
      </td>
      <td role="cell" className="cell-actions nowrap">
        {apiKey.revokedAt ? null : (
          <button
            type="button"
            className="button button--small button--danger"
            aria-label={`Revoke ${apiKey.name}`}
            disabled={loading}
            onClick={() => void onRevoke()}
          >
            {loading ? 'Revoking…' : 'Revoke'}
          </button>
        )}
        {error ? <FormError>{error}</FormError> : null}
      </td>
    </tr>
  );
}

/** Admins: the group's API keys for integrators. */
export function ApiKeysPage({ groupId }: { groupId: string }) {
  const { data, error, loading, refetch } = useQuery(ApiKeysQuery, { variables: { groupId }, fetchPolicy: 'cache-and-network' });
  const keys = data?.apiKeys ?? [];
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const reload = () => void refetch();
  return (
    <section aria-labelledby="api-keys-heading">
      <div className="section-title">
        <h2 id="api-keys-heading">API keys</h2>
        {data ? <span className="muted">{keys.filter((key) => !key.revokedAt).length} active</span> : null}
      </div>
      <p className="muted">
        An API key lets another program use Coffer for this group: send it as <code>Authorization: Bearer &lt;key&gt;</code> to
        the GraphQL API.
      </p>
      <details className="panel">
        <summary>Create an API key</summary>
        <CreateApiKeyForm
          groupId={groupId}
          onCreated={(key) => {
            setCreated(key);
            if (key) reload();
          }}
        />
      </details>
      {created ? <NewKeyNotice created={created} /> : null}
      {error && !data ? <LoadError error={error} onRetry={reload} /> : null}
      {data ? (
        <div className="table-wrap">
          <table className="table" role="table">
            <caption className="visually-hidden">API keys</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">Key</th>
                <th scope="col" role="columnheader">Role</th>
                <th scope="col" role="columnheader" className="hide-narrow">Created</th>
                <th scope="col" role="columnheader">Last used</th>
                <th scope="col" role="columnheader" className="hide-narrow">Rate limit</th>
                <th scope="col" role="columnheader">Status</th>
                <th scope="col" role="columnheader">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {keys.map((apiKey) => (
                <ApiKeyRow key={apiKey.id} apiKey={apiKey} onChanged={reload} />
              ))}
              {keys.length === 0 ? (
                <tr role="row">
                  <td role="cell" colSpan={7} className="table__empty">
                    No API keys yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : loading ? (
        <p className="muted" role="status">
          Loading API keys…
        </p>
      ) : null}
    </section>
  );
}
