import { GraphQLSchema, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';

/*
 * Arguments and fields that mean the same everywhere get their description
 * here once, instead of in a hundred decorators; anything a type describes
 * itself keeps its own words. A test (schema-descriptions.test.ts) fails on
 * any type, field or argument left undescribed after this pass.
 */

const ARGUMENTS: Record<string, string> = {
  first: 'Page size: 1 to 100 (default 20)',
  after: 'Continue after this cursor (pageInfo.endCursor of the previous page)',
  groupId: 'The group; NOT_FOUND when the viewer is not in it',
  id: 'The record; NOT_FOUND when it does not exist or belongs to a group the viewer is not in',
  input: 'What to create or change; every invalid field is reported at once (BAD_USER_INPUT with extensions.fields)',
  notes: 'Optional note kept with the decision (at most 2000 characters)',
  status: 'Only records in this status',
  search: 'Case-insensitive match on names (and e-mail or number where the list says so)',
  from: 'From this instant (inclusive)',
  to: 'Before this instant (exclusive)',
  memberId: 'Only records of this member',
};

const FIELDS: Record<string, string> = {
  id: 'Stable unique id (UUID)',
  createdAt: 'When it was created (RFC 3339)',
  updatedAt: 'When it last changed (RFC 3339)',
  edges: 'The records of this page, each with its cursor',
  pageInfo: 'Whether there are more pages, and the cursors to fetch them',
  totalCount: 'Matches of the filter, across all pages',
  cursor: 'Pass as `after` to continue after this record',
  node: 'The record',
};

const CONNECTION_TYPE = /^(.+)Connection$/;
const EDGE_TYPE = /^(.+)Edge$/;

/** Fills the missing descriptions in place; returns the schema for chaining. */
export function applyDescriptionDefaults(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (!type.description) {
      const connection = CONNECTION_TYPE.exec(type.name);
      const edge = EDGE_TYPE.exec(type.name);
      if (connection) type.description = `A page of ${connection[1]} records with Relay cursors`;
      else if (edge) type.description = `One ${edge[1]} in a page, with its cursor`;
    }
    if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      field.description ??= FIELDS[field.name] ?? null;
      if ('args' in field) for (const arg of field.args) arg.description ??= ARGUMENTS[arg.name] ?? null;
    }
  }
  return schema;
}
