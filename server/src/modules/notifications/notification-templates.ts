import type { CofferConfig } from '../../config';
import { decryptSecret } from '../../shared/crypto';
import { formatMoneyForDisplay } from '../../shared/money';
import { confirmLinkFor } from '../dues/confirm-link';
import { receiptDay } from '../ledger/receipt';
import { receiptLinkFor } from '../ledger/receipt-link';

/** What every channel needs from one task: a subject/title, plain text, the action link and the WhatsApp template call. */
export interface RenderedMessage {
  subject: string;
  text: string;
  /** The signed action link (pay, "I've paid", view receipt), when the message carries one. */
  link: string | null;
  whatsapp: { template: string; parameters: string[] };
}

/** A task that can never be sent as it is (unknown template, unreadable payload): failing it at once beats retrying. */
export class PermanentSendError extends Error {}

type Payload = Record<string, unknown>;

function text(payload: Payload, key: string, fallback = ''): string {
  const value = payload[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return fallback;
}

/** A calendar day from the payload ("2027-03-31") as people read it: "31 March 2027". */
function dayOf(payload: Payload, key: string): string {
  return receiptDay(text(payload, key));
}

/** "₹1,500.00" from amountMinor + currency (set-based enqueuers store the number), else a preformatted `amount`. */
function amountOf(payload: Payload): string {
  const minor = payload.amountMinor;
  const currency = payload.currency;
  if (typeof minor === 'string' && /^-?\d+$/.test(minor) && typeof currency === 'string') {
    try {
      return formatMoneyForDisplay({ amountMinor: BigInt(minor), currency });
    } catch {
      // an unknown currency code: fall back to the plain number
      return `${minor} ${currency}`;
    }
  }
  return text(payload, 'amount');
}

/**
 * The "I've paid" link of a due, signed when the message is rendered (so it
 * carries a fresh expiry however long the task waited), or one the enqueuer gave.
 */
function confirmLink(payload: Payload, config: CofferConfig): string | null {
  const dueId = payload.dueId;
  if (typeof dueId === 'string' && dueId) return confirmLinkFor(config, dueId);
  return firstLink(payload, 'confirmUrl');
}

/** A signed receipt link, made when the message is rendered (payloads keep ids, not links). */
function receiptLink(payload: Payload, config: CofferConfig): string | null {
  const transactionId = payload.transactionId;
  return typeof transactionId === 'string' && transactionId ? receiptLinkFor(config, transactionId) : null;
}

function firstLink(payload: Payload, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = payload[key];
    if (typeof value === 'string' && /^https?:\/\//.test(value)) return value;
  }
  return null;
}

function lines(...parts: (string | null | false)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.length > 0).join('\n\n');
}

type Renderer = (payload: Payload, config: CofferConfig) => Omit<RenderedMessage, 'whatsapp'> & { parameters: string[] };

/*
 * Plain-text templates keyed by the task's `template`. Each also names the
 * parameters of the WhatsApp template of the same key (coffer_<key>), which
 * must be approved in the WhatsApp Business account with these placeholders
 * in this order.
 */
