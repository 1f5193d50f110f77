'use client';

import { useState } from 'react';
import { useApiAccess } from '@/lib/apollo-provider';

// The receipt is the API's own HTML; shown from a blob it loses the API's CSP header, so the
// same policy travels inside the document: no script of any kind runs in it.
const RECEIPT_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`;

function withPolicy(html: string): string {
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return `${RECEIPT_CSP}${html}`;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}${RECEIPT_CSP}${html.slice(at)}`;
}

async function refusal(response: Response): Promise<string> {
  if (response.status === 404) return 'No receipt is available for this transaction yet.';
  if (response.status === 401) return 'Your session has ended. Please sign in again.';
  if (response.status === 403) return 'You are not allowed to see this receipt.';
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? 'The receipt could not be opened. Please try again.';
}

/**
 * GET /api/receipts/:id wants the access token in the Authorization header (never in a URL),
 * so a plain link cannot open it: the console fetches the HTML and shows it in a new window.
 * The window opens during the click, before the fetch, so pop-up blockers let it through.
 */
export function ReceiptButton({ transactionId, receiptNumber }: { transactionId: string; receiptNumber: string }) {
  const { apiOrigin, accessToken } = useApiAccess();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function open() {
    setMessage(null);
    const target = window.open('', '_blank');
    if (target) {
      target.opener = null;
      target.document.title = `Receipt ${receiptNumber}`;
      target.document.body.textContent = 'Loading the receipt…';
    }
    setBusy(true);
    try {
      const response = await fetch(`${apiOrigin}/api/receipts/${encodeURIComponent(transactionId)}`, {
        headers: { authorization: `Bearer ${accessToken ?? ''}`, accept: 'text/html' },
        cache: 'no-store',
      });
      if (!response.ok) {
        target?.close();
        setMessage(await refusal(response));
        return;
      }
      const html = withPolicy(await response.text());
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      // Long enough to print or reload; the memory is tiny.
      setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
      if (target && !target.closed) target.location.replace(url);
      else window.location.assign(url);
    } catch {
      target?.close();
      setMessage('Coffer is not reachable. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="button button--small"
        disabled={busy}
        aria-label={`Receipt ${receiptNumber}`}
        onClick={() => void open()}
      >
        {busy ? 'Opening…' : 'Receipt'}
      </button>
      {message ? (
        <span className="cell-note" role="status">
          {message}
        </span>
      ) : null}
    </>
  );
}
