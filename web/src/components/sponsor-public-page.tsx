'use client';

import { useEffect, useState } from 'react';
import { useApiAccess } from '@/lib/apollo-provider';
import { formatMoney } from '@/lib/format';
import { useLocale } from '@/lib/locale';
import { startSponsorLinkCheckout } from '@/lib/sponsor-checkout';
import { StripeCardForm, StripeReturnNotice, type StripeCardPayment } from './stripe-card-form';
import { LocalDateTime } from './date-time';

/** GET /api/sponsor-links/:token's `data`. */
interface PublicSponsorLink {
  groupName: string;
  sponsorName: string | null;
  purpose: string;
  amount: { amount: string; amountMinor: string; currency: string };
  expiresAt: string;
  upiId: string | null;
  upiDeepLink: string | null;
  upiQrCode: string | null;
  bankDetails: { accountName: string | null; accountNumberMasked: string; ifsc: string | null; bankName: string | null } | null;
}

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; link: PublicSponsorLink }
  | { kind: 'gone'; reason: string }
  | { kind: 'failed'; status: number; message: string };

const GONE_TEXT: Record<string, { title: string; text: string }> = {
  SPONSOR_LINK_EXPIRED: { title: 'This link has expired', text: 'Please ask the group for a new link if you would still like to sponsor them.' },
  SPONSOR_LINK_PAID: { title: 'This link has been paid', text: 'Thank you! The group has received this sponsorship.' },
  SPONSOR_LINK_INACTIVE: { title: 'This link is no longer active', text: 'The group has closed it. Please ask them for a new link.' },
};

/*
 * The browser reads the API itself (not the console's server), so the API's per-address limit
 * counts each visitor, not the console as one client.
 */
async function load(apiOrigin: string, token: string): Promise<State> {
  try {
    const response = await fetch(`${apiOrigin}/api/sponsor-links/${encodeURIComponent(token)}`, { cache: 'no-store' });
    const body = (await response.json()) as { data?: PublicSponsorLink; error?: { code: string; message: string; details?: { reason?: string } } };
    if (response.ok && body.data) return { kind: 'ready', link: body.data };
    if (response.status === 410) return { kind: 'gone', reason: body.error?.details?.reason ?? 'SPONSOR_LINK_INACTIVE' };
    if (response.status === 404) return { kind: 'failed', status: 404, message: 'This sponsor link does not exist. Check that you copied the whole address.' };
    if (response.status === 429) return { kind: 'failed', status: 429, message: 'Too many requests. Please wait a minute and reload the page.' };
    return { kind: 'failed', status: response.status, message: body.error?.message ?? 'The page could not be loaded. Please try again.' };
  } catch {
    return { kind: 'failed', status: 0, message: 'Coffer is not reachable. Check your connection and reload the page.' };
  }
}

