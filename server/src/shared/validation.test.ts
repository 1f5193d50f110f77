import { isEmail, isIsoDate, isIsoTimestamp } from './validation';

describe('validation', () => {
  it('takes calendar days that exist and PostgreSQL can hold', () => {
    expect(['2026-12-01', '2028-02-29', '0001-01-01', '9999-12-31'].filter(isIsoDate)).toHaveLength(4);
    expect(['2026-02-29', '2026-13-01', '2026-00-10', '0000-01-01', '2026-1-01', '2026-01-01T00:00:00Z', ''].filter(isIsoDate)).toEqual([]);
  });

  it('takes instants written to the millisecond or the microsecond, as asked', () => {
    expect(isIsoTimestamp('2026-05-01T23:59:59.999Z', 3)).toBe(true);
    expect(isIsoTimestamp('2026-05-01T23:59:59.999999Z', 6)).toBe(true);
    expect(isIsoTimestamp('2026-05-01T23:59:59.999999Z', 3)).toBe(false);
    expect(isIsoTimestamp('2026-05-01T23:59:59.999Z', 6)).toBe(false);
    for (const bad of ['2026-02-30T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:60:00.000Z', '2026-01-01T00:00:60.000Z', '2026-01-01T00:00:00.000+01:00', '+010000-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
      expect({ bad, ok: isIsoTimestamp(bad, 3) }).toEqual({ bad, ok: false });
    }
  });

  it('takes e-mail addresses within RFC 5321: 64 characters before the @, 254 in all', () => {
    const domain = (length: number) => `${'d'.repeat(length - 4)}.com`;
    expect(isEmail(`${'a'.repeat(64)}@example.com`)).toBe(true);
    expect(isEmail(`${'a'.repeat(65)}@example.com`)).toBe(false);
    expect(isEmail(`${'a'.repeat(64)}@${domain(189)}`)).toBe(true);
    expect(`${'a'.repeat(64)}@${domain(189)}`).toHaveLength(254);
    expect(isEmail(`${'a'.repeat(64)}@${domain(190)}`)).toBe(false);
    expect(isEmail('no-at-sign.example.com')).toBe(false);
    expect(isEmail('@example.com')).toBe(false);
  });
});
