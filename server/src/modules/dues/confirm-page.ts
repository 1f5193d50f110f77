import { escapeHtml } from '../ledger/receipt';

/** The small pages a member sees after following an "I've paid" link; no scripts, readable on any phone. */
export function renderConfirmPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Coffer</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2933;line-height:1.5}h1{font-size:1.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

export const THANK_YOU_PAGE = renderConfirmPage(
  'Thank you',
  'We have told your group’s treasurer that you paid. They will confirm it once the money shows up; you do not need to do anything else.',
);
