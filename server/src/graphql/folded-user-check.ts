import { Kind, OperationDefinitionNode, parse } from 'graphql';

/**
 * Root fields whose first statement also checks that the token's user exists,
 * is not deleted and is still at the token's generation, i.e. the token was
 * not revoked (PendingViewerUser): `groups` (listMyGroups reads the
 * user's row with the page) and `transactions` (the role check reads it with
 * the role). For an operation made of these only, the separate check
 * statement is skipped. Which fields are listed affects only how many
 * statements a request costs, never who gets an answer: the HTTP handler runs
 * the check itself before answering whenever no statement confirmed the user.
 */
const FOLDING_ROOT_FIELDS = new Set(['groups', 'transactions', '__typename']);

/** Query texts seen, with the answer per operation name; bounded, as clients send few distinct texts. */
const MAX_CACHED_TEXTS = 500;
const cache = new Map<string, Map<string, boolean>>();

/** Whether this operation settles a deferred account check in its first statement (see FOLDING_ROOT_FIELDS). */
export function operationFolds(operation: OperationDefinitionNode | null | undefined): boolean {
  if (!operation || operation.operation !== 'query') return false;
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && !selection.directives?.length && FOLDING_ROOT_FIELDS.has(selection.name.value),
  );
}

function decide(query: string, operationName: string | undefined): boolean {
  let document;
  try {
    document = parse(query);
  } catch {
    // Apollo reports the syntax error; the viewer is checked the usual way.
    return false;
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName === undefined ? (operations.length === 1 ? operations[0] : undefined) : operations.find((op) => op.name?.value === operationName);
  return operationFolds(operation);
}

/**
 * Whether a GraphQL POST body is one query operation whose root fields all
 * fold the viewer check into their first statement (see FOLDING_ROOT_FIELDS).
 * Anything else (GET, batches, persisted queries, mutations, fragments or
 * directives at the root) is answered with the check first, as before.
 */
export function foldsUserCheck(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { query, operationName, extensions } = body as { query?: unknown; operationName?: unknown; extensions?: unknown };
  if (typeof query !== 'string') return false;
  // With a persisted-document hash the text that runs may not be this one (a known hash runs the manifest's text).
  if (typeof extensions === 'object' && extensions !== null && 'persistedQuery' in extensions) return false;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return false;
  const name = operationName ?? undefined;
  let byName = cache.get(query);
  const known = byName?.get(name ?? '');
  if (known !== undefined) return known;
  const folds = decide(query, name);
  if (!byName) {
    if (cache.size >= MAX_CACHED_TEXTS) cache.clear();
    byName = new Map();
    cache.set(query, byName);
  }
  byName.set(name ?? '', folds);
  return folds;
}
