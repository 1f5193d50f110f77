import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../../config';
import { conflict, forbidden, notFound } from '../../shared/domain-error';
import { divideRoundHalfEven, isCurrencyCode } from '../../shared/money';
import type { Logger } from '../../shared/logger';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { requireSignedIn, requireUser } from '../auth/authorization';
import { OFFLINE_EUR_RATES, RemittanceConfig } from './remittance.config';
import { ExchangeRate } from './remittance.entities';

export const OFFLINE_SOURCE = 'OFFLINE_SEED';
const RATE_PATTERN = /^\d{1,16}(\.\d{1,12})?$/;

function checkCurrency(validator: FieldValidator, field: string, code: string): void {
  validator.check(field, isCurrencyCode(code), 'Use an ISO 4217 code such as EUR');
}

/** A positive decimal string with at most 12 decimals. */
export function isRate(rate: string): boolean {
  return RATE_PATTERN.test(rate) && /[1-9]/.test(rate);
}

/** a / b for decimal strings, rounded half-even to `places` decimals, trailing zeros dropped. */
export function divideDecimals(a: string, b: string, places = 8): string {
  const scale = (value: string): bigint => {
    const [whole, fraction = ''] = value.split('.');
    return BigInt(whole + fraction.padEnd(12, '0').slice(0, 12));
  };
  const result = divideRoundHalfEven(scale(a) * 10n ** BigInt(places), scale(b));
  const digits = result.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export function isStale(rate: ExchangeRate, config: RemittanceConfig, now = Date.now()): boolean {
  return now - rate.updatedAt.getTime() > config.rateMaxAgeMinutes * 60_000;
}

/** Same currency: exactly 1, always fresh. */
function identityRate(code: string): ExchangeRate {
  return Object.assign(new ExchangeRate(), { base: code, quote: code, rate: '1', source: 'IDENTITY', offline: false, updatedAt: new Date() });
}

export async function listExchangeRates(ctx: ServiceContext, base: string): Promise<ExchangeRate[]> {
  requireSignedIn(ctx);
  const validator = new FieldValidator();
  checkCurrency(validator, 'base', base);
  validator.throwIfInvalid();
  return ctx.em.find(ExchangeRate, { base }, { orderBy: { quote: 'asc' } });
}

export async function getExchangeRate(ctx: ServiceContext, base: string, quote: string): Promise<ExchangeRate> {
  requireSignedIn(ctx);
  const validator = new FieldValidator();
  checkCurrency(validator, 'base', base);
  checkCurrency(validator, 'quote', quote);
  validator.throwIfInvalid();
  if (base === quote) return identityRate(base);
  const rate = await ctx.em.findOne(ExchangeRate, { base, quote });
  if (!rate) throw notFound('Exchange rate');
  return rate;
}

/** The rate a quote may use: present and fresh, else CONFLICT (the console says "try later"). */
export async function rateForQuote(em: EntityManager, config: RemittanceConfig, base: string, quote: string): Promise<ExchangeRate> {
  if (base === quote) return identityRate(base);
  const rate = await em.findOne(ExchangeRate, { base, quote }, { refresh: true });
  if (!rate) throw conflict(`No exchange rate from ${base} to ${quote} yet`, 'RATE_UNAVAILABLE');
  if (isStale(rate, config)) {
    throw conflict(`The ${base}→${quote} rate is older than ${config.rateMaxAgeMinutes} minutes and cannot be quoted`, 'RATE_STALE');
  }
  return rate;
}

/** Platform operators only (EXCHANGE_RATE_ADMIN_EMAILS): rates are shared by every group. */
export async function setExchangeRate(ctx: ServiceContext, base: string, quote: string, rate: string): Promise<ExchangeRate> {
  const user = requireUser(ctx);
  if (!ctx.config.remittances.rateAdminEmails.includes(user.email.toLowerCase())) throw forbidden('Only a platform rate administrator can set exchange rates');
  const validator = new FieldValidator();
  checkCurrency(validator, 'base', base);
  checkCurrency(validator, 'quote', quote);
  validator.check('quote', base !== quote, 'Must differ from base');
  validator.check('rate', isRate(rate.trim()), 'A positive decimal such as 117.2034 (at most 12 decimals)');
  validator.throwIfInvalid();
  return ctx.em.transactional(async (em) => {
    const before = await em.findOne(ExchangeRate, { base, quote });
    await upsertRate(em, { base, quote, rate: rate.trim(), source: 'MANUAL', offline: false });
    const after = await em.findOneOrFail(ExchangeRate, { base, quote }, { refresh: true });
    recordActivity({ ...ctx, em }, {
      groupId: null,
      action: 'exchangeRate.set',
      entityType: 'ExchangeRate',
      entityId: null,
      before: before ? { base, quote, rate: before.rate, source: before.source } : null,
      after: { base, quote, rate: after.rate, source: after.source },
    });
    await em.flush();
    return after;
  });
}

interface RateRow {
  base: string;
  quote: string;
  rate: string;
  source: string;
  offline: boolean;
}

/** `onlyOffline`: never overwrite a rate someone set or a provider sent with a seeded one. */
async function upsertRate(em: EntityManager, row: RateRow, onlyOffline = false): Promise<number> {
  const result: unknown[] = await em.execute(
    `insert into "exchange_rates" ("base", "quote", "rate", "source", "offline", "updated_at") values (?, ?, ?, ?, ?, now())
     on conflict ("base", "quote") do update set "rate" = excluded."rate", "source" = excluded."source", "offline" = excluded."offline", "updated_at" = excluded."updated_at"
     ${onlyOffline ? 'where "exchange_rates"."offline"' : ''} returning "base"`,
    [row.base, row.quote, row.rate, row.source, row.offline],
  );
  return result.length;
}

function neededPairs(config: RemittanceConfig): [string, string][] {
  const pairs = new Map<string, [string, string]>();
  for (const c of config.corridors) if (c.sourceCurrency !== c.currency) pairs.set(`${c.sourceCurrency}:${c.currency}`, [c.sourceCurrency, c.currency]);
  return [...pairs.values()];
}

export interface RefreshDeps {
  em: EntityManager;
  config: CofferConfig;
  logger?: Logger;
}

export interface RefreshResult {
  source: string;
  updated: number;
  failed: string[];
}

/**
 * The rate refresh job's body: every pair a corridor needs, from
 * EXCHANGE_RATE_PROVIDER_URL (GET ?base=XXX → { rates: { YYY: "1.23" } })
 * when set, else the offline seed (which never replaces a manual or provider
 * rate). Upserts only, so running it twice or on two instances is harmless.
 */
export async function refreshExchangeRates(deps: RefreshDeps): Promise<RefreshResult> {
  const settings = deps.config.remittances;
  const em = deps.em.fork();
  const pairs = neededPairs(settings);
  if (!settings.rateProviderUrl) {
    let updated = 0;
    for (const [base, quote] of pairs) {
      if (!OFFLINE_EUR_RATES[base] || !OFFLINE_EUR_RATES[quote]) continue;
      updated += await upsertRate(em, { base, quote, rate: divideDecimals(OFFLINE_EUR_RATES[quote], OFFLINE_EUR_RATES[base]), source: OFFLINE_SOURCE, offline: true }, true);
    }
    return { source: OFFLINE_SOURCE, updated, failed: [] };
  }
  const providerUrl = settings.rateProviderUrl;
  const source = new URL(providerUrl).host;
  const bases = [...new Set(pairs.map(([base]) => base))];
  let updated = 0;
  const failed: string[] = [];
  for (const base of bases) {
    try {
      const url = new URL(providerUrl);
      url.searchParams.set('base', base);
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { rates?: Record<string, unknown> };
      for (const [pairBase, quote] of pairs.filter(([b]) => b === base)) {
        const value = body.rates?.[quote];
        const rate = typeof value === 'number' ? String(value) : value;
        if (typeof rate !== 'string' || !isRate(rate)) {
          failed.push(`${pairBase}/${quote}`);
          continue;
        }
        updated += await upsertRate(em, { base: pairBase, quote, rate, source, offline: false });
      }
    } catch (error) {
      failed.push(...pairs.filter(([b]) => b === base).map(([b, q]) => `${b}/${q}`));
      deps.logger?.warn('Exchange rate refresh failed', { base, error: (error as Error).message });
    }
  }
  return { source, updated, failed };
}
