import { createTransport, Transporter } from 'nodemailer';
import type { NotificationSettings } from '../../config';
import { PermanentSendError, RenderedMessage } from './notification-templates';

/*
 * The channels that leave the building: SMTP through nodemailer and the
 * WhatsApp Cloud API over HTTP. Both are given a deadline well inside the
 * task's lease, so a hung server fails the attempt instead of letting the
 * lease run out while we still hold the task.
 */

export interface OutgoingMessage {
  taskId: string;
  recipient: string;
  rendered: RenderedMessage;
}

function sendTimeoutMs(settings: NotificationSettings): number {
  return Math.max(1000, Math.min(30_000, (settings.leaseSeconds * 1000) / 3));
}

const transports = new Map<string, Transporter>();

function smtpTransport(settings: NotificationSettings): Transporter {
  const url = settings.smtpUrl as string;
  let transport = transports.get(url);
  if (!transport) {
    const timeout = sendTimeoutMs(settings);
    transport = createTransport({ url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
    transports.set(url, transport);
  }
  return transport;
}

/** Closes cached SMTP transports (on shutdown). */
export function closeTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}

export async function sendEmail(settings: NotificationSettings, message: OutgoingMessage): Promise<void> {
  const { rendered } = message;
  await smtpTransport(settings).sendMail({
    from: settings.smtpFrom,
    to: message.recipient,
    subject: rendered.subject,
    text: rendered.text,
    // The task id as Message-ID: if a crash makes us send a task twice, receivers can tell it is the same message.
    messageId: `<${message.taskId}@coffer.notifications>`,
  });
}

export const whatsappConfigured = (settings: NotificationSettings): boolean => Boolean(settings.whatsappPhoneNumberId && settings.whatsappAccessToken);

/** One template message through the WhatsApp Cloud API (POST /{phone-number-id}/messages). */
export async function sendWhatsApp(settings: NotificationSettings, message: OutgoingMessage): Promise<void> {
  const to = message.recipient.replace(/[^\d]/g, '');
  if (to.length < 7) throw new PermanentSendError('Not a phone number');
  const { template, parameters } = message.rendered.whatsapp;
  const response = await fetch(`${settings.whatsappApiUrl}/${encodeURIComponent(settings.whatsappPhoneNumberId as string)}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${settings.whatsappAccessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: {
        name: template,
        language: { code: settings.whatsappLanguage },
        components: [{ type: 'body', parameters: parameters.map((value) => ({ type: 'text', text: value || '-' })) }],
      },
    }),
    signal: AbortSignal.timeout(sendTimeoutMs(settings)),
  });
  if (response.ok) return;
  const body = (await response.text()).slice(0, 300);
  const error = `WhatsApp API answered ${response.status}: ${body}`;
  // 4xx other than rate limiting will not get better by retrying (bad number, unapproved template).
  if (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 408) throw new PermanentSendError(error);
  throw new Error(error);
}