const templates: Record<string, Renderer> = {
  'member.welcome': (payload, config) => {
    const encrypted = text(payload, 'temporaryPasswordEncrypted');
    let password: string;
    try {
      password = decryptSecret(encrypted, config.encryptionKey);
    } catch {
      throw new PermanentSendError('The temporary password cannot be decrypted with this ENCRYPTION_KEY');
    }
    const group = text(payload, 'groupName', 'your group');
    const link = firstLink(payload, 'signInUrl');
    return {
      subject: `Welcome to ${group}`,
      text: lines(`Hello ${text(payload, 'name')},`, `You have been added to ${group} on Coffer.`, `Your temporary password is: ${password}`, 'You will be asked to choose a new one when you sign in.', link && `Sign in: ${link}`),
      link,
      parameters: [text(payload, 'name'), group, password],
    };
  },
  'reminder.due': (payload, config) => {
    const pay = firstLink(payload, 'payUrl');
    const confirm = confirmLink(payload, config);
    const link = pay ?? confirm;
    const amount = amountOf(payload);
    return {
      subject: `Reminder: ${amount} due ${dayOf(payload, 'dueDate')} to ${text(payload, 'groupName')}`,
      text: lines(
        `Hello ${text(payload, 'name')},`,
        `Your share for ${text(payload, 'periodLabel')} (${amount}) is due on ${dayOf(payload, 'dueDate')}.`,
        pay && `Pay: ${pay}`,
        confirm && `Already paid? Tell us: ${confirm}`,
      ),
      link,
      parameters: [text(payload, 'name'), text(payload, 'periodLabel'), amount, dayOf(payload, 'dueDate'), link ?? ''],
    };
  },
  'reminder.membership-expiry': (payload) => {
    const link = firstLink(payload, 'renewUrl');
    return {
      subject: `Your membership of ${text(payload, 'groupName')} ends on ${dayOf(payload, 'expiresOn')}`,
      text: lines(`Hello ${text(payload, 'name')},`, `Your membership ends on ${dayOf(payload, 'expiresOn')}.`, link && `Renew: ${link}`),
      link,
      parameters: [text(payload, 'name'), text(payload, 'groupName'), dayOf(payload, 'expiresOn'), link ?? ''],
    };
  },
  'due.overdue': (payload, config) => {
    const link = firstLink(payload, 'payUrl') ?? confirmLink(payload, config);
    const amount = amountOf(payload);
    return {
      subject: `Overdue: ${amount} to ${text(payload, 'groupName')}`,
      text: lines(`Hello ${text(payload, 'name')},`, `Your share for ${text(payload, 'periodLabel')} (${amount}) was due on ${dayOf(payload, 'dueDate')} and is now overdue.`, link && `Pay or tell us you have paid: ${link}`),
      link,
      parameters: [text(payload, 'name'), text(payload, 'periodLabel'), amount, dayOf(payload, 'dueDate'), link ?? ''],
    };
  },
  'payment.received': (payload, config) => {
    const link = firstLink(payload, 'receiptUrl') ?? receiptLink(payload, config);
    return {
      subject: `Payment received: ${amountOf(payload)} — ${text(payload, 'groupName')}`,
      text: lines(`Hello ${text(payload, 'name')},`, `We received your payment of ${amountOf(payload)}. Thank you.`, link && `Receipt: ${link}`),
      link,
      parameters: [text(payload, 'name'), amountOf(payload), link ?? ''],
    };
  },
  'receipt.link': (payload, config) => {
    const link = firstLink(payload, 'receiptUrl') ?? receiptLink(payload, config);
    return {
      subject: `Receipt ${text(payload, 'receiptNumber')} — ${text(payload, 'groupName')}`,
      text: lines(`Hello ${text(payload, 'name')},`, `Your receipt ${text(payload, 'receiptNumber')} is ready.`, link && `View it: ${link}`),
      link,
      parameters: [text(payload, 'name'), text(payload, 'receiptNumber'), link ?? ''],
    };
  },
  'approval.requested': (payload) => {
    const link = firstLink(payload, 'approvalUrl');
    return {
      subject: `Approval requested in ${text(payload, 'groupName')}: ${text(payload, 'summary')}`,
      text: lines(`${text(payload, 'requestedBy', 'Someone')} asks for your approval: ${text(payload, 'summary')}.`, link && `Review: ${link}`),
      link,
      parameters: [text(payload, 'requestedBy', 'Someone'), text(payload, 'summary'), link ?? ''],
    };
  },
  'approval.decided': (payload) => {
    const link = firstLink(payload, 'approvalUrl');
    const decision = text(payload, 'decision').toLowerCase();
    return {
      subject: `Your request was ${decision}: ${text(payload, 'summary')}`,
      text: lines(`Your request "${text(payload, 'summary')}" in ${text(payload, 'groupName')} was ${decision}.`, text(payload, 'notes') && `Notes: ${text(payload, 'notes')}`, link && `Details: ${link}`),
      link,
      parameters: [text(payload, 'summary'), decision, link ?? ''],
    };
  },
  'due.member_confirmed': (payload, config) => {
    const groupId = text(payload, 'groupId');
    const link = groupId ? `${config.consolePublicUrl}/groups/${encodeURIComponent(groupId)}/approvals` : null;
    const amount = amountOf(payload);
    return {
      subject: `${text(payload, 'memberName', 'A member')} says they paid ${text(payload, 'period')}`,
      text: lines(
        `${text(payload, 'memberName', 'A member')} says they paid ${amount} for ${text(payload, 'period')}.`,
        'Confirm it once the money shows in your account, or mark it not received.',
        link && `Review: ${link}`,
      ),
      link,
      parameters: [text(payload, 'memberName', 'A member'), amount, text(payload, 'period'), link ?? ''],
    };
  },
  'payment.flagged': (payload) => {
    const reason = text(payload, 'reason', 'a mismatch').toLowerCase().replace(/_/g, ' ');
    return {
      subject: `A ${text(payload, 'provider', 'provider')} payment was not credited: ${reason}`,
      text: lines(
        `A payment from ${text(payload, 'provider', 'a provider')} (${text(payload, 'providerPaymentId')}) arrived but was not credited: ${reason}.`,
        text(payload, 'details') && `Details: ${text(payload, 'details')}`,
        'Review it under flagged payments and resolve it with a note.',
      ),
      link: null,
      parameters: [text(payload, 'provider'), text(payload, 'providerPaymentId'), reason],
    };
  },
  'admin.overdue-digest': (payload) => {
    const items = Array.isArray(payload.items) ? (payload.items as Payload[]) : [];
    const count = typeof payload.count === 'number' ? payload.count : items.length;
    const listed = items.map((item) => `- ${text(item, 'name')}: ${amountOf(item)} (${text(item, 'periodLabel')}, due ${dayOf(item, 'dueDate')})`).join('\n');
    return {
      subject: `${count} overdue in ${text(payload, 'groupName')}`,
      text: lines(`Overdue dues in ${text(payload, 'groupName')} on ${dayOf(payload, 'date')}:`, listed, count > items.length && `…and ${count - items.length} more.`),
      link: firstLink(payload, 'duesUrl'),
      parameters: [text(payload, 'groupName'), String(count)],
    };
  },
  'notify.manual': (payload) => ({
    subject: `${text(payload, 'groupName')}: ${text(payload, 'typeLabel', 'Message')}`,
    text: text(payload, 'message'),
    link: null,
    parameters: [text(payload, 'groupName'), text(payload, 'message')],
  }),
};

export const templateNames = Object.keys(templates);

export function renderNotification(template: string, payload: Payload, config: CofferConfig): RenderedMessage {
  const renderer = templates[template];
  if (!renderer) throw new PermanentSendError(`Unknown template ${template}`);
  const { parameters, ...message } = renderer(payload, config);
  return { ...message, whatsapp: { template: `coffer_${template.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`, parameters } };
}
