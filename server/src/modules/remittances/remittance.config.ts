/**
 * Remittance settings read from the environment (see README): corridors,
 * rates, quotes, fees and the payout provider. Parsed once with the rest of
 * the configuration, so a typo in a corridor stops the server at start.
 */
export interface Corridor {
  /** The sending group's currency. */
  sourceCurrency: string;
  /** ISO 3166-1 alpha-2 of the recipient's country. */
  country: string;
  /** What the recipient receives. */
  currency: string;
  /** Both ends inside the European Economic Area: the faster ETA applies. */
  eea: boolean;
  /** Send-amount limits in the source currency, as decimal strings. */
  min: string;
  max: string;
}

export interface RemittanceConfig {
  corridors: Corridor[];
  /** Rates older than this cannot be quoted. */
  rateMaxAgeMinutes: number;
  /** GET {url}?base=XXX answers { rates: { QUOTE: "1.23" } }; empty = offline seeded rates. */
  rateProviderUrl: string | undefined;
  quoteTtlSeconds: number;
  /** Fee when a group has not set its own, in basis points (50 = 0.5 %). */
  defaultFeeBasisPoints: number;
  /** E-mails of the platform operators allowed to set exchange rates by hand. */
  rateAdminEmails: string[];
  /** Real payout API; empty = the offline sandbox. */
  payoutApiUrl: string | undefined;
  payoutApiKey: string | undefined;
  /** How long a payout API call may take; a submission not answered in time is in doubt, not refused. */
  payoutApiTimeoutMs: number;
  sandboxDelayMs: number;
  /** Every sandbox payout fails (for tests and demos of the failure path). */
  sandboxForceFailure: boolean;
  /** Whether the sandbox "calls back" when a payout settles; false imitates lost callbacks. */
  sandboxCallbacks: boolean;
}

const SOURCES: Record<string, { min: string; max: string }> = {
  INR: { min: '100.00', max: '1000000.00' },
  NOK: { min: '10.00', max: '100000.00' },
  EUR: { min: '1.00', max: '10000.00' },
  USD: { min: '1.00', max: '10000.00' },
};

const EEA_SOURCES = new Set(['EUR', 'NOK']);

const DESTINATIONS: { country: string; currency: string; eeaCountry: boolean }[] = [
  { country: 'RS', currency: 'RSD', eeaCountry: false },
  { country: 'BA', currency: 'BAM', eeaCountry: false },
  { country: 'PL', currency: 'PLN', eeaCountry: true },
  { country: 'PK', currency: 'PKR', eeaCountry: false },
  { country: 'TR', currency: 'TRY', eeaCountry: false },
  { country: 'DE', currency: 'EUR', eeaCountry: true },
  { country: 'IN', currency: 'INR', eeaCountry: false },
];

/** INR, NOK, EUR and USD to each destination; inside the EEA only when both ends are (EUR/NOK to PL/DE). */
export const DEFAULT_CORRIDORS: Corridor[] = Object.entries(SOURCES).flatMap(([sourceCurrency, limits]) =>
  DESTINATIONS.filter((d) => d.currency !== sourceCurrency).map((d) => ({
    sourceCurrency,
    country: d.country,
    currency: d.currency,
    eea: d.eeaCountry && EEA_SOURCES.has(sourceCurrency),
    ...limits,
  })),
);

const DECIMAL = /^\d+(\.\d+)?$/;

/** REMITTANCE_CORRIDORS: a JSON array of corridors; fields as in Corridor. */
export function parseCorridors(raw: string | undefined): Corridor[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_CORRIDORS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('REMITTANCE_CORRIDORS must be a JSON array of corridors');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('REMITTANCE_CORRIDORS must be a non-empty JSON array');
  return parsed.map((item: unknown, index) => {
    const c = item as Partial<Record<keyof Corridor, unknown>>;
    const ok =
      typeof c.sourceCurrency === 'string' && /^[A-Z]{3}$/.test(c.sourceCurrency) &&
      typeof c.country === 'string' && /^[A-Z]{2}$/.test(c.country) &&
      typeof c.currency === 'string' && /^[A-Z]{3}$/.test(c.currency) &&
      typeof c.min === 'string' && DECIMAL.test(c.min) &&
      typeof c.max === 'string' && DECIMAL.test(c.max) &&
      (c.eea === undefined || typeof c.eea === 'boolean');
    if (!ok) throw new Error(`REMITTANCE_CORRIDORS[${index}] needs sourceCurrency, country, currency, min, max (decimal strings) and optional eea`);
    return { sourceCurrency: c.sourceCurrency, country: c.country, currency: c.currency, min: c.min, max: c.max, eea: c.eea === true } as Corridor;
  });
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

const bool = (env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean => {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw === 'true' || raw === '1';
};

export function loadRemittanceConfig(env: NodeJS.ProcessEnv): RemittanceConfig {
  return {
    corridors: parseCorridors(env.REMITTANCE_CORRIDORS),
    rateMaxAgeMinutes: int(env, 'EXCHANGE_RATE_MAX_AGE_MINUTES', 1440),
    rateProviderUrl: env.EXCHANGE_RATE_PROVIDER_URL || undefined,
    quoteTtlSeconds: int(env, 'REMITTANCE_QUOTE_TTL_SECONDS', 600),
    defaultFeeBasisPoints: int(env, 'REMITTANCE_FEE_BASIS_POINTS', 50),
    rateAdminEmails: (env.EXCHANGE_RATE_ADMIN_EMAILS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    payoutApiUrl: env.PAYOUT_API_URL || undefined,
    payoutApiKey: env.PAYOUT_API_KEY || undefined,
    payoutApiTimeoutMs: int(env, 'PAYOUT_API_TIMEOUT_MS', 10_000),
    sandboxDelayMs: int(env, 'PAYOUT_SANDBOX_DELAY_MS', 2000),
    sandboxForceFailure: bool(env, 'PAYOUT_SANDBOX_FORCE_FAILURE', false),
    sandboxCallbacks: bool(env, 'PAYOUT_SANDBOX_CALLBACKS', true),
  };
}

/**
 * Offline reference rates (per 1 EUR), used when no rate provider is set and
 * marked as offline wherever they are shown. Not market data.
 */
export const OFFLINE_EUR_RATES: Record<string, string> = {
  EUR: '1',
  INR: '97.50',
  NOK: '11.70',
  USD: '1.16',
  RSD: '117.20',
  BAM: '1.95583',
  PLN: '4.25',
  PKR: '327.00',
  TRY: '48.90',
};
