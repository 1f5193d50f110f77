'use client';

import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  DeleteMyAccountMutation,
  ExportMyDataMutation,
  MyAccountQuery,
  SetConsentMutation,
  UpdateMyProfileMutation,
} from '@/graphql/account';
import type { ConsentType, MyAccountQuery as MyAccountData, UpdateProfileInput } from '@/gql/graphql';
import { signOut } from '@/lib/auth-client';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { unplacedErrors } from '@/lib/roles';
import { LocalDateTime } from './date-time';
import { FormError, SelectField, TextField } from './field';
import { LoadError } from './load-error';

type Profile = NonNullable<MyAccountData['me']['profile']>;
type Options = MyAccountData['profileOptions'];

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  hi: 'हिन्दी (Hindi)',
  bn: 'বাংলা (Bengali)',
  gu: 'ગુજરાતી (Gujarati)',
  kn: 'ಕನ್ನಡ (Kannada)',
  ml: 'മലയാളം (Malayalam)',
  mr: 'मराठी (Marathi)',
  ta: 'தமிழ் (Tamil)',
  te: 'తెలుగు (Telugu)',
};

const CHANNEL_NAMES: Record<string, string> = { EMAIL: 'E-mail', WHATSAPP: 'WhatsApp' };

const CONSENTS: ReadonlyArray<{ type: ConsentType; label: string; hint: string }> = [
  { type: 'TERMS', label: 'I accept the terms of use', hint: 'Needed to use Coffer.' },
  { type: 'PRIVACY', label: 'I have read the privacy notice', hint: 'How your group and Coffer use your data.' },
  { type: 'MARKETING', label: 'Send me news and offers', hint: 'Optional. Reminders about your dues are sent either way.' },
];

const PROFILE_FIELDS = ['name', 'phone', 'language', 'displayCurrency', 'notificationPreferences'] as const;

function ProfileForm({ profile, options }: { profile: Profile; options: Options }) {
  const [update, { loading }] = useMutation(UpdateMyProfileMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const router = useRouter();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input: UpdateProfileInput = {
      name: String(form.get('name') ?? '').trim(),
      phone: String(form.get('phone') ?? '').trim(),
      language: String(form.get('language') ?? ''),
      displayCurrency: String(form.get('displayCurrency') ?? ''),
      notificationPreferences: options.channels.map((channel) => ({ channel, enabled: form.get(`channel-${channel}`) === 'on' })),
    };
    setErrors({});
    setFormError(null);
    setSaved(false);
    if (!input.name) {
      setErrors({ name: 'Enter your name.' });
      return;
    }
    try {
      const result = await update({ variables: { input } });
      setSaved(true);
      // Amounts and dates follow the profile's language: the layout picks the locale on the server.
      if (result.data?.updateMyProfile.language !== profile.language) router.refresh();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 ? errorMessage(error) : unplacedErrors(fields, PROFILE_FIELDS));
    }
  }

  return (
    <form method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Profile">
      <FormError>{formError}</FormError>
      {saved ? (
        <p className="notice notice--ok form__full" role="status">
          Your profile was saved.
        </p>
      ) : null}
      <TextField label="Name" name="name" autoComplete="name" defaultValue={profile.name} required error={errors.name} />
      <TextField label="E-mail" name="email" type="email" value={profile.email} readOnly hint="Your sign-in; ask a group admin to change it." />
      <TextField
        label="Phone"
        name="phone"
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        defaultValue={profile.phone ?? ''}
        hint="For WhatsApp messages, with the country code."
        error={errors.phone}
      />
      <SelectField
        label="Language"
        name="language"
        defaultValue={profile.language}
        error={errors.language}
        options={options.languages.map((code) => ({ value: code, label: LANGUAGE_NAMES[code] ?? code }))}
      />
      <SelectField
        label="Display currency"
        name="displayCurrency"
        defaultValue={profile.displayCurrency ?? ''}
        error={errors.displayCurrency}
        options={[{ value: '', label: "Each group's own currency" }, ...options.displayCurrencies.map((code) => ({ value: code, label: code }))]}
      />
      <fieldset className="choices form__full">
        <legend>Send me reminders and notices by</legend>
        {profile.notificationPreferences.map((preference) => (
          <label key={preference.channel} className="check">
            <input type="checkbox" name={`channel-${preference.channel}`} defaultChecked={preference.enabled} />
            {CHANNEL_NAMES[preference.channel] ?? preference.channel}
          </label>
        ))}
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={loading}>
          {loading ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  );
}

