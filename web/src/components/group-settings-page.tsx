'use client';

import Link from 'next/link';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { DeactivateGroupMutation, GroupSettingsQuery, UpdateGroupSettingsMutation } from '@/graphql/group-settings';
import { GroupsQuery } from '@/graphql/groups';
import { PaymentProvidersQuery } from '@/graphql/payments';
import type { GroupKind, GroupSettingsFieldsFragment, PaymentSettingsInput, UpdateGroupInput } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { currencyDigits, exampleAmount, formatKind } from '@/lib/format';
import {
  amountRule,
  BILLING_CYCLE_OPTIONS,
  BILLING_FIELD_NAMES,
  BILLING_FIELDS,
  BILLING_MODE_OPTIONS,
  billingInputOf,
  type BillingSettingsValue,
  errorFor,
  FEE_KINDS,
  FEE_LABELS,
  MODE_MEANING,
  parseMoneyField,
  PRICE_MEANING,
  readBillingForm,
  TERM_RULE_MEANING,
  TERM_RULE_OPTIONS,
  unplacedMessages,
} from '@/lib/group-settings';
import { FormError, SelectField, TextField } from './field';
import { LoadError } from './load-error';

type Group = GroupSettingsFieldsFragment;

const KIND_OPTIONS: ReadonlyArray<{ value: GroupKind; label: string }> = (['CLUB', 'SUBSCRIPTION_SHARE', 'SOCIETY', 'OTHER'] as const).map((value) => ({
  value,
  label: formatKind(value),
}));

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** Props for an amount input in the group's currency: JPY gets a number pad and no decimals in its example. */
function moneyInputProps(currency: string, placeholder = `e.g. ${exampleAmount('500', currency)}`) {
  return {
    inputMode: currencyDigits(currency) === 0 ? ('numeric' as const) : ('decimal' as const),
    placeholder,
    autoComplete: 'off',
  };
}

/**
 * One section's save: its own mutation (so its button alone says "Saving…"), its field errors
 * from BAD_USER_INPUT's extensions.fields, a message for anything no field of it shows, and a
 * success note. `version` changes after each save so the form is drawn again from the answer.
 */
function useSectionSave(groupId: string, fields: readonly string[], options: { refetchProviders?: boolean } = {}) {
  const [update, { loading }] = useMutation(UpdateGroupSettingsMutation, {
    refetchQueries: options.refetchProviders ? [PaymentProvidersQuery] : [],
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  async function save(input: UpdateGroupInput | null, local: Record<string, string>, success: string): Promise<void> {
    setErrors(local);
    setFormError(null);
    setSaved(null);
    if (Object.keys(local).length > 0) return;
    if (!input) {
      setSaved('No changes to save.');
      return;
    }
    try {
      await update({ variables: { id: groupId, input } });
      setSaved(success);
      setVersion((current) => current + 1);
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      setFormError(Object.keys(byField).length === 0 ? errorMessage(error) : unplacedMessages(byField, fields));
    }
  }

  return { save, loading, errors, formError, saved, version };
}

function SavedNote({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="notice notice--ok form__full" role="status">
      {children}
    </p>
  );
}

function SaveButton({ loading, label }: { loading: boolean; label: string }) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--primary" disabled={loading}>
        {loading ? 'Saving…' : label}
      </button>
    </div>
  );
}

function Section({ id, title, intro, children }: { id: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className="panel settings-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {intro ? <p className="muted">{intro}</p> : null}
      {children}
    </section>
  );
}

const GENERAL_FIELDS = ['name', 'kind', 'service', 'memberNumberPrefix'] as const;

