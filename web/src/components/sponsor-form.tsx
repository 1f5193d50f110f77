'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { CreateSponsorMutation, UpdateSponsorMutation } from '@/graphql/sponsors';
import type { SponsorFieldsFragment, UpdateSponsorInput } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { unplacedErrors } from '@/lib/roles';
import { FormError, TextField } from './field';

const FIELDS = ['name', 'contactEmail', 'contactPhone', 'notes'] as const;

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** Only what changed, so a save never overwrites a field someone else just edited. */
function changes(sponsor: SponsorFieldsFragment, form: FormData): UpdateSponsorInput {
  const input: UpdateSponsorInput = {};
  for (const field of FIELDS) {
    const value = text(form, field);
    if (value !== (sponsor[field] ?? '')) input[field] = value;
  }
  return input;
}

interface Props {
  groupId: string;
  /** Edits this sponsor; without it the form adds one. */
  sponsor?: SponsorFieldsFragment;
  onDone: () => void;
  onCancel?: () => void;
}

/** Add or edit a sponsor. The API strips markup and answers per field. */
export function SponsorForm({ groupId, sponsor, onDone, onCancel }: Props) {
  const [createSponsor, { loading: creating }] = useMutation(CreateSponsorMutation);
  const [updateSponsor, { loading: updating }] = useMutation(UpdateSponsorMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    setErrors({});
    setFormError(null);
    setSaved(null);
    if (!text(form, 'name')) {
      setErrors({ name: 'Enter the sponsor’s name.' });
      return;
    }
    try {
      if (sponsor) {
        const input = changes(sponsor, form);
        if (Object.keys(input).length > 0) await updateSponsor({ variables: { id: sponsor.id, input } });
      } else {
        const result = await createSponsor({
          variables: {
            input: {
              groupId,
              name: text(form, 'name'),
              contactEmail: text(form, 'contactEmail') || undefined,
              contactPhone: text(form, 'contactPhone') || undefined,
              notes: text(form, 'notes') || undefined,
            },
          },
        });
        element.reset();
        setSaved(`${result.data?.createSponsor.name ?? 'The sponsor'} was added.`);
      }
      onDone();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 ? errorMessage(error) : unplacedErrors(fields, FIELDS));
    }
  }

  const busy = creating || updating;
  const label = sponsor ? `Edit ${sponsor.name}` : 'Add sponsor';
  return (
    <form method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label={label}>
      <FormError>{formError}</FormError>
      {saved ? (
        <p className="notice notice--ok form__full" role="status">
          {saved}
        </p>
      ) : null}
      <TextField label="Name" name="name" defaultValue={sponsor?.name ?? ''} autoComplete="off" required error={errors.name} />
      <TextField
        label="Contact e-mail"
        name="contactEmail"
        type="email"
        inputMode="email"
        autoComplete="off"
        defaultValue={sponsor?.contactEmail ?? ''}
        error={errors.contactEmail}
      />
      <TextField
        label="Contact phone"
        name="contactPhone"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        defaultValue={sponsor?.contactPhone ?? ''}
        error={errors.contactPhone}
      />
      <TextField label="Notes" name="notes" autoComplete="off" defaultValue={sponsor?.notes ?? ''} error={errors.notes} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : sponsor ? 'Save' : 'Add sponsor'}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