function ConsentsSection({ consents }: { consents: MyAccountData['consents'] }) {
  const [setConsent, { loading }] = useMutation(SetConsentMutation, { refetchQueries: [MyAccountQuery] });
  const [error, setError] = useState<string | null>(null);
  // The box follows the click at once; a refused change puts it back.
  const [chosen, setChosen] = useState<Partial<Record<ConsentType, boolean>>>({});
  const byType = new Map(consents.map((consent) => [consent.type, consent]));

  async function onToggle(type: ConsentType, granted: boolean) {
    setError(null);
    setChosen((previous) => ({ ...previous, [type]: granted }));
    try {
      await setConsent({ variables: { type, granted } });
    } catch (caught) {
      setChosen((previous) => ({ ...previous, [type]: undefined }));
      setError(errorMessage(caught));
    }
  }

  return (
    <fieldset className="choices" aria-busy={loading}>
      <legend className="visually-hidden">Consents</legend>
      <FormError>{error}</FormError>
      {CONSENTS.map(({ type, label, hint }) => {
        const current = byType.get(type);
        return (
          <div key={type} className="choice">
            <label className="check">
              <input type="checkbox" checked={chosen[type] ?? current?.granted ?? false} disabled={loading} onChange={(event) => void onToggle(type, event.target.checked)} />
              {label}
            </label>
            <p className="field__hint">
              {hint}{' '}
              {current ? (
                <>
                  {current.granted ? 'Given' : 'Withdrawn'} <LocalDateTime iso={current.createdAt} />.
                </>
              ) : null}
            </p>
          </div>
        );
      })}
    </fieldset>
  );
}

/** Saves a text as a file through a temporary object URL (no server round trip for the download itself). */
function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportSection() {
  const [exportData, { loading }] = useMutation(ExportMyDataMutation);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onExport() {
    setError(null);
    setMessage(null);
    try {
      const result = await exportData();
      const data = result.data?.exportMyData;
      if (!data) throw new Error('No export returned');
      downloadText(`coffer-my-data-${data.createdAt.slice(0, 10)}.json`, data.json, 'application/json');
      setMessage('Your data was downloaded as a JSON file.');
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <div className="form">
      <p className="muted">
        One JSON file with your profile, memberships, dues, payments, messages, consents and the activity about you.
      </p>
      <FormError>{error}</FormError>
      {message ? (
        <p className="notice notice--ok" role="status">
          {message}
        </p>
      ) : null}
      <div className="form__actions">
        <button type="button" className="button" disabled={loading} onClick={() => void onExport()}>
          {loading ? 'Preparing…' : 'Download my data'}
        </button>
      </div>
    </div>
  );
}

function DeleteSection({ email }: { email: string }) {
  const [deleteAccount, { loading }] = useMutation(DeleteMyAccountMutation);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const matches = typed.trim().toLowerCase() === email.toLowerCase();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches) return;
    setError(null);
    try {
      await deleteAccount({ variables: { confirmation: typed.trim() } });
    } catch (caught) {
      // For LAST_ADMIN the API's sentence names the groups and says what to do first.
      setError(fieldErrors(caught).confirmation ?? errorMessage(caught));
      return;
    }
    await signOut('/signin');
  }

  return (
    <form method="post" className="form" onSubmit={onSubmit} noValidate aria-label="Delete account">
      <p className="muted">
        Deleting your account signs you out everywhere, revokes the API keys you created and replaces your name, e-mail and
        phone with “Former member” in your groups. Payments and receipts stay in your groups’ books for as long as the law
        requires. You cannot undo this. If you are the only admin of a group, make someone else an admin first.
      </p>
      <FormError>{error}</FormError>
      <TextField
        label="Type your e-mail address to confirm"
        name="confirmation"
        type="email"
        autoComplete="off"
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
      />
      <div className="form__actions">
        <button type="submit" className="button button--danger" disabled={!matches || loading}>
          {loading ? 'Deleting…' : 'Delete my account'}
        </button>
      </div>
    </form>
  );
}

export function AccountPage() {
  const { data, error, refetch } = useQuery(MyAccountQuery, { fetchPolicy: 'cache-and-network' });
  const profile = data?.me.profile;
  if (error && !data) return <LoadError error={error} onRetry={() => void refetch()} />;
  if (!data || !profile) {
    return (
      <p className="muted" role="status">
        Loading your account…
      </p>
    );
  }
  return (
    <>
      <h1>My account</h1>
      <section aria-labelledby="profile-heading">
        <div className="section-title">
          <h2 id="profile-heading">Profile</h2>
        </div>
        <ProfileForm profile={profile} options={data.profileOptions} />
      </section>
      <section aria-labelledby="consents-heading">
        <div className="section-title">
          <h2 id="consents-heading">Consents</h2>
        </div>
        <ConsentsSection consents={data.consents} />
      </section>
      <section aria-labelledby="export-heading">
        <div className="section-title">
          <h2 id="export-heading">Your data</h2>
        </div>
        <ExportSection />
      </section>
      <section aria-labelledby="delete-heading">
        <div className="section-title">
          <h2 id="delete-heading">Delete account</h2>
        </div>
        <DeleteSection email={profile.email} />
      </section>
    </>
  );
}
