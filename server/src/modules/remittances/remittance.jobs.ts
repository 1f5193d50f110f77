import { refreshExchangeRates, RefreshResult } from './exchange-rate.service';
import { dispatchRemittance, DispatchResultKind, reconcileOne, RemittanceDeps } from './remittance.service';
import { RemittanceStatus } from './remittance.entities';

/*
 * Job bodies for a scheduler (Agenda, a cron route, a loop): plain exported
 * functions, idempotent, safe on several instances at once — each remittance
 * is claimed with FOR UPDATE SKIP LOCKED, and the payout provider gets the
 * remittance id as its idempotency key. Deps: { em: orm.em, config, events, logger? }.
 */

export interface DispatchResult {
  dispatched: string[];
  /** Refused or unreachable at the provider (it holds no payout); still APPROVED, tried again next run. */
  failed: string[];
  /** Sent, but the provider's answer was lost: PROCESSING with no payout id; reconciliation learns the outcome. */
  inDoubt: string[];
  /** Not sent: the recipient is no longer what was approved; FAILED, the reservation released. */
  recipientChanged: string[];
}

/**
 * Hands every APPROVED remittance to the payout provider (at most `limit` per
 * run). One that the provider refuses is skipped for the rest of the run, so
 * it never blocks the others. Suggested: every minute.
 */
export async function dispatchApprovedRemittances(deps: RemittanceDeps, limit = 100): Promise<DispatchResult> {
  const result: DispatchResult = { dispatched: [], failed: [], inDoubt: [], recipientChanged: [] };
  const lists: Record<DispatchResultKind, string[]> = { SENT: result.dispatched, NOT_TAKEN: result.failed, IN_DOUBT: result.inDoubt, RECIPIENT_CHANGED: result.recipientChanged };
  for (let tried = 0; tried < limit; tried += 1) {
    // Only NOT_TAKEN ones are still APPROVED afterwards: skipping them is enough to never claim one twice.
    const outcome = await dispatchRemittance(deps, null, result.failed);
    if (!outcome) break;
    lists[outcome.result].push(outcome.id);
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
 * as a callback: a lost callback costs minutes, never money. One whose
 * submission's answer was lost (no payout id yet) is asked about by its
 * idempotency key. Suggested: every 5 minutes, olderThanMinutes 10.
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
