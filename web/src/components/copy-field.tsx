'use client';

import { useId, useRef, useState } from 'react';

/**
 * A read-only value with a Copy button. The clipboard API needs a secure context and a
 * permission; where it is refused the text is selected so Ctrl+C works.
 */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied');
    } catch {
      input.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy');
    }
  }

  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field__row">
        <input id={id} ref={input} readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="field__hint" role="status" aria-live="polite">
        {copied ?? ''}
      </p>
    </div>
  );
}
