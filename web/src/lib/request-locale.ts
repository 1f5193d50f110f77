import { headers } from 'next/headers';

/** The first language the browser asks for that this runtime can format, else English. */
export async function requestLocale(): Promise<string> {
  const header = (await headers()).get('accept-language') ?? '';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim();
    if (!tag || tag === '*') continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0) return canonical;
    } catch {
      // not a valid language tag; try the next one
    }
  }
  return 'en';
}
