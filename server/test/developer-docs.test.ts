import { buildSchema, isInputObjectType, isObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../src/shared/domain-error';
import { createApiKey, createGroup } from './support/factories';
import { startTestServer, TestServer } from './support/test-server';

const SCHEMA_QUERY = '{ __schema { queryType { name } } }';

describe('developer documentation at GET /api/docs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('documents authentication, examples, pagination, every error code and every operation of the schema', async () => {
    const response = await fetch(`${t.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    for (const section of ['id="authentication"', 'id="examples"', 'id="pagination"', 'id="errors"', 'id="webhooks"', 'id="queries"', 'id="mutations"', 'id="subscriptions"']) {
      expect(html).toContain(section);
    }
    expect(html).toContain('Authorization: Bearer');
    for (const code of Object.values(ErrorCode)) expect(html).toContain(`<code>${code}</code>`);
    // The reference is the schema the server runs: every root field and every type is there.
    const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const name of Object.keys(root!.getFields())) expect(html).toContain(`<td><code>${name}</code></td>`);
    }
    for (const type of Object.values(schema.getTypeMap()).filter((type) => (isObjectType(type) || isInputObjectType(type)) && !type.name.startsWith('__'))) {
      if (type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
      expect(html).toContain(`id="type-${type.name}"`);
    }
    expect(html).not.toContain('<script');
  });
});

describe('the explorer and introspection in production', () => {
  it('with EXPLORER_ENABLED the schema is for signed-in callers only, and GET /graphql serves the explorer', async () => {
    const t = await startTestServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'x', ENCRYPTION_KEY: 'y', EXPLORER_ENABLED: 'true' } });
    try {
      const anonymous = await t.gql(SCHEMA_QUERY);
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      const group = await createGroup(t);
      const key = await createApiKey(t, group, 'MEMBER');
      const signedIn = await t.gql<{ __schema: { queryType: { name: string } } }>(SCHEMA_QUERY, {}, key);
      expect(signedIn.data!.__schema.queryType.name).toBe('Query');
      const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/sandbox/i);
    } finally {
      await t.close();
    }
  });

  it('without it production refuses introspection to everyone and serves no explorer', async () => {
    const t = await startTestServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'x', ENCRYPTION_KEY: 'y' } });
    try {
      const group = await createGroup(t);
      const key = await createApiKey(t, group, 'ADMIN');
      const response = await t.gql(SCHEMA_QUERY, {}, key);
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).toMatch(/introspection/i);
      const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/sandbox/i);
    } finally {
      await t.close();
    }
  });
});