function GeneralSection({ group }: { group: Group }) {
  const { save, loading, errors, formError, saved, version } = useSectionSave(group.id, GENERAL_FIELDS);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    const form = new FormData(event.currentTarget);
    const name = text(form, 'name');
    const kind = KIND_OPTIONS.find((option) => option.value === form.get('kind'))?.value ?? group.kind;
    const service = text(form, 'service');
    const memberNumberPrefix = text(form, 'memberNumberPrefix').toUpperCase();
    const local: Record<string, string> = {};
    if (!name) local.name = 'Give the group a name.';
    if (!memberNumberPrefix) local.memberNumberPrefix = 'Enter a short prefix, e.g. SRC.';
    // Only what changed, so a save never overwrites what another admin just changed elsewhere.
    const input: UpdateGroupInput = {};
    if (name !== group.name) input.name = name;
    if (kind !== group.kind) input.kind = kind;
    if (service !== (group.service ?? '')) input.service = service || null;
    if (memberNumberPrefix !== group.memberNumberPrefix) input.memberNumberPrefix = memberNumberPrefix;
    await save(Object.keys(input).length > 0 ? input : null, local, 'General settings saved.');
  }

  return (
    <Section id="settings-general" title="General">
      <form key={version} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="General settings">
        <FormError>{formError}</FormError>
        <SavedNote>{saved}</SavedNote>
        <TextField label="Group name" name="name" required autoComplete="off" defaultValue={group.name} error={errors.name} />
        <SelectField label="Kind" name="kind" options={KIND_OPTIONS} defaultValue={group.kind} error={errors.kind} />
        <TextField
          label="Service"
          name="service"
          autoComplete="off"
          defaultValue={group.service ?? ''}
          hint="What the group shares, e.g. a streaming plan; empty for none"
          error={errors.service}
        />
        <TextField
          label="Member-number prefix"
          name="memberNumberPrefix"
          required
          maxLength={8}
          autoCapitalize="characters"
          autoComplete="off"
          defaultValue={group.memberNumberPrefix}
          hint="For members added from now on; existing numbers stay"
          error={errors.memberNumberPrefix}
        />
        <p className="muted form__full">Currency: {group.currency} (it cannot be changed).</p>
        <SaveButton loading={loading} label="Save general settings" />
      </form>
    </Section>
  );
}

function billingValueOf(group: Group): BillingSettingsValue | null {
  return group.billingSettings ?? null;
}

function BillingForm({
  current,
  currency,
  onSave,
  loading,
  errors,
  formError,
  saved,
}: {
  current: BillingSettingsValue;
  currency: string;
  onSave: (form: FormData) => Promise<void>;
  loading: boolean;
  errors: Record<string, string>;
  formError: string | null;
  saved: string | null;
}) {
  // Drawn again (remounted) after each save and whenever the API's settings change, so these start from them.
  const [mode, setMode] = useState(current.mode);
  const [termRule, setTermRule] = useState(current.termRule);
  const money = moneyInputProps(currency);
  const error = (name: string) => errorFor(errors, name);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    await onSave(new FormData(event.currentTarget));
  }

  return (
    <form method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Billing settings">
      <FormError>{formError}</FormError>
      <SavedNote>{saved}</SavedNote>
      <SelectField
        label="Billing mode"
        name={BILLING_FIELDS.mode}
        options={BILLING_MODE_OPTIONS}
        value={mode}
        onChange={(event) => setMode(BILLING_MODE_OPTIONS.find((option) => option.value === event.target.value)?.value ?? mode)}
        hint={MODE_MEANING[mode]}
        error={error(BILLING_FIELDS.mode)}
      />
      <SelectField label="Billing cycle" name={BILLING_FIELDS.cycle} options={BILLING_CYCLE_OPTIONS} defaultValue={current.cycle} error={error(BILLING_FIELDS.cycle)} />
      <TextField
        label={`Price (${currency})`}
        name={BILLING_FIELDS.price}
        defaultValue={current.price?.amount ?? ''}
        {...money}
        hint={mode === 'VARIABLE_TOTAL' ? PRICE_MEANING[mode] : `${PRICE_MEANING[mode]} Empty: each period gives its own total.`}
        error={error(BILLING_FIELDS.price)}
      />
      <TextField
        label="Due day of the month"
        name={BILLING_FIELDS.dueDay}
        inputMode="numeric"
        autoComplete="off"
        defaultValue={current.dueDay?.toString() ?? ''}
        hint="1 to 28; empty: the 1st"
        error={error(BILLING_FIELDS.dueDay)}
      />
      <TextField
        label="Grace days"
        name={BILLING_FIELDS.graceDays}
        inputMode="numeric"
        autoComplete="off"
        defaultValue={String(current.graceDays)}
        hint="0 to 90 days after the due date before a due is overdue; empty: 7"
        error={error(BILLING_FIELDS.graceDays)}
      />
      <TextField
        label="Time zone"
        name={BILLING_FIELDS.timeZone}
        autoComplete="off"
        autoCapitalize="none"
        defaultValue={current.timeZone ?? ''}
        placeholder="UTC"
        hint="IANA name the group’s days are counted in, e.g. Asia/Kolkata; empty: UTC"
        error={error(BILLING_FIELDS.timeZone)}
      />
      <SelectField
        label="Membership terms"
        name={BILLING_FIELDS.termRule}
        options={TERM_RULE_OPTIONS}
        value={termRule}
        onChange={(event) => setTermRule(TERM_RULE_OPTIONS.find((option) => option.value === event.target.value)?.value ?? termRule)}
        hint={TERM_RULE_MEANING[termRule]}
        error={error(BILLING_FIELDS.termRule)}
      />
      <TextField
        label="Fixed annual date"
        name={BILLING_FIELDS.annualDueDate}
        autoComplete="off"
        placeholder="MM-DD"
        defaultValue={current.annualDueDate ?? ''}
        hint={termRule === 'FIXED_ANNUAL' ? 'MM-DD, e.g. 04-01: every annual term ends on it (required)' : 'MM-DD, e.g. 04-01, for annual dues; may be empty'}
        error={error(BILLING_FIELDS.annualDueDate)}
      />
      <TextField
        label="Renewal window (days)"
        name={BILLING_FIELDS.renewalWindowDays}
        inputMode="numeric"
        autoComplete="off"
        defaultValue={String(current.renewalWindowDays)}
        hint="0 to 180 days before the fixed date from which paying renews for the next year; empty: 30"
        error={error(BILLING_FIELDS.renewalWindowDays)}
      />
      <fieldset className="settings-fees form__full">
        <legend>Membership fees ({currency})</legend>
        <p className="field__hint">What each kind of membership term costs; leave one empty not to offer it.</p>
        <div className="form form--grid">
          {FEE_KINDS.map((kind) => (
            <TextField
              key={kind}
              label={FEE_LABELS[kind]}
              name={BILLING_FIELDS.fee(kind)}
              defaultValue={current.membershipFees[kind]?.amount ?? ''}
              {...moneyInputProps(currency, 'Not offered')}
              error={error(BILLING_FIELDS.fee(kind))}
            />
          ))}
        </div>
      </fieldset>
      <p className="muted form__full">{amountRule(currency)} Billing periods already open keep their dues.</p>
      <SaveButton loading={loading} label="Save billing settings" />
    </form>
  );
}

