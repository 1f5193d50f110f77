'use client';

import { createContext, useContext, type ReactNode } from 'react';

// The server renders with the reader's locale (from Accept-Language) and the browser hydrates
// with the same one, so dates and amounts print identically on both sides.
const LocaleContext = createContext('en');

export function LocaleProvider({ locale, children }: { locale: string; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): string {
  return useContext(LocaleContext);
}