function PayOnline({ apiOrigin, token, label }: { apiOrigin: string; token: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [cardPayment, setCardPayment] = useState<StripeCardPayment | null>(null);

  async function pay() {
    setBusy(true);
    setMessage(null);
    const result = await startSponsorLinkCheckout(apiOrigin, token);
    setBusy(false);
    if (result.kind === 'redirect') window.location.assign(result.url);
    else if (result.kind === 'card') setCardPayment({ publishableKey: result.publishableKey, clientSecret: result.clientSecret });
    else if (result.kind === 'unavailable') setMessage(result.message);
  }

  if (cardPayment) {
    return (
      <StripeCardForm
        {...cardPayment}
        label={label}
        onCancel={() => setCardPayment(null)}
        onSubmitted={() => {
          setCardPayment(null);
          setMessage('Thank you: your payment was sent. The group sees it as soon as Stripe confirms it.');
        }}
      />
    );
  }

  return (
    <div>
      <button type="button" className="button" disabled={busy} onClick={() => void pay()}>
        {busy ? 'Starting…' : 'Pay online'}
      </button>
      {message ? (
        <p className="muted small" role="status">
          {message}
        </p>
      ) : null}
    </div>
  );
}

function SponsorLinkView({ link, apiOrigin, token }: { link: PublicSponsorLink; apiOrigin: string; token: string }) {
  const locale = useLocale();
  const amount = formatMoney(link.amount, locale);
  return (
    <article className="sponsor-page" aria-labelledby="sponsor-heading">
      <p className="muted">{link.groupName}</p>
      <h1 id="sponsor-heading">{link.sponsorName ? `Sponsorship from ${link.sponsorName}` : 'Sponsorship'}</h1>
      <p className="sponsor-page__amount" data-testid="sponsor-amount">
        {amount}
      </p>
      <p className="sponsor-page__purpose">{link.purpose}</p>
      <StripeReturnNotice />
      <p className="muted small">
        This link works until <LocalDateTime iso={link.expiresAt} />.
      </p>

      {link.upiDeepLink ? (
        <section className="panel sponsor-page__section" aria-labelledby="sponsor-upi">
          <h2 id="sponsor-upi">Pay with UPI</h2>
          <a className="button button--primary" href={link.upiDeepLink}>
            Pay {amount} with a UPI app
          </a>
          {link.upiQrCode ? (
            // A data URL of an SVG the API drew: next/image has nothing to optimise here.
            <img className="sponsor-page__qr" src={link.upiQrCode} width={220} height={220} alt={`UPI QR code to pay ${amount} to ${link.upiId ?? link.groupName}`} />
          ) : null}
          <p className="small">
            Or scan with any UPI app. UPI id: <strong>{link.upiId}</strong>
          </p>
        </section>
      ) : null}

      {link.bankDetails ? (
        <section className="panel sponsor-page__section" aria-labelledby="sponsor-bank">
          <h2 id="sponsor-bank">Bank transfer</h2>
          <dl className="sponsor-page__bank">
            {link.bankDetails.accountName ? (
              <>
                <dt>Account name</dt>
                <dd>{link.bankDetails.accountName}</dd>
              </>
            ) : null}
            <dt>Account number</dt>
            <dd data-testid="sponsor-account">{link.bankDetails.accountNumberMasked}</dd>
            {link.bankDetails.ifsc ? (
              <>
                <dt>IFSC</dt>
                <dd>{link.bankDetails.ifsc}</dd>
              </>
            ) : null}
            {link.bankDetails.bankName ? (
              <>
                <dt>Bank</dt>
                <dd>{link.bankDetails.bankName}</dd>
              </>
            ) : null}
          </dl>
          <p className="muted small">Only the last 4 digits are shown here; ask the group for the full number.</p>
        </section>
      ) : null}

      <section className="panel sponsor-page__section" aria-labelledby="sponsor-online">
        <h2 id="sponsor-online">Pay by card or netbanking</h2>
        <PayOnline apiOrigin={apiOrigin} token={token} label={`${link.purpose}: ${amount}`} />
      </section>
    </article>
  );
}

export function SponsorPublicPage({ token }: { token: string }) {
  const { apiOrigin } = useApiAccess();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    void load(apiOrigin, token).then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [apiOrigin, token]);

  if (state.kind === 'loading') {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (state.kind === 'ready') return <SponsorLinkView link={state.link} apiOrigin={apiOrigin} token={token} />;
  if (state.kind === 'gone') {
    const gone = GONE_TEXT[state.reason] ?? GONE_TEXT.SPONSOR_LINK_INACTIVE;
    return (
      <div className="sponsor-page">
        <h1>{gone.title}</h1>
        <p>{gone.text}</p>
      </div>
    );
  }
  return (
    <div className="sponsor-page" role="alert">
      <h1>{state.status === 404 ? 'Link not found' : 'Something went wrong'}</h1>
      <p>{state.message}</p>
    </div>
  );
}
