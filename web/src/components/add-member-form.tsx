'use client';

import { useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { AddMemberMutation } from '@/graphql/members';
import type { AddMemberInput } from '@/gql/graphql';
import { errorCode, errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { exampleAmount } from '@/lib/format';
import { parseRole, ROLE_OPTIONS, unplacedErrors } from '@/lib/roles';
import { FormError, SelectField, TextField } from './field';

const FIELDS = ['email', 'name', 'nickname', 'phone', 'role', 'customAmount', 'amount', 'currency'] as const;

interface Props {
  groupId: string;
  currency: string | null;
  onAdded: () => void;
}

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

export function AddMemberForm({ groupId, currency, onAdded }: Props) {
  const formRef = useRef<HTMLFormElement>(null);
  const [addMember, { loading }] = useMutation(AddMemberMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [added, setAdded] = useState<{ text: string; pending: boolean } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = text(form, 'email');
    const name = text(form, 'name');
    const amount = text(form, 'customAmount');

    // Only emptiness is checked here; the API owns every other rule and answers per field.
    const local: Record<string, string> = {};
    if (!email) local.email = 'Enter the member’s e-mail address.';
    if (!name) local.name = 'Enter the member’s name.';
    setErrors(local);
    setFormError(null);
    setAdded(null);
    if (Object.keys(local).length > 0) return;

    const input: AddMemberInput = {
      groupId,
      email,
      name,
      nickname: text(form, 'nickname') || undefined,
      phone: text(form, 'phone') || undefined,
      role: parseRole(form.get('role')),
      customAmount: amount && currency ? { amount, currency } : undefined,
    };

    try {
      const result = await addMember({ variables: { input } });
      const outcome = result.data?.addMember;
      formRef.current?.reset();
      if (outcome?.pendingApproval) {
        // An operator's add waits for an admin: nothing is in the table yet.
        setAdded({ text: `Sent to an admin for approval: ${name} will be added once an admin approves.`, pending: true });
        return;
      }
      const member = outcome?.member;
      setAdded({ text: member ? `${member.name} was added as ${member.memberNumber}.` : 'Member added.', pending: false });
      onAdded();
    } catch (error) {
      const code = errorCode(error);
      if (code === 'CONFLICT') {
        setErrors({ email: 'Already a member: someone with this e-mail is already in this group.' });
        return;
      }
      const fields = fieldErrors(error);
      setErrors(fields);
      const unplaced = unplacedErrors(fields, FIELDS);
      if (Object.keys(fields).length === 0) setFormError(errorMessage(error));
      else if (unplaced) setFormError(unplaced);
    }
  }

  const amountError = errors.customAmount ?? errors['customAmount.amount'] ?? errors.amount ?? errors.currency;

  return (
    <details className="panel">
      <summary>Add a member</summary>
      <form ref={formRef} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Add member">
        <FormError>{formError}</FormError>
        {added ? (
          <p className={added.pending ? 'notice form__full' : 'notice notice--ok form__full'} role="status">
            {added.text}
          </p>
        ) : null}
        <TextField
          label="E-mail"
          name="email"
          type="email"
          inputMode="email"
          autoComplete="off"
          required
          error={errors.email}
        />
        <TextField label="Name" name="name" autoComplete="off" required error={errors.name} />
        <TextField label="Nickname" name="nickname" autoComplete="off" error={errors.nickname} />
        <TextField label="Phone" name="phone" type="tel" inputMode="tel" autoComplete="off" error={errors.phone} />
        <SelectField label="Role" name="role" options={ROLE_OPTIONS} defaultValue="MEMBER" error={errors.role} />
        <TextField
          label={currency ? `Custom amount (${currency})` : 'Custom amount'}
          name="customAmount"
          inputMode="decimal"
          placeholder={`e.g. ${exampleAmount('499', currency)}`}
          hint="Leave empty to use the group’s usual amount"
          autoComplete="off"
          error={amountError}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Adding…' : 'Add member'}
          </button>
        </div>
      </form>
    </details>
  );
}
