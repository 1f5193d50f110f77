/**
 * Which locale amounts and dates are formatted in. Pure (no Next.js), so it can be unit tested.
 *
 * The person's profile language wins: it is their explicit choice and also what their e-mails
 * use. The browser's Accept-Language adds what the profile does not hold, the region: a profile
 * in English read in a browser set to en-IN groups lakhs and crores (₹1,23,45,678.90), one set to
 * en-GB writes 21 Nov 2026. Signed out, the browser's languages decide; failing all, English.
 */

function acceptedTags(acceptLanguage: string): string[] {
  const tags: string[] = [];
  for (const part of acceptLanguage.split(',')) {
    const tag = part.split(';')[0]?.trim();
    if (!tag || tag === '*') continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) tags.push(canonical);
    } catch {
      // not a valid language tag; skip it
    }
  }
  return tags;
}

function supported(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0 && Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

export function resolveLocale(profileLanguage: string | null | undefined, acceptLanguage: string | null | undefined): string {
  const accepted = acceptedTags(acceptLanguage ?? '').filter(supported);
  let language: string | undefined;
  try {
    language = profileLanguage ? new Intl.Locale(profileLanguage).language : undefined;
  } catch {
    language = undefined;
  }
  if (language && supported(language)) {
    // The browser's own tag for the same language carries the region (and any script) it wants.
    const same = accepted.find((tag) => new Intl.Locale(tag).language === language);
    if (same) return same;
    const region = accepted.map((tag) => new Intl.Locale(tag).region).find(Boolean);
    if (region && supported(`${language}-${region}`)) return `${language}-${region}`;
    return language;
  }
  return accepted[0] ?? 'en';
}