function BillingSection({ group }: { group: Group }) {
  const { save, loading, errors, formError, saved, version } = useSectionSave(group.id, BILLING_FIELD_NAMES);
  const current = billingValueOf(group);
  if (!current) return null;

  // Read over the settings as the API last answered them (this render's): updateGroup replaces
  // them as a whole, so every field is sent, the untouched ones as they were.
  const onSave = async (form: FormData) => {
    const { input, errors: local } = readBillingForm((name) => String(form.get(name) ?? ''), current, group.currency);
    const unchanged = JSON.stringify(input) === JSON.stringify(billingInputOf(current));
    await save(unchanged ? null : { billingSettings: input }, local, 'Billing settings saved.');
  };

  return (
    <Section id="settings-billing" title="Billing" intro="How members are billed: what each owes per period, when it falls due and what membership terms cost.">
      <BillingForm
        key={`${version}:${JSON.stringify(group.billingSettings)}`}
        current={current}
        currency={group.currency}
        onSave={onSave}
        loading={loading}
        errors={errors}
        formError={formError}
        saved={saved}
      />
    </Section>
  );
}

const PAYMENT_FIELDS = ['paymentSettings.upiId', 'paymentSettings.bankAccountNumber', 'paymentSettings.bankIfsc', 'paymentSettings.razorpayEnabled', 'paymentSettings.stripeEnabled'];

type ProviderInfo = { enabled: boolean; sandbox: boolean } | undefined;

/** What the server says about a provider: the sandbox, live, or switched on here but unusable. */
function ProviderState({ info, on }: { info: ProviderInfo; on: boolean }) {
  if (!info) return null;
  if (info.sandbox) {
    return (
      <span className="settings-provider">
        <span className="badge badge--warn">Sandbox</span> No keys on this server: the built-in sandbox stands in and no real money moves.
      </span>
    );
  }
  if (info.enabled) {
    return (
      <span className="settings-provider">
        <span className="badge badge--ok">Live</span> Real payments.
      </span>
    );
  }
  if (on) {
    return (
      <span className="settings-provider">
        <span className="badge badge--error">Unavailable</span> This server has no keys for it and its sandbox is off.
      </span>
    );
  }
  return null;
}

