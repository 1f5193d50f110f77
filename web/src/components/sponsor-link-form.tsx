'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { CreateSponsorLinkMutation } from '@/graphql/sponsors';
import type { CreateSponsorLinkInput, SponsorFieldsFragment, SponsorLinkFieldsFragment } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { exampleAmount, formatMoney } from '@/lib/format';
import { useLocale } from '@/lib/locale';
import { unplacedErrors } from '@/lib/roles';
import { CopyField } from './copy-field';
import { FormError, SelectField, TextField } from './field';

const FIELDS = ['sponsorId', 'amount', 'currency', 'purpose', 'expiresAt', 'upiId', 'bankDetails', 'accountNumber', 'ifsc', 'accountName', 'bankName'] as const;
const DEFAULT_DAYS = 30;

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** yyyy-mm-dd of a day `days` from today, in the browser's own calendar. */
function dayFromToday(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The link stays open through the whole chosen day, in the treasurer's time zone. */
function endOfDay(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T23:59:59`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

interface Props {
  groupId: string;
  currency: string;
  sponsors: readonly SponsorFieldsFragment[];
  onCreated: () => void;
}

export function SponsorLinkForm({ groupId, currency, sponsors, onCreated }: Props) {
  const locale = useLocale();
  const [createLink, { loading }] = useMutation(CreateSponsorLinkMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<SponsorLinkFieldsFragment | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const amount = text(form, 'amount');
    const purpose = text(form, 'purpose');
    const expiresAt = endOfDay(text(form, 'expiresOn'));
    const accountNumber = text(form, 'accountNumber');

    const local: Record<string, string> = {};
    if (!amount) local.amount = 'Enter the amount.';
    if (!purpose) local.purpose = 'Say what the money is for.';
    if (!expiresAt) local.expiresAt = 'Choose the last day the link works.';
    setErrors(local);
    setFormError(null);
    setCreated(null);
    if (Object.keys(local).length > 0) return;

    const input: CreateSponsorLinkInput = {
      groupId,
      sponsorId: text(form, 'sponsorId') || undefined,
      amount: { amount, currency },
      purpose,
      expiresAt: expiresAt!,
      upiId: text(form, 'upiId') || undefined,
      bankDetails: accountNumber
        ? {
            accountNumber,
            ifsc: text(form, 'ifsc') || undefined,
            accountName: text(form, 'accountName') || undefined,
            bankName: text(form, 'bankName') || undefined,
          }
        : undefined,
    };
    try {
      const result = await createLink({ variables: { input } });
      element.reset();
      setCreated(result.data?.createSponsorLink ?? null);
      onCreated();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 ? errorMessage(error) : unplacedErrors(fields, FIELDS));
    }
  }

  const sponsorOptions = [{ value: '', label: 'No sponsor (an open appeal)' }, ...sponsors.map((s) => ({ value: s.id, label: s.name }))];
  return (
    <details className="panel" open={created !== null || undefined}>
      <summary>Create a sponsor link</summary>
      {created ? (
        <div className="notice notice--ok" role="status" aria-label="New sponsor link">
          <p>
            Link created for {formatMoney(created.amount, locale)}
            {created.sponsor ? ` from ${created.sponsor.name}` : ''}. Share it with the sponsor:
          </p>
          <CopyField label="Sponsor link URL" value={created.url} />
        </div>
      ) : null}
      <form method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Create sponsor link">
        <FormError>{formError}</FormError>
        <SelectField label="Sponsor" name="sponsorId" options={sponsorOptions} defaultValue="" error={errors.sponsorId} />
        <TextField
          label={`Amount (${currency})`}
          name="amount"
          inputMode="decimal"
          placeholder={`e.g. ${exampleAmount('25000', currency)}`}
          autoComplete="off"
          required
          error={errors.amount ?? errors['amount.amount'] ?? errors['amount.currency'] ?? errors.currency}
        />
        <TextField label="Purpose" name="purpose" autoComplete="off" required error={errors.purpose} placeholder="e.g. Marathon 2027 kit" />
        <TextField
          label="Last day"
          name="expiresOn"
          type="date"
          required
          defaultValue={dayFromToday(DEFAULT_DAYS)}
          min={dayFromToday(0)}
          error={errors.expiresAt}
        />
        <TextField
          label="UPI id"
          name="upiId"
          autoComplete="off"
          placeholder="name@bank"
          hint="Leave empty to use the group’s UPI id"
          error={errors.upiId}
        />
        <TextField
          label="Bank account number"
          name="accountNumber"
          inputMode="numeric"
          autoComplete="off"
          hint="Leave empty to use the group’s account; shown to the sponsor as XXXXXXXX and the last 4 digits"
          error={errors['bankDetails.accountNumber'] ?? errors.accountNumber}
        />
        <TextField label="IFSC" name="ifsc" autoComplete="off" placeholder="HDFC0001234" error={errors['bankDetails.ifsc'] ?? errors.ifsc} />
        <TextField label="Account name" name="accountName" autoComplete="off" error={errors['bankDetails.accountName'] ?? errors.accountName} />
        <TextField label="Bank name" name="bankName" autoComplete="off" error={errors['bankDetails.bankName'] ?? errors.bankName} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Creating…' : 'Create link'}
          </button>
        </div>
      </form>
    </details>
  );
}
