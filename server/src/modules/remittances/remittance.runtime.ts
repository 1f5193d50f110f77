import { describeError } from '../../shared/logger';
import { refreshExchangeRates } from './exchange-rate.service';
import { payoutProviderFor, SandboxPayoutProvider } from './payout-provider';
import { registerRemittanceLogger, RemittanceDeps } from './remittance.service';

/**
 * At server start: the logger for payouts started after approvals, and one
 * rate refresh so a fresh (offline) install can quote at once. A failure is
 * logged, never fatal: quotes then say the rate is unavailable. Returns the
 * stop function for shutdown (drops pending sandbox callbacks).
 */
export async function startRemittances(deps: Required<RemittanceDeps>): Promise<() => void> {
  registerRemittanceLogger(deps.config, deps.logger);
  try {
    const result = await refreshExchangeRates(deps);
    deps.logger.info('Exchange rates refreshed', { source: result.source, updated: result.updated, failed: result.failed.length });
  } catch (error) {
    deps.logger.error('Exchange rate refresh at start failed', describeError(error));
  }
  return () => {
    const provider = payoutProviderFor(deps.config.remittances);
    if (provider instanceof SandboxPayoutProvider) provider.stop();
  };
}
