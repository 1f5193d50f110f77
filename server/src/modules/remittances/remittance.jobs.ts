import { refreshExchangeRates, RefreshResult } from './exchange-rate.service';
import { dispatchRemittance, reconcileOne, RemittanceDeps } from './remittance.service';
import { RemittanceStatus } from './remittance.entities';

/*
 * Job bodies for a scheduler (Agenda, a cron route, a loop): plain exported
 * functions, idempotent, safe on several instances at once — each remittance
 * is claimed with FOR UPDATE SKIP LOCKED, and the payout provider gets the
 * remittance id as its idempotency key. Deps: { em: orm.em, config, events, logger? }.
 */

export interface DispatchResult {
  dispatched: string[];
  /** Refused or unreachable at the provider; still APPROVED, tried again next run. */
  failed: string[];
}

/**
 * Hands every APPROVED remittance to the payout provider (at most `limit` per
 * run). One that the provider refuses is skipped for the rest of the run, so
 * it never blocks the others. Suggested: every minute.
 */
export async function dispatchApprovedRemittances(deps: RemittanceDeps, limit = 100): Promise<DispatchResult> {
  const result: DispatchResult = { dispatched: [], failed: [] };
  while (result.dispatched.length + result.failed.length < limit) {
    const outcome = await dispatchRemittance(deps, null, result.failed);
    if (!outcome) break;
    (outcome.error ? result.failed : result.dispatched).push(outcome.id);
  }
  return result;
}

export interface ReconcileResult {
  checked: number;
  completed: string[];
  failed: string[];
  stillProcessing: string[];
}

/**
 * Asks the provider about every PROCESSING remittance older than
 * `olderThanMinutes` and feeds each answer through the same status handler
 * as a callback: a lost callback costs minutes, never money. Suggested: every 5 minutes, olderThanMinutes 10.
 */
export async function reconcileProcessingRemittances(deps: RemittanceDeps, olderThanMinutes: number, limit = 500): Promise<ReconcileResult> {
  const cutOff = new Date(Date.now() - olderThanMinutes * 60_000);
  const result: ReconcileResult = { checked: 0, completed: [], failed: [], stillProcessing: [] };
  const seen: string[] = [];
  while (seen.length < limit) {
    const step = await reconcileOne(deps, cutOff, seen);
    if (!step) break;
    seen.push(step.id);
    result.checked += 1;
    if (step.status === RemittanceStatus.COMPLETED) result.completed.push(step.id);
    else if (step.status === RemittanceStatus.FAILED) result.failed.push(step.id);
    else result.stillProcessing.push(step.id);
  }
  return result;
}

/** Refreshes exchange rates from EXCHANGE_RATE_PROVIDER_URL, or re-seeds the offline ones. Suggested: hourly. */
export function refreshExchangeRatesJob(deps: RemittanceDeps): Promise<RefreshResult> {
  return refreshExchangeRates(deps);
}
