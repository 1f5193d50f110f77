import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { Page } from '../shared/pagination';

// simpleResolvers: plain fields are read by graphql-js's default resolver instead of a
// type-graphql wrapper per field (a closure and an object per value; there are no middlewares
// or auth checker to run). It needs every field named as its property, and no property that is
// a function (the default resolver would call it); field resolvers are unaffected.
@ObjectType({ description: 'Relay page information', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'True when more records follow this page: pass endCursor as `after` to fetch them' })
  hasNextPage: boolean;

  @Field({ description: 'True when this page was fetched with `after` and records come before it' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first record of the page; null for an empty page' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last record of the page; null for an empty page' })
  endCursor: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Declares `<Name>Edge` and `<Name>Connection` for a node type. */
export function connectionOf<TNode extends object>(name: string, NodeType: ClassType<TNode>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor: string;

    @Field(() => NodeType)
    node: TNode;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} with Relay cursors`, simpleResolvers: true })
  class Connection {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Matches of the filter, across all pages' })
    totalCount: number;
  }
  return Connection;
}

/** Cursors are read from the page only if the query selects them (see toPage). */
export function toConnection<T>(page: Page<T>): ConnectionShape<T> {
  return {
    edges: page.nodes.map((node, index) => ({
      get cursor() {
        return page.cursors[index];
      },
      node,
    })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return page.cursors[0] ?? null;
      },
      get endCursor() {
        const { cursors } = page;
        return cursors[cursors.length - 1] ?? null;
      },
    },
    totalCount: page.totalCount,
  };
}
