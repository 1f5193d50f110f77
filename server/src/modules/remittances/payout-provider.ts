import type { RemittanceConfig } from './remittance.config';

export type PayoutState = 'PROCESSING' | 'COMPLETED' | 'FAILED';

/** What a payout provider needs to pay a recipient. The only place the bank account leaves the database decrypted. */
export interface PayoutRequest {
  /** Also the idempotency key: submitting twice never pays twice. */
  remittanceId: string;
  amountMinor: bigint;
  currency: string;
  reference: string | null;
  recipient: { name: string; country: string; bankAccount: string; bankName: string | null; swiftCode: string | null };
}

export interface PayoutStatus {
  payoutId: string;
  state: PayoutState;
  failureReason: string | null;
}

/** Called by a provider that reports settlement by itself (the sandbox's stand-in for a webhook). */
export type PayoutCallback = (remittanceId: string, status: PayoutStatus) => Promise<void>;

/** Every payout provider: the offline sandbox, or a real payout API. */
export interface PayoutProvider {
  readonly name: string;
  submit(request: PayoutRequest, onSettled?: PayoutCallback): Promise<PayoutStatus>;
  status(payoutId: string): Promise<PayoutStatus>;
}

const SANDBOX_PREFIX = 'sbx';

/**
 * Offline provider. The payout id carries everything the sandbox knows
 * (remittance, submission time, outcome), so `status` answers the same on
 * every instance and after a restart, with no state to share.
 */
export class SandboxPayoutProvider implements PayoutProvider {
  readonly name = 'SANDBOX';
  /** Tests flip this to see the failure path; starts from PAYOUT_SANDBOX_FORCE_FAILURE. */
  forceFailure: boolean;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly settings: Pick<RemittanceConfig, 'sandboxDelayMs' | 'sandboxForceFailure' | 'sandboxCallbacks'>) {
    this.forceFailure = settings.sandboxForceFailure;
  }

  async submit(request: PayoutRequest, onSettled?: PayoutCallback): Promise<PayoutStatus> {
    const outcome = this.forceFailure ? 'F' : 'C';
    const payoutId = `${SANDBOX_PREFIX}_${request.remittanceId}_${Date.now()}_${outcome}`;
    if (onSettled && this.settings.sandboxCallbacks) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        // The outcome itself, not status(): a timer may fire a millisecond before the wall clock says the delay is over.
        void onSettled(request.remittanceId, this.outcomeOf(payoutId));
      }, this.settings.sandboxDelayMs);
      timer.unref();
      this.timers.add(timer);
    }
    return { payoutId, state: 'PROCESSING', failureReason: null };
  }

  async status(payoutId: string): Promise<PayoutStatus> {
    const submittedAt = Number(payoutId.split('_')[2]);
    if (Date.now() < submittedAt + this.settings.sandboxDelayMs) return { payoutId, state: 'PROCESSING', failureReason: null };
    return this.outcomeOf(payoutId);
  }

  private outcomeOf(payoutId: string): PayoutStatus {
    const [prefix, , submittedAt, outcome] = payoutId.split('_');
    if (prefix !== SANDBOX_PREFIX || !submittedAt || !outcome) throw new Error('Not a sandbox payout id');
    return outcome === 'F'
      ? { payoutId, state: 'FAILED', failureReason: 'Sandbox: the beneficiary bank rejected the payment (forced failure)' }
      : { payoutId, state: 'COMPLETED', failureReason: null };
  }

  /** Drops callbacks not yet fired (server shutdown). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

interface HttpPayoutAnswer {
  id?: unknown;
  status?: unknown;
  failureReason?: unknown;
}

const HTTP_STATES: Record<string, PayoutState> = { pending: 'PROCESSING', processing: 'PROCESSING', completed: 'COMPLETED', paid: 'COMPLETED', failed: 'FAILED', returned: 'FAILED' };

/**
 * A payout API over HTTP: POST {url}/payouts with an Idempotency-Key (the
 * remittance id) and GET {url}/payouts/{id}, bearer-authenticated. Settlement
 * arrives by reconciliation (the job asks), so a lost webhook costs minutes,
 * never money.
 */
export class HttpPayoutProvider implements PayoutProvider {
  readonly name = 'HTTP';

  constructor(private readonly baseUrl: string, private readonly apiKey: string | undefined, private readonly timeoutMs = 10_000) {}

  private async call(path: string, init: RequestInit): Promise<PayoutStatus> {
    const response = await fetch(new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`), {
      ...init,
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...init.headers },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // The body may echo the request: never put it (or the account in it) into an error message or log.
    if (!response.ok) throw new Error(`Payout API answered HTTP ${response.status} on ${init.method ?? 'GET'} ${path.split('/')[0]}`);
    const body = (await response.json()) as HttpPayoutAnswer;
    const state = typeof body.status === 'string' ? HTTP_STATES[body.status.toLowerCase()] : undefined;
    if (typeof body.id !== 'string' || !state) throw new Error('Payout API answered without an id and a known status');
    return { payoutId: body.id, state, failureReason: state === 'FAILED' ? String(body.failureReason ?? 'Failed at the payout provider').slice(0, 500) : null };
  }

  submit(request: PayoutRequest): Promise<PayoutStatus> {
    return this.call('payouts', {
      method: 'POST',
      headers: { 'idempotency-key': request.remittanceId },
      body: JSON.stringify({
        amountMinor: request.amountMinor.toString(),
        currency: request.currency,
        reference: request.reference,
        beneficiary: request.recipient,
      }),
    });
  }

  status(payoutId: string): Promise<PayoutStatus> {
    return this.call(`payouts/${encodeURIComponent(payoutId)}`, { method: 'GET' });
  }
}

const providers = new WeakMap<RemittanceConfig, PayoutProvider>();

/** One provider per server configuration: the HTTP adapter when PAYOUT_API_URL is set, else the sandbox. */
export function payoutProviderFor(config: RemittanceConfig): PayoutProvider {
  let provider = providers.get(config);
  if (!provider) {
    provider = config.payoutApiUrl ? new HttpPayoutProvider(config.payoutApiUrl, config.payoutApiKey) : new SandboxPayoutProvider(config);
    providers.set(config, provider);
  }
  return provider;
}
