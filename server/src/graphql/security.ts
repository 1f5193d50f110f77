import {
  ASTVisitor,
  BREAK,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
  visit,
} from 'graphql';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../shared/domain-error';

/*
 * Limits that keep one request from costing the server more than it should:
 * depth, aliases and estimated cost. The same rules run for HTTP (Apollo) and
 * WebSocket (graphql-ws), since Apollo's plugins never see graphql-ws traffic.
 */

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Production hides the schema: no introspection. */
  allowIntrospection: boolean;
}

function limitError(message: string, reason: string, node?: FieldNode | OperationDefinitionNode): GraphQLError {
  return new GraphQLError(message, { nodes: node ? [node] : undefined, extensions: { code: ErrorCode.BAD_USER_INPUT, reason } });
}

function selectionDepth(selectionSet: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      // Introspection (dev only) is deep by design and bounded by the schema itself.
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) continue; // cycles are reported by graphql's own rule
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return deepest;
}

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const depth = selectionDepth(operation.selectionSet, fragments, new Set());
        if (depth > maxDepth) {
          context.reportError(limitError(`Query depth ${depth} exceeds the limit of ${maxDepth}`, 'QUERY_TOO_DEEP', operation));
        }
      },
    };
  };
}

export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    let reported = false;
    return {
      Field(field) {
        if (!field.alias) return;
        aliases += 1;
        if (aliases > maxAliases && !reported) {
          reported = true;
          context.reportError(limitError(`More than ${maxAliases} aliases in one document`, 'TOO_MANY_ALIASES', field));
        }
      },
    };
  };
}

export function validationRulesFor(limits: QueryLimits): ValidationRule[] {
  const rules = [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)];
  if (!limits.allowIntrospection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** Lists multiply what they select by the page size asked for. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + childComplexity * Math.max(args.first, 1) : undefined;

/** The operation's estimated cost, or null when the variables do not fit the operation. */
function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Variables that do not fit the operation: execution rejects them with BAD_USER_INPUT next.
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}

function costError(cost: number | null, maxCost: number): GraphQLError | null {
  if (cost === null || cost <= maxCost) return null;
  return new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, reason: 'QUERY_TOO_COSTLY', cost, maxCost },
  });
}

/** Returns an error when the operation's estimated cost is over the limit, null otherwise. */
export function checkQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): GraphQLError | null {
  return costError(queryCost(schema, document, operationName, variables), maxCost);
}

const MAX_COSTS_PER_DOCUMENT = 64;

/**
 * checkQueryCost with the cost remembered per document, operation name and
 * variables. Apollo hands out the same DocumentNode object for the same query
 * text (its parsed-document cache), so a repeated query costs a map lookup
 * instead of getComplexity's walk of the whole operation with TypeInfo (about
 * 5% of a small request's CPU, see BENCHMARKS.md). The cost is a pure function
 * of those inputs, and a fresh error is built on every call.
 */
export function cachedQueryCostChecker(schema: GraphQLSchema, maxCost: number) {
  const costs = new WeakMap<DocumentNode, Map<string, number | null>>();
  return (document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined): GraphQLError | null => {
    const key = `${operationName ?? ''}\n${variables ? JSON.stringify(variables) : ''}`;
    let byKey = costs.get(document);
    if (!byKey) costs.set(document, (byKey = new Map()));
    let cost = byKey.get(key);
    if (cost === undefined) {
      cost = queryCost(schema, document, operationName, variables);
      // Bounded: one document sent with ever-new variables cannot grow this without limit.
      if (byKey.size >= MAX_COSTS_PER_DOCUMENT) byKey.clear();
      byKey.set(key, cost);
    }
    return costError(cost, maxCost);
  };
}

/** Per parsed document (Apollo hands back the same object for a cached query text), so the common case costs a lookup. */
const asksForSchemaByDocument = new WeakMap<DocumentNode, boolean>();

/** Whether a document reads the schema (`__schema` or `__type`), which production keeps for signed-in callers. */
export function asksForSchema(document: DocumentNode): boolean {
  const known = asksForSchemaByDocument.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  asksForSchemaByDocument.set(document, found);
  return found;
}
