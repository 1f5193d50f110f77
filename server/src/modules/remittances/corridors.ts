import { badInput } from '../../shared/domain-error';
import type { Corridor, RemittanceConfig } from './remittance.config';

export const ETA_EEA = '1–2 business days';
export const ETA_OUTSIDE_EEA = '2–4 business days';

export function corridorsFrom(config: RemittanceConfig, sourceCurrency?: string | null): Corridor[] {
  return sourceCurrency ? config.corridors.filter((c) => c.sourceCurrency === sourceCurrency) : config.corridors;
}

/** The corridor, or BAD_USER_INPUT naming the ones this group can use. */
export function assertCorridor(config: RemittanceConfig, sourceCurrency: string, country: string, currency: string): Corridor {
  const corridor = config.corridors.find((c) => c.sourceCurrency === sourceCurrency && c.country === country && c.currency === currency);
  if (corridor) return corridor;
  const supported = corridorsFrom(config, sourceCurrency).map((c) => `${c.country}/${c.currency}`);
  const list = supported.length > 0 ? supported.join(', ') : 'none';
  throw badInput(
    { country: `No corridor from ${sourceCurrency} to ${country}/${currency}. Supported from ${sourceCurrency}: ${list}` },
    `Unsupported corridor ${sourceCurrency} → ${country}/${currency}; supported from ${sourceCurrency}: ${list}`,
  );
}

export const etaFor = (corridor: Corridor): string => (corridor.eea ? ETA_EEA : ETA_OUTSIDE_EEA);
