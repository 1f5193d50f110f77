'use client';

import { formatDateTime } from '@/lib/format';
import { useHydrated } from '@/lib/hydrated';
import { useLocale } from '@/lib/locale';

/**
 * A moment in the reader's own time zone. The server (and hydration) print it in UTC so the
 * HTML matches; the browser then re-renders it in local time.
 */
export function LocalDateTime({ iso }: { iso: string | null | undefined }) {
  const locale = useLocale();
  const hydrated = useHydrated();
  const timeZone = hydrated ? Intl.DateTimeFormat().resolvedOptions().timeZone : undefined;
  return (
    <time dateTime={iso ?? undefined} className="nowrap">
      {formatDateTime(iso, locale, timeZone)}
    </time>
  );
}
