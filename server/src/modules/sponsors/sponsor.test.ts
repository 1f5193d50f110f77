import { addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

const FIELDS = 'id name contactEmail contactPhone notes deletedAt';
const CREATE = `mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSponsorInput!) { updateSponsor(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteSponsor(id: $id) { ${FIELDS} } }`;
const LIST = `query($g: ID!, $first: Int, $after: String, $search: String) {
  sponsors(groupId: $g, first: $first, after: $after, search: $search) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } } }
}`;
const LINK = `mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id status } }`;
const LINK_STATUS = 'query($id: ID!) { sponsorLink(id: $id) { status deactivatedAt } }';

interface SponsorData {
  id: string;
  name: string;
  contactEmail: string | null;
  contactPhone: string | null;
  notes: string | null;
  deletedAt: string | null;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

async function create(group: TestGroup, input: Record<string, unknown>, token = group.admin.token) {
  return t.gql<{ createSponsor: SponsorData }>(CREATE, { input: { groupId: group.id, ...input } }, token);
}

async function sponsorOf(group: TestGroup, name = 'Acme Sports'): Promise<SponsorData> {
  const response = await create(group, { name });
  if (!response.data?.createSponsor) throw new Error(JSON.stringify(response.errors));
  return response.data.createSponsor;
}

describe('sponsors', () => {
  it('creates, updates and soft-deletes a sponsor, with activity for each write', async () => {
    const group = await createGroup(t);
    const created = await create(group, { name: '  Acme Sports ', contactEmail: 'Deals@Acme.Example', contactPhone: '+91 98765 43210', notes: 'Kit sponsor 2026' });
    expect(created.errors).toBeUndefined();
    const sponsor = created.data!.createSponsor;
    expect(sponsor).toMatchObject({ name: 'Acme Sports', contactEmail: 'deals@acme.example', contactPhone: '+91 98765 43210', notes: 'Kit sponsor 2026', deletedAt: null });

    const updated = await t.gql<{ updateSponsor: SponsorData }>(UPDATE, { id: sponsor.id, input: { notes: '', contactPhone: '+91 90000 00001' } }, group.admin.token);
    expect(updated.data?.updateSponsor).toMatchObject({ name: 'Acme Sports', contactEmail: 'deals@acme.example', contactPhone: '+91 90000 00001', notes: null });

    const deleted = await t.gql<{ deleteSponsor: SponsorData }>(DELETE, { id: sponsor.id }, group.admin.token);
    expect(deleted.data?.deleteSponsor.deletedAt).not.toBeNull();
    const list = await t.gql<{ sponsors: { totalCount: number } }>(LIST, { g: group.id }, group.admin.token);
    expect(list.data?.sponsors.totalCount).toBe(0);
    // Deleted is final: no more edits, no second delete.
    expect(codeOf(await t.gql(UPDATE, { id: sponsor.id, input: { name: 'Back' } }, group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(DELETE, { id: sponsor.id }, group.admin.token))).toBe('NOT_FOUND');
    const row = await t.query('select deleted_at from sponsors where id = $1', [sponsor.id]);
    expect(row.rows[0].deleted_at).not.toBeNull();

    const activity = await t.query("select action from activity_logs where entity_type = 'Sponsor' and entity_id = $1 order by created_at", [sponsor.id]);
    expect(activity.rows.map((r) => r.action)).toEqual(['sponsor.create', 'sponsor.update', 'sponsor.delete']);
  });

  it('strips markup from name and notes', async () => {
    const group = await createGroup(t);
    const response = await create(group, { name: '<b>Bold</b> Co<script>alert(1)</script>', notes: 'Pays <img src=x onerror=alert(1)>on time; 1 < 2' });
    expect(response.data?.createSponsor).toMatchObject({ name: 'Bold Coalert(1)', notes: 'Pays on time; 1 < 2' });
    // A name that is only markup is no name.
    const empty = await create(group, { name: '<i></i>' });
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { name: 'Enter a name (at most 200 characters)' } });
  });

  it('reports every bad field at once and writes nothing', async () => {
    const group = await createGroup(t);
    const response = await create(group, { name: 'x'.repeat(201), contactEmail: 'not-an-email', contactPhone: 'call me', notes: 'n'.repeat(2001) });
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.fields).toEqual({
      name: 'Enter a name (at most 200 characters)',
      contactEmail: 'Enter a valid e-mail address',
      contactPhone: 'Enter a phone number like +91 98765 43210',
      notes: 'At most 2000 characters',
    });
    // Wrong GraphQL types never reach the service.
    expect(codeOf(await create(group, { name: 42 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(CREATE, { input: { groupId: group.id } }, group.admin.token))).toBe('BAD_USER_INPUT');
    const sponsor = await sponsorOf(group);
    const badUpdate = await t.gql(UPDATE, { id: sponsor.id, input: { name: '   ', contactEmail: 'x@' } }, group.admin.token);
    expect(badUpdate.errors?.[0].extensions?.fields).toEqual({ name: 'Enter a name (at most 200 characters)', contactEmail: 'Enter a valid e-mail address' });
    const count = await t.query('select count(*)::int as n from sponsors where group_id = $1', [group.id]);
    expect(count.rows[0].n).toBe(1);
  });

  it('lets admins and operators (and their API keys) in; members get FORBIDDEN, outsiders and the signed-out get nothing', async () => {
    const group = await createGroup(t);
    const operator = await createUser(t);
    const member = await createUser(t);
    const outsider = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    await addUserToGroup(t, group, member, 'MEMBER');
    const sponsor = await sponsorOf(group);

    const byOperator = await create(group, { name: 'Operator Co' }, operator.token);
    expect(byOperator.data?.createSponsor.name).toBe('Operator Co');
    expect((await t.gql<{ updateSponsor: SponsorData }>(UPDATE, { id: sponsor.id, input: { name: 'Renamed' } }, operator.token)).data?.updateSponsor.name).toBe('Renamed');
    expect(codeOf(await create(group, { name: 'Key Co' }, await createApiKey(t, group, 'OPERATOR')))).toBeUndefined();

    for (const [token, code] of [[member.token, 'FORBIDDEN'], [await createApiKey(t, group, 'MEMBER'), 'FORBIDDEN'], [outsider.token, 'NOT_FOUND'], [undefined, 'UNAUTHENTICATED']] as const) {
      expect(codeOf(await t.gql(CREATE, { input: { groupId: group.id, name: 'Nope' } }, token))).toBe(code);
      expect(codeOf(await t.gql(LIST, { g: group.id }, token))).toBe(code);
      expect(codeOf(await t.gql(UPDATE, { id: sponsor.id, input: { name: 'Nope' } }, token))).toBe(code);
      expect(codeOf(await t.gql(DELETE, { id: sponsor.id }, token))).toBe(code);
    }
    const names = await t.query('select name from sponsors where group_id = $1 order by name', [group.id]);
    expect(names.rows.map((r) => r.name)).toEqual(['Key Co', 'Operator Co', 'Renamed']);
  });

  it("answers NOT_FOUND for another group's sponsor and for malformed ids", async () => {
    const mine = await createGroup(t);
    const theirs = await createGroup(t);
    const foreign = await sponsorOf(theirs, 'Their Sponsor');
    for (const id of [foreign.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect(codeOf(await t.gql(UPDATE, { id, input: { name: 'Mine now' } }, mine.admin.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(DELETE, { id }, mine.admin.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql('query($id: ID!) { sponsor(id: $id) { id } }', { id }, mine.admin.token))).toBe('NOT_FOUND');
    }
    const row = await t.query('select name, deleted_at from sponsors where id = $1', [foreign.id]);
    expect(row.rows[0]).toEqual({ name: 'Their Sponsor', deleted_at: null });
  });

  it('pages by name with cursors and searches', async () => {
    const group = await createGroup(t);
    for (const name of ['Delta', 'Alpha', 'Charlie', 'Bravo', 'Echo']) await sponsorOf(group, name);
    const first = await t.gql<{ sponsors: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: SponsorData }[] } }>(LIST, { g: group.id, first: 2 }, group.admin.token);
    expect(first.data!.sponsors.edges.map((e) => e.node.name)).toEqual(['Alpha', 'Bravo']);
    expect(first.data!.sponsors).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    const second = await t.gql<{ sponsors: { edges: { node: SponsorData }[] } }>(LIST, { g: group.id, first: 10, after: first.data!.sponsors.pageInfo.endCursor }, group.admin.token);
    expect(second.data!.sponsors.edges.map((e) => e.node.name)).toEqual(['Charlie', 'Delta', 'Echo']);
    const found = await t.gql<{ sponsors: { edges: { node: SponsorData }[] } }>(LIST, { g: group.id, search: 'HAR' }, group.admin.token);
    expect(found.data!.sponsors.edges.map((e) => e.node.name)).toEqual(['Charlie']);
    expect(codeOf(await t.gql(LIST, { g: group.id, first: 101 }, group.admin.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(LIST, { g: group.id, after: 'garbage' }, group.admin.token))).toBe('BAD_USER_INPUT');
  });

  it("deactivates the sponsor's active links when it is deleted", async () => {
    const group = await createGroup(t, undefined, { paymentSettings: { upiId: 'club@okaxis' } });
    const sponsor = await sponsorOf(group);
    const link = await t.gql<{ createSponsorLink: { id: string; status: string } }>(
      LINK,
      { input: { groupId: group.id, sponsorId: sponsor.id, amount: { amount: '5000', currency: 'INR' }, purpose: 'Kit', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
      group.admin.token,
    );
    expect(link.data?.createSponsorLink.status).toBe('ACTIVE');
    await t.gql(DELETE, { id: sponsor.id }, group.admin.token);
    const after = await t.gql<{ sponsorLink: { status: string; deactivatedAt: string | null } }>(LINK_STATUS, { id: link.data!.createSponsorLink.id }, group.admin.token);
    expect(after.data?.sponsorLink.status).toBe('INACTIVE');
    expect(after.data?.sponsorLink.deactivatedAt).not.toBeNull();
    // Its activity entry says what the link was, as deactivateSponsorLink's does, and why it closed.
    const logged = await t.query("select before, after from activity_logs where action = 'sponsor-link.deactivate' and entity_id = $1", [link.data!.createSponsorLink.id]);
    expect(logged.rows).toEqual([
      {
        before: expect.objectContaining({ sponsorId: sponsor.id, amountMinor: '500000', purpose: 'Kit', status: 'ACTIVE' }),
        after: expect.objectContaining({ sponsorId: sponsor.id, amountMinor: '500000', purpose: 'Kit', status: 'INACTIVE', reason: 'sponsor deleted' }),
      },
    ]);
    // A deleted sponsor cannot get new links.
    const again = await t.gql(LINK, { input: { groupId: group.id, sponsorId: sponsor.id, amount: { amount: '1', currency: 'INR' }, purpose: 'x', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }, group.admin.token);
    expect(again.errors?.[0].extensions?.fields).toEqual({ sponsorId: 'No sponsor of this group has this id' });
  });
});
