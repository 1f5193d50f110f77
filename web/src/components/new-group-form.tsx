'use client';

import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation } from '@apollo/client/react';
import { CreateGroupMutation, GroupsQuery } from '@/graphql/groups';
import type { GroupKind } from '@/gql/graphql';
import { errorCode, errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { FormError, SelectField, TextField } from './field';

const KIND_OPTIONS: ReadonlyArray<{ value: GroupKind; label: string }> = [
  { value: 'CLUB', label: 'Club' },
  { value: 'SUBSCRIPTION_SHARE', label: 'Subscription share' },
  { value: 'SOCIETY', label: 'Society' },
  { value: 'OTHER', label: 'Other' },
];

function isGroupKind(value: string): value is GroupKind {
  return KIND_OPTIONS.some((option) => option.value === value);
}

export function NewGroupForm() {
  const router = useRouter();
  const [createGroup, { loading }] = useMutation(CreateGroupMutation, { refetchQueries: [GroupsQuery] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const kind = String(form.get('kind') ?? 'CLUB');
    const currency = String(form.get('currency') ?? '').trim().toUpperCase();
    const memberNumberPrefix = String(form.get('memberNumberPrefix') ?? '').trim().toUpperCase();
    const service = String(form.get('service') ?? '').trim();

    const local: Record<string, string> = {};
    if (!name) local.name = 'Give the group a name.';
    if (!currency) local.currency = 'Enter a currency code, e.g. INR.';
    if (!memberNumberPrefix) local.memberNumberPrefix = 'Enter a short prefix, e.g. SRC.';
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0 || !isGroupKind(kind)) return;

    try {
      const result = await createGroup({
        variables: { input: { name, kind, currency, memberNumberPrefix, service: service || null } },
      });
      const id = result.data?.createGroup.id;
      if (id) router.push(`/groups/${encodeURIComponent(id)}`);
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) {
        setFormError(errorCode(error) === 'CONFLICT' ? 'A group with that name or prefix already exists.' : errorMessage(error));
      }
    }
  }

  return (
    <details className="panel">
      <summary>New group</summary>
      <form method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="New group">
        <FormError>{formError}</FormError>
        <TextField label="Group name" name="name" required autoComplete="off" error={errors.name} />
        <SelectField label="Kind" name="kind" options={KIND_OPTIONS} defaultValue="CLUB" error={errors.kind} />
        <TextField
          label="Currency"
          name="currency"
          required
          defaultValue="INR"
          maxLength={3}
          autoCapitalize="characters"
          hint="Three-letter code, e.g. INR, USD, EUR"
          error={errors.currency}
        />
        <TextField
          label="Member-number prefix"
          name="memberNumberPrefix"
          required
          maxLength={8}
          autoCapitalize="characters"
          hint="Starts every member number, e.g. SRC-2025-0001-00"
          error={errors.memberNumberPrefix}
        />
        <TextField label="Service (optional)" name="service" hint="e.g. a streaming plan you share" error={errors.service} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Creating…' : 'Create group'}
          </button>
        </div>
      </form>
    </details>
  );
}
