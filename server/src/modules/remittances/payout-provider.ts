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

/**
 * A submission that did not give us a payout. `NOT_TAKEN`: the provider
 * certainly holds no payout from it (it answered with a refusal, or the
 * request never reached it), so the remittance can wait for another try or
 * be cancelled. `UNKNOWN`: the request may have reached the provider and been
 * acted on (a timeout, a dropped connection, a 5xx, an answer we cannot
 * read); only the provider can say, so the remittance is treated as sent
 * until it does (see reconcileOne).
 */
export class PayoutSubmitError extends Error {
  constructor(
    message: string,
    readonly outcome: 'NOT_TAKEN' | 'UNKNOWN',
  ) {
    super(message);
    this.name = 'PayoutSubmitError';
  }
}

/** Whether a submission that threw may have created a payout: anything but a PayoutSubmitError NOT_TAKEN may have. */
export const mayHaveBeenTaken = (error: unknown): boolean => !(error instanceof PayoutSubmitError && error.outcome === 'NOT_TAKEN');

/** Called by a provider that reports settlement by itself (the sandbox's stand-in for a webhook). */
export type PayoutCallback = (remittanceId: string, status: PayoutStatus) => Promise<void>;

/** Every payout provider: the offline sandbox, or a real payout API. */
export interface PayoutProvider {
  readonly name: string;
  /**
   * Submitting the same remittance id again returns the payout the first
   * submission created (its idempotency key), never a second one: that is how
   * the outcome of a submission whose answer was lost is learnt. Throws
   * PayoutSubmitError (or anything else, which counts as UNKNOWN).
   */
  submit(request: PayoutRequest, onSettled?: PayoutCallback): Promise<PayoutStatus>;
  status(payoutId: string): Promise<PayoutStatus>;
}

const SANDBOX_PREFIX = 'sbx';

/** How many idempotency keys the sandbox remembers (oldest forgotten first). */
const SANDBOX_KEYS_KEPT = 10_000;

/**
 * Offline provider. The payout id carries everything the sandbox knows
 * (remittance, submission time, outcome), so `status` answers the same on
 * every instance and after a restart, with no state to share. Like a real
 * provider it honours the idempotency key: a second submission of the same
 * remittance returns the payout of the first (remembered in memory, so on the
 * instance that made it), with no second callback.
 */
export class SandboxPayoutProvider implements PayoutProvider {
  readonly name = 'SANDBOX';
  /** Tests flip this to see the failure path; starts from PAYOUT_SANDBOX_FORCE_FAILURE. */
  forceFailure: boolean;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Remittance id (the idempotency key) → the payout its first submission created. */
  private readonly payoutByKey = new Map<string, string>();

  constructor(private readonly settings: Pick<RemittanceConfig, 'sandboxDelayMs' | 'sandboxForceFailure' | 'sandboxCallbacks'>) {
    this.forceFailure = settings.sandboxForceFailure;
  }

  async submit(request: PayoutRequest, onSettled?: PayoutCallback): Promise<PayoutStatus> {
    const known = this.payoutByKey.get(request.remittanceId);
    if (known) return this.status(known);
    const outcome = this.forceFailure ? 'F' : 'C';
    const payoutId = `${SANDBOX_PREFIX}_${request.remittanceId}_${Date.now()}_${outcome}`;
    this.payoutByKey.set(request.remittanceId, payoutId);
    if (this.payoutByKey.size > SANDBOX_KEYS_KEPT) this.payoutByKey.delete(this.payoutByKey.keys().next().value!);
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
 * 4xx answers that say nothing about whether the payout was made: the
 * request timed out at the provider (408), collided with another one under
 * the same idempotency key, perhaps still running (409), or came too early
 * (425). Every other 4xx is the provider refusing the request it read.
 */
const HTTP_UNDECIDED = new Set([408, 409, 425]);

/** Connection failures that happen before a byte of the request is sent: the provider never saw it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const codeOf = (e: unknown): unknown => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined);
  // Several addresses tried (IPv4 and IPv6): never sent only if every attempt failed to connect.
  if (cause instanceof AggregateError) return cause.errors.length > 0 && cause.errors.every((e) => NOT_SENT_CODES.has(codeOf(e) as string));
  return NOT_SENT_CODES.has(codeOf(cause) as string);
}

/**
 * A payout API over HTTP: POST {url}/payouts with an Idempotency-Key (the
 * remittance id) and GET {url}/payouts/{id}, bearer-authenticated. Settlement
 * arrives by reconciliation (the job asks), so a lost webhook costs minutes,
 * never money. The API has no lookup by idempotency key: a POST whose answer
 * was lost is asked about by POSTing it again with the same key, which a
 * payout API answers with the payout the first one made.
 */
export class HttpPayoutProvider implements PayoutProvider {
  readonly name = 'HTTP';

  constructor(private readonly baseUrl: string, private readonly apiKey: string | undefined, private readonly timeoutMs = 10_000) {}

  private async call(path: string, init: RequestInit): Promise<PayoutStatus> {
    const what = `${init.method ?? 'GET'} ${path.split('/')[0]}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`), {
        ...init,
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...init.headers },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // A timeout or a connection lost mid-way: the provider may have the request and act on it.
      const name = (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'the connection failed';
      throw new PayoutSubmitError(`Payout API: ${name} on ${what}`, neverSent(error) ? 'NOT_TAKEN' : 'UNKNOWN');
    }
    // The body may echo the request: never put it (or the account in it) into an error message or log.
    if (!response.ok) {
      const refused = response.status >= 400 && response.status < 500 && !HTTP_UNDECIDED.has(response.status);
      throw new PayoutSubmitError(`Payout API answered HTTP ${response.status} on ${what}`, refused ? 'NOT_TAKEN' : 'UNKNOWN');
    }
    // A 2xx took the request, whatever its body says: one we cannot read leaves the outcome unknown, never refused.
    const body = (await response.json().catch(() => ({}))) as HttpPayoutAnswer;
    const state = typeof body.status === 'string' ? HTTP_STATES[body.status.toLowerCase()] : undefined;
    if (typeof body.id !== 'string' || !state) throw new PayoutSubmitError(`Payout API answered ${what} without an id and a known status`, 'UNKNOWN');
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
    provider = config.payoutApiUrl ? new HttpPayoutProvider(config.payoutApiUrl, config.payoutApiKey, config.payoutApiTimeoutMs) : new SandboxPayoutProvider(config);
    providers.set(config, provider);
  }
  return provider;
}