function PaymentsSection({ group }: { group: Group }) {
  const { save, loading, errors, formError, saved, version } = useSectionSave(group.id, PAYMENT_FIELDS, { refetchProviders: true });
  const providers = useQuery(PaymentProvidersQuery, { variables: { groupId: group.id }, fetchPolicy: 'cache-and-network' }).data?.paymentProviders;
  const settings = group.paymentSettings;
  if (!settings) return null;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (loading) return;
    const form = new FormData(event.currentTarget);
    const upiId = text(form, 'paymentSettings.upiId');
    const bankAccountNumber = text(form, 'paymentSettings.bankAccountNumber');
    const removeAccount = form.get('removeBankAccount') === 'on';
    const bankIfsc = text(form, 'paymentSettings.bankIfsc').toUpperCase();
    const razorpayEnabled = form.get('paymentSettings.razorpayEnabled') === 'on';
    const stripeEnabled = form.get('paymentSettings.stripeEnabled') === 'on';
    const local: Record<string, string> = {};
    if (removeAccount && bankAccountNumber) local['paymentSettings.bankAccountNumber'] = 'Either type a new account number or remove the saved one, not both.';
    // Only what changed. The account number is never sent back to the console: an empty field keeps the saved one.
    const input: PaymentSettingsInput = {};
    if (upiId !== (settings.upiId ?? '')) input.upiId = upiId || null;
    if (bankAccountNumber) input.bankAccountNumber = bankAccountNumber;
    else if (removeAccount) input.bankAccountNumber = null;
    if (bankIfsc !== (settings.bankIfsc ?? '')) input.bankIfsc = bankIfsc || null;
    if (razorpayEnabled !== settings.razorpayEnabled) input.razorpayEnabled = razorpayEnabled;
    if (stripeEnabled !== settings.stripeEnabled) input.stripeEnabled = stripeEnabled;
    await save(Object.keys(input).length > 0 ? { paymentSettings: input } : null, local, 'Payment settings saved.');
  };

  return (
    <Section id="settings-payments" title="Payments" intro="Where members and sponsors pay the group, and which online providers they may use.">
      <form key={`${version}:${JSON.stringify(settings)}`} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Payment settings">
        <FormError>{formError}</FormError>
        <SavedNote>{saved}</SavedNote>
        <TextField
          label="UPI id"
          name="paymentSettings.upiId"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          defaultValue={settings.upiId ?? ''}
          placeholder="name@bank"
          hint="For UPI links and QR codes; empty for none"
          error={errors['paymentSettings.upiId']}
        />
        <TextField
          label="Bank account number"
          name="paymentSettings.bankAccountNumber"
          autoComplete="off"
          spellCheck={false}
          placeholder={settings.bankAccountMasked ? `Keep ${settings.bankAccountMasked}` : 'None saved'}
          hint={settings.bankAccountMasked ? 'Leave empty to keep the saved one; type a new number to replace it' : 'Stored encrypted; only its last four digits are shown again'}
          error={errors['paymentSettings.bankAccountNumber']}
        />
        <TextField
          label="IFSC"
          name="paymentSettings.bankIfsc"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={11}
          defaultValue={settings.bankIfsc ?? ''}
          placeholder="HDFC0001234"
          hint="The bank branch’s code; empty for none"
          error={errors['paymentSettings.bankIfsc']}
        />
        <div className="form__full settings-account">
          <p>
            Saved account number: <strong data-testid="bank-account-masked">{settings.bankAccountMasked ?? 'none'}</strong>
          </p>
          {settings.bankAccountMasked ? (
            <label className="checkbox">
              <input type="checkbox" name="removeBankAccount" /> Remove the saved account number
            </label>
          ) : null}
        </div>
        <fieldset className="choices form__full">
          <legend>Online payments</legend>
          <div className="settings-provider-row">
            <label className="checkbox">
              <input type="checkbox" name="paymentSettings.razorpayEnabled" defaultChecked={settings.razorpayEnabled} /> Razorpay (UPI, cards, netbanking)
            </label>
            <ProviderState info={providers?.razorpay} on={settings.razorpayEnabled} />
          </div>
          <div className="settings-provider-row">
            <label className="checkbox">
              <input type="checkbox" name="paymentSettings.stripeEnabled" defaultChecked={settings.stripeEnabled} /> Stripe (cards)
            </label>
            <ProviderState info={providers?.stripe} on={settings.stripeEnabled} />
          </div>
          {errors['paymentSettings.razorpayEnabled'] || errors['paymentSettings.stripeEnabled'] ? (
            <p className="field__error">{errors['paymentSettings.razorpayEnabled'] ?? errors['paymentSettings.stripeEnabled']}</p>
          ) : null}
        </fieldset>
        <SaveButton loading={loading} label="Save payment settings" />
      </form>
    </Section>
  );
}

