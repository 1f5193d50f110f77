'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { RemoveMemberMutation, UpdateMemberMutation } from '@/graphql/members';
import type { MemberRowFragment, UpdateMemberInput } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { formatMoney, formatRole } from '@/lib/format';
import { useLocale } from '@/lib/locale';
import { parseRole, ROLE_OPTIONS, unplacedErrors } from '@/lib/roles';
import { FormError, SelectField, TextField } from './field';

interface Props {
  member: MemberRowFragment;
  currency: string | null;
  showActions: boolean;
  onChanged: () => void;
}

const FIELDS = ['name', 'nickname', 'phone', 'role', 'customAmount', 'amount', 'currency'] as const;

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** Sends only what changed, so a save never overwrites a field someone else just edited. */
function changes(member: MemberRowFragment, form: FormData, currency: string | null): UpdateMemberInput {
  const input: UpdateMemberInput = {};
  const name = text(form, 'name');
  const nickname = text(form, 'nickname');
  const phone = text(form, 'phone');
  const role = parseRole(form.get('role'));
  const amount = text(form, 'customAmount');
  if (name !== member.name) input.name = name;
  if (nickname !== (member.nickname ?? '')) input.nickname = nickname || null;
  if (phone !== (member.phone ?? '')) input.phone = phone || null;
  if (role && role !== member.role) input.role = role;
  const moneyCurrency = member.customAmount?.currency ?? currency;
  if (amount !== (member.customAmount?.amount ?? '')) {
    input.customAmount = amount && moneyCurrency ? { amount, currency: moneyCurrency } : null;
  }
  return input;
}

export function MemberRow({ member, currency, showActions, onChanged }: Props) {
  const locale = useLocale();
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [updateMember, { loading: saving }] = useMutation(UpdateMemberMutation);
  const [removeMember, { loading: removing }] = useMutation(RemoveMemberMutation);
  const columns = showActions ? 7 : 6;

  async function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = changes(member, new FormData(event.currentTarget), currency);
    setErrors({});
    setFormError(null);
    setPending(null);
    if (Object.keys(input).length === 0) {
      setEditing(false);
      return;
    }
    try {
      const result = await updateMember({ variables: { id: member.id, input } });
      if (result.data?.updateMember.pendingApproval) {
        // An operator's edit waits for an admin: the member is unchanged, so the form keeps
        // what was typed and says where it went.
        setPending('Sent to an admin for approval. The change applies once an admin approves it.');
        return;
      }
      setEditing(false);
      onChanged();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 ? errorMessage(error) : unplacedErrors(fields, FIELDS));
    }
  }

  async function onRemove() {
    if (!window.confirm(`Remove ${member.name} from this group? Their history is kept.`)) return;
    setFormError(null);
    setPending(null);
    try {
      const result = await removeMember({ variables: { id: member.id } });
      if (result.data?.removeMember.pendingApproval) {
        setPending(`Sent to an admin for approval. ${member.name} stays a member until an admin approves the removal.`);
        setEditing(true);
        return;
      }
      setEditing(false);
      onChanged();
    } catch (error) {
      setFormError(errorMessage(error));
      setEditing(true);
    }
  }

  return (
    <>
      <tr role="row" className={member.status === 'REMOVED' ? 'row--removed' : undefined}>
        <td role="cell" className="cell-member">
          <span className="member__name">{member.name}</span>
          {member.nickname ? <span className="member__nickname"> ({member.nickname})</span> : null}
          {member.email ? <span className="member__email">{member.email}</span> : null}
          {member.primaryMember ? (
            <span className="member__email">Sub-member of {member.primaryMember.name}</span>
          ) : null}
        </td>
        <td role="cell" className="cell-number nowrap">
          {member.memberNumber}
        </td>
        <td role="cell" className="hide-narrow nowrap">
          {member.phone ?? '—'}
        </td>
        <td role="cell" className="cell-role">
          {formatRole(member.role)}
        </td>
        <td role="cell" className="hide-narrow nowrap">
          {formatMoney(member.customAmount, locale)}
        </td>
        <td role="cell" className="cell-status">
          <span className={member.status === 'ACTIVE' ? 'badge badge--ok' : 'badge'}>
            {member.status === 'ACTIVE' ? 'Active' : 'Removed'}
          </span>
        </td>
        {showActions ? (
          <td role="cell" className="cell-actions nowrap">
            {member.viewerCanEdit && member.status === 'ACTIVE' ? (
              <button
                type="button"
                className="button button--small"
                aria-expanded={editing}
                aria-label={`Edit ${member.name}`}
                onClick={() => {
                  setPending(null);
                  setEditing((open) => !open);
                }}
              >
                {editing ? 'Close' : 'Edit'}
              </button>
            ) : null}
          </td>
        ) : null}
      </tr>
      {editing ? (
        <tr role="row" className="row--editor">
          <td role="cell" colSpan={columns}>
            <form method="post" className="form form--grid" onSubmit={onSave} noValidate aria-label={`Edit ${member.name}`}>
              <FormError>{formError}</FormError>
              {pending ? (
                <p className="notice form__full" role="status">
                  {pending}
                </p>
              ) : null}
              <TextField label="Name" name="name" defaultValue={member.name} required error={errors.name} />
              <TextField label="Nickname" name="nickname" defaultValue={member.nickname ?? ''} error={errors.nickname} />
              <TextField label="Phone" name="phone" type="tel" defaultValue={member.phone ?? ''} error={errors.phone} />
              <SelectField label="Role" name="role" options={ROLE_OPTIONS} defaultValue={member.role} error={errors.role} />
              <TextField
                label="Custom amount"
                name="customAmount"
                inputMode="decimal"
                defaultValue={member.customAmount?.amount ?? ''}
                error={errors.customAmount ?? errors['customAmount.amount'] ?? errors.amount}
              />
              <div className="form__actions">
                <button type="submit" className="button button--primary" disabled={saving}>
                  {saving ? 'Saving…' : 'Save'}
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setPending(null);
                    setEditing(false);
                  }}
                >
                  Cancel
                </button>
                <button type="button" className="button button--danger" disabled={removing} onClick={() => void onRemove()}>
                  {removing ? 'Removing…' : 'Remove member'}
                </button>
              </div>
            </form>
          </td>
        </tr>
      ) : null}
    </>
  );
}
