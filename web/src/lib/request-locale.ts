import { headers } from 'next/headers';
import { resolveLocale } from './locale-resolve';

/** The locale for this request: the signed-in person's profile language with the browser's region (see resolveLocale). */
export async function requestLocale(profileLanguage?: string | null): Promise<string> {
  return resolveLocale(profileLanguage, (await headers()).get('accept-language'));
}
