import type { Role } from '@/gql/graphql';

export const ROLE_OPTIONS: ReadonlyArray<{ value: Role; label: string }> = [
  { value: 'MEMBER', label: 'Member' },
  { value: 'OPERATOR', label: 'Operator' },
  { value: 'ADMIN', label: 'Admin' },
];

export function parseRole(value: FormDataEntryValue | null): Role | undefined {
  return ROLE_OPTIONS.find((option) => option.value === value)?.value;
}

/** Field errors the form has no input for still have to reach the user. */
export function unplacedErrors(fields: Record<string, string>, placed: readonly string[]): string | null {
  const messages = new Set<string>();
  for (const [path, message] of Object.entries(fields)) {
    const parts = path.split('.');
    if (!parts.some((part) => placed.includes(part))) messages.add(message);
  }
  return messages.size > 0 ? [...messages].join(' ') : null;
}