function ApprovalSection({ group }: { group: Group }) {
  const { save, loading, errors, formError, saved, version } = useSectionSave(group.id, ['approvalThreshold']);
  const current = group.approvalThreshold;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    const parsed = parseMoneyField(text(new FormData(event.currentTarget), 'approvalThreshold'), group.currency);
    if (!parsed.ok) {
      await save(null, { approvalThreshold: parsed.error }, '');
      return;
    }
    const unchanged = parsed.value === null ? current === null : current !== null && parsed.value.amount === current.amount;
    await save(unchanged ? null : { approvalThreshold: parsed.value }, {}, parsed.value ? 'Approval threshold saved.' : 'Approval threshold removed.');
  }

  return (
    <Section id="settings-approval" title="Approval threshold">
      <form key={`${version}:${current?.amount ?? ''}`} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Approval threshold">
        <FormError>{formError}</FormError>
        <SavedNote>{saved}</SavedNote>
        <TextField
          label={`Threshold (${group.currency})`}
          name="approvalThreshold"
          defaultValue={current?.amount ?? ''}
          {...moneyInputProps(group.currency)}
          hint="Money changes above this wait for a second person’s approval, whoever makes them; empty: no threshold"
          error={errorFor(errors, 'approvalThreshold')}
        />
        <SaveButton loading={loading} label="Save threshold" />
      </form>
    </Section>
  );
}

function DeactivateSection({ group }: { group: Group }) {
  const [deactivate, { loading }] = useMutation(DeactivateGroupMutation, { refetchQueries: [GroupsQuery] });
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const matches = typed.trim() === group.name.trim();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches || loading) return;
    setError(null);
    try {
      await deactivate({ variables: { id: group.id } });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <Section id="settings-deactivate" title="Deactivate group">
      <p className="muted">
        A deactivated group is kept for the record, read-only: nobody can add members, open periods, record money or change its settings
        any more. Groups are never deleted, and the console cannot reactivate one.
      </p>
      {open ? (
        <form method="post" className="form" onSubmit={onSubmit} noValidate aria-label="Deactivate group">
          <FormError>{error}</FormError>
          <TextField
            label="Type the group’s name to confirm"
            name="confirmation"
            autoComplete="off"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            hint={group.name}
          />
          <div className="form__actions">
            <button type="submit" className="button button--danger" disabled={!matches || loading}>
              {loading ? 'Deactivating…' : 'Deactivate this group'}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setOpen(false);
                setTyped('');
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="form__actions">
          <button type="button" className="button button--danger" onClick={() => setOpen(true)}>
            Deactivate group…
          </button>
        </div>
      )}
    </Section>
  );
}

/** Settings: the group's general, billing and payment settings, approval threshold and deactivation. Admins only. */
export function GroupSettingsPage({ groupId }: { groupId: string }) {
  const { data, error, refetch } = useQuery(GroupSettingsQuery, { variables: { id: groupId }, fetchPolicy: 'cache-and-network' });
  const group = data?.group;
  const base = `/groups/${encodeURIComponent(groupId)}`;

  let body: ReactNode;
  if (error && !group) body = <LoadError error={error} onRetry={() => void refetch()} />;
  else if (!group)
    body = (
      <p className="muted" role="status">
        Loading settings…
      </p>
    );
  else if (group.viewerRole !== 'ADMIN')
    body = (
      <div className="notice notice--error" role="alert">
        <p>Only the group’s admins can see and change its settings.</p>
        <p>
          <Link href={base}>Back to the group</Link>
        </p>
      </div>
    );
  else {
    const deactivated = group.status === 'DEACTIVATED';
    body = (
      <>
        <p className="muted">
          Each section saves on its own. Integrations have their own tabs: <Link href={`${base}/settings/webhooks`}>webhooks</Link> and{' '}
          <Link href={`${base}/api-keys`}>API keys</Link>.
        </p>
        {/* A deactivated group is read-only: its settings stay in view, every control disabled. */}
        <fieldset className="settings-lock" disabled={deactivated}>
          <GeneralSection group={group} />
          <BillingSection group={group} />
          <PaymentsSection group={group} />
          <ApprovalSection group={group} />
          {deactivated ? (
            <Section id="settings-deactivate" title="Deactivated">
              <p className="notice notice--warn" role="status">
                This group is deactivated: it is kept for the record, and its settings can no longer be changed.
              </p>
            </Section>
          ) : (
            <DeactivateSection group={group} />
          )}
        </fieldset>
      </>
    );
  }

  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {body}
    </section>
  );
}
