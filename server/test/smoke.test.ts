import { createGroup, createUser } from './support/factories';
import { startTestServer, TestServer } from './support/test-server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

it('creates a group and lists it', async () => {
  const admin = await createUser(t);
  const group = await createGroup(t, admin);
  const response = await t.gql<{ groups: { totalCount: number; edges: { node: { id: string; viewerRole: string } }[] } }>(
    '{ groups { totalCount edges { node { id viewerRole } } } }',
    {},
    admin.token,
  );
  expect(response.data?.groups.totalCount).toBe(1);
  expect(response.data?.groups.edges[0].node).toEqual({ id: group.id, viewerRole: 'ADMIN' });
});
