import { GraphQLSchema, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from 'graphql';
import { buildCofferSchema } from '../src/graphql/schema';

/**
 * Integrators read the schema (and the developer docs generated from it), so
 * every type, field and argument must say what it means. Enum values are
 * exempt: most are self-explanatory, and the enum's own description covers
 * the rest.
 */
function undocumented(schema: GraphQLSchema): string[] {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const missing: string[] = [];
  const blank = (text: string | null | undefined) => !text?.trim();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    if (!roots.has(type as never) && blank(type.description)) missing.push(`type ${type.name}`);
    if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
      if ('args' in field) {
        for (const arg of field.args) if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
  }
  return missing.sort();
}

describe('schema descriptions', () => {
  it('describes every type, field and argument', () => {
    expect(undocumented(buildCofferSchema())).toEqual([]);
  });
});
