import { randomBytes } from 'node:crypto';
import { addUserToGroup, codeOf, createGroup, createUser, TestGroup } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

const LINK_FIELDS = 'id url status purpose upiId expiresAt paidAt deactivatedAt amount { amount currency } sponsor { id name } bankDetails { accountName accountNumberMasked ifsc bankName } transaction { id }';
const CREATE_LINK = `mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { ${LINK_FIELDS} } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateSponsorLink(id: $id) { ${LINK_FIELDS} } }`;
const LINKS = `query($g: ID!, $status: SponsorLinkStatus, $sponsorId: ID, $first: Int, $after: String) {
  sponsorLinks(groupId: $g, status: $status, sponsorId: $sponsorId, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${LINK_FIELDS} } } }
}`;
const CREATE_SPONSOR = 'mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }';

export interface LinkData {
  id: string;
  url: string;
  status: string;
  purpose: string;
  upiId: string | null;
  expiresAt: string;
  amount: { amount: string; currency: string };
  sponsor: { id: string; name: string } | null;
  bankDetails: { accountName: string | null; accountNumberMasked: string; ifsc: string | null; bankName: string | null } | null;
  transaction: { id: string } | null;
}

const ACCOUNT = '50100123456789';
const CONSOLE_URL = 'https://console.example.org';

let t: TestServer;
beforeAll(async () => {
  // One proxy hop: each test speaks from its own client address (X-Forwarded-For), so the per-IP limit is per test.
  t = await startTestServer({ env: { CONSOLE_PUBLIC_URL: `${CONSOLE_URL}/`, TRUST_PROXY_HOPS: '1' } });
});
afterAll(async () => t.close());

const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
const fakeIp = () => `10.${randomBytes(3).join('.')}`;

function linkInput(group: TestGroup, extra: Record<string, unknown> = {}) {
  return {
    groupId: group.id,
    amount: { amount: '25000.50', currency: 'INR' },
    upiId: 'sunrise.club@okhdfc',
    bankDetails: { accountName: 'Sunrise Running Club', accountNumber: `${ACCOUNT.slice(0, 7)} ${ACCOUNT.slice(7)}`, ifsc: 'HDFC0001234', bankName: 'HDFC Bank' },
    purpose: 'Marathon 2027 kit & water stations',
    expiresAt: inADay(),
    ...extra,
  };
}

async function createLink(group: TestGroup, extra: Record<string, unknown> = {}, token = group.admin.token) {
  return t.gql<{ createSponsorLink: LinkData }>(CREATE_LINK, { input: linkInput(group, extra) }, token);
}

async function link(group: TestGroup, extra: Record<string, unknown> = {}): Promise<LinkData> {
  const response = await createLink(group, extra);
  if (!response.data?.createSponsorLink) throw new Error(JSON.stringify(response.errors));
  return response.data.createSponsorLink;
}

const tokenOf = (data: LinkData): string => data.url.split('/').pop()!;

async function publicGet(token: string, ip = fakeIp()): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const response = await fetch(`${t.url}/api/sponsor-links/${token}`, { headers: { 'x-forwarded-for': ip } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text, headers: response.headers };
}

async function sponsorIn(group: TestGroup, name = 'Acme Sports'): Promise<string> {
  const response = await t.gql<{ createSponsor: { id: string } }>(CREATE_SPONSOR, { input: { groupId: group.id, name, contactEmail: 'deals@acme.example' } }, group.admin.token);
  return response.data!.createSponsor.id;
}

describe('creating links', () => {
  it('returns an unguessable public URL, the amount, and the account masked; the number is stored encrypted', async () => {
    const group = await createGroup(t, undefined, { name: 'Sunrise Running Club' });
    const sponsorId = await sponsorIn(group);
    const created = await createLink(group, { sponsorId });
    expect(created.errors).toBeUndefined();
    const data = created.data!.createSponsorLink;
    expect(data.url).toMatch(new RegExp(`^${CONSOLE_URL}/sponsor/[A-Za-z0-9_-]{32}$`));
    expect(data).toMatchObject({
      status: 'ACTIVE',
      purpose: 'Marathon 2027 kit & water stations',
      upiId: 'sunrise.club@okhdfc',
      amount: { amount: '25000.50', currency: 'INR' },
      sponsor: { id: sponsorId, name: 'Acme Sports' },
      bankDetails: { accountName: 'Sunrise Running Club', accountNumberMasked: 'XXXXXXXX6789', ifsc: 'HDFC0001234', bankName: 'HDFC Bank' },
      transaction: null,
    });
    expect(JSON.stringify(created)).not.toContain(ACCOUNT.slice(0, 8));

    const row = await t.query('select token, bank_account_number_encrypted as enc, bank_account_last4 as last4, amount_minor::text as minor from sponsor_links where id = $1', [data.id]);
    expect(row.rows[0]).toMatchObject({ token: tokenOf(data), last4: '6789', minor: '2500050' });
    expect(row.rows[0].enc).toMatch(/^v1\./);
    expect(row.rows[0].enc).not.toContain(ACCOUNT);
    // Nor in the logs.
    const logs = await t.query("select coalesce(after::text, '') || coalesce(before::text, '') as text from activity_logs where entity_id = $1", [data.id]);
    expect(logs.rows.length).toBeGreaterThan(0);
    for (const log of logs.rows) expect(log.text).not.toContain(ACCOUNT.slice(0, 8));

    // Two links never share a token.
    const other = await link(group);
    expect(tokenOf(other)).not.toBe(tokenOf(data));
  });

  it("defaults to the group's UPI id and bank account", async () => {
    const group = await createGroup(t, undefined, { name: 'Family Share', paymentSettings: { upiId: 'family@okaxis', bankAccountNumber: '123456789012', bankIfsc: 'ICIC0001234' } });
    const data = await link(group, { upiId: undefined, bankDetails: undefined });
    expect(data).toMatchObject({ upiId: 'family@okaxis', bankDetails: { accountName: 'Family Share', accountNumberMasked: 'XXXXXXXX9012', ifsc: 'ICIC0001234', bankName: null } });
    // An empty UPI id means "bank transfer only".
    const bankOnly = await link(group, { upiId: '', bankDetails: undefined });
    expect(bankOnly.upiId).toBeNull();
  });

  it('refuses bad input field by field and writes nothing', async () => {
    const group = await createGroup(t);
    const other = await createGroup(t);
    const foreignSponsor = await sponsorIn(other);
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ amount: { amount: '0', currency: 'INR' } }, { 'amount.amount': 'Amount must be greater than zero' }],
      [{ amount: { amount: '-10', currency: 'INR' } }, { 'amount.amount': 'Amount must be greater than zero' }],
      [{ amount: { amount: '10.005', currency: 'INR' } }, { 'amount.amount': 'INR allows at most 2 decimal places' }],
      [{ amount: { amount: '1e5', currency: 'INR' } }, { 'amount.amount': '"1e5" is not a decimal amount like 1234.50' }],
      [{ amount: { amount: '99999999999999999999', currency: 'INR' } }, { 'amount.amount': 'Amount is too large' }],
      [{ amount: { amount: '10', currency: 'USD' } }, { 'amount.currency': "Use the group's currency (INR)" }],
      [{ upiId: 'not a upi id' }, { upiId: 'Not a UPI id like name@bank' }],
      [{ upiId: 'name@bank1' }, { upiId: 'Not a UPI id like name@bank' }],
      [{ expiresAt: new Date(Date.now() - 1000).toISOString() }, { expiresAt: 'Must be in the future' }],
      [{ expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }, { expiresAt: 'At most 366 days ahead' }],
      [{ purpose: '   ' }, { purpose: 'Say what the money is for (at most 500 characters)' }],
      [{ purpose: 'p'.repeat(501) }, { purpose: 'Say what the money is for (at most 500 characters)' }],
      [{ bankDetails: { accountNumber: '12' } }, { 'bankDetails.accountNumber': 'Use 6 to 34 digits or capital letters' }],
      [{ bankDetails: { accountNumber: '123456789', ifsc: 'HDFC1234' } }, { 'bankDetails.ifsc': 'Not an IFSC code like HDFC0001234' }],
      [{ sponsorId: foreignSponsor }, { sponsorId: 'No sponsor of this group has this id' }],
      [{ sponsorId: 'not-a-uuid' }, { sponsorId: 'No sponsor of this group has this id' }],
      // The group has no payment settings: something must say how to pay.
      [{ upiId: '', bankDetails: null }, { upiId: 'Give a UPI id or bank details: the group has neither in its payment settings' }],
    ];
    for (const [override, fields] of cases) {
      const response = await createLink(group, override);
      expect({ override, code: codeOf(response), fields: response.errors?.[0].extensions?.fields }).toEqual({ override, code: 'BAD_USER_INPUT', fields });
    }
    // All at once.
    const many = await createLink(group, { amount: { amount: '0', currency: 'INR' }, upiId: 'x', purpose: '', expiresAt: new Date(0).toISOString() });
    expect(Object.keys(many.errors?.[0].extensions?.fields ?? {}).sort()).toEqual(['amount.amount', 'expiresAt', 'purpose', 'upiId']);
    // Wrong GraphQL types never reach the service.
    expect(codeOf(await createLink(group, { amount: { amount: 10, currency: 'INR' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await createLink(group, { expiresAt: 'tomorrow' }))).toBe('BAD_USER_INPUT');
    const count = await t.query('select count(*)::int as n from sponsor_links where group_id = $1', [group.id]);
    expect(count.rows[0].n).toBe(0);
  });

  it('offers no UPI to a group that does not keep rupees', async () => {
    const group = await createGroup(t, undefined, { currency: 'EUR' });
    const refused = await createLink(group, { amount: { amount: '100', currency: 'EUR' } });
    expect(refused.errors?.[0].extensions?.fields).toEqual({ upiId: 'UPI takes INR only; this group keeps EUR' });
    const bankOnly = await link(group, { amount: { amount: '100', currency: 'EUR' }, upiId: null });
    expect(bankOnly).toMatchObject({ upiId: null, amount: { amount: '100.00', currency: 'EUR' } });
    const page = await publicGet(tokenOf(bankOnly));
    expect(page.body.data).toMatchObject({ upiId: null, upiDeepLink: null, upiQrCode: null, bankDetails: { accountNumberMasked: 'XXXXXXXX6789' } });
  });

  it('is for admins and operators: members FORBIDDEN, other groups NOT_FOUND', async () => {
    const group = await createGroup(t);
    const operator = await createUser(t);
    const member = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    await addUserToGroup(t, group, member, 'MEMBER');
    const other = await createGroup(t);
    expect((await createLink(group, {}, operator.token)).data?.createSponsorLink.status).toBe('ACTIVE');
    const existing = await link(group);
    expect(codeOf(await createLink(group, {}, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(LINKS, { g: group.id }, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(DEACTIVATE, { id: existing.id }, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await createLink(group, {}, other.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(LINKS, { g: group.id }, other.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(DEACTIVATE, { id: existing.id }, other.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('query($id: ID!) { sponsorLink(id: $id) { id } }', { id: existing.id }, other.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(DEACTIVATE, { id: 'nope' }, group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(CREATE_LINK, { input: linkInput(group) }))).toBe('UNAUTHENTICATED');
    const row = await t.query('select status from sponsor_links where id = $1', [existing.id]);
    expect(row.rows[0].status).toBe('ACTIVE');
  });
});

describe('listing and deactivating', () => {
  it('lists newest first with status filters (EXPIRED as of now) and cursors', async () => {
    const group = await createGroup(t);
    const sponsorId = await sponsorIn(group);
    const a = await link(group, { purpose: 'A', sponsorId });
    const b = await link(group, { purpose: 'B' });
    const c = await link(group, { purpose: 'C' });
    await t.query("update sponsor_links set expires_at = now() - interval '1 minute' where id = $1", [b.id]);
    const deactivated = await t.gql<{ deactivateSponsorLink: LinkData }>(DEACTIVATE, { id: c.id }, group.admin.token);
    expect(deactivated.data?.deactivateSponsorLink).toMatchObject({ status: 'INACTIVE' });
    // Twice is harmless.
    expect((await t.gql<{ deactivateSponsorLink: LinkData }>(DEACTIVATE, { id: c.id }, group.admin.token)).data?.deactivateSponsorLink.status).toBe('INACTIVE');

    type Links = { sponsorLinks: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: LinkData }[] } };
    const purposes = async (variables: Record<string, unknown>) =>
      (await t.gql<Links>(LINKS, { g: group.id, ...variables }, group.admin.token)).data!.sponsorLinks.edges.map((e) => `${e.node.purpose}:${e.node.status}`);
    expect(await purposes({})).toEqual(['C:INACTIVE', 'B:EXPIRED', 'A:ACTIVE']);
    expect(await purposes({ status: 'ACTIVE' })).toEqual(['A:ACTIVE']);
    expect(await purposes({ status: 'EXPIRED' })).toEqual(['B:EXPIRED']);
    expect(await purposes({ status: 'INACTIVE' })).toEqual(['C:INACTIVE']);
    expect(await purposes({ sponsorId })).toEqual(['A:ACTIVE']);
    // The sponsor of each row, read in the same request from a fresh list.
    const all = await t.gql<Links>(LINKS, { g: group.id }, group.admin.token);
    expect(all.data!.sponsorLinks.edges.map((e) => e.node.sponsor?.name ?? null)).toEqual([null, null, 'Acme Sports']);
    const first = await t.gql<Links>(LINKS, { g: group.id, first: 2 }, group.admin.token);
    expect(first.data!.sponsorLinks).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(await purposes({ first: 2, after: first.data!.sponsorLinks.pageInfo.endCursor })).toEqual(['A:ACTIVE']);
    expect(a.status).toBe('ACTIVE');
  });
});

describe('GET /api/sponsor-links/:token', () => {
  it('serves the public page: amount, purpose, masked account, an encoded UPI deep link and its QR', async () => {
    const group = await createGroup(t, undefined, { name: 'Sunrise & Co #1' });
    const sponsorId = await sponsorIn(group, 'Acme <Sports>');
    const purpose = 'Kit & water = 100% “fun” #2027 ₹';
    const data = await link(group, { sponsorId, purpose });
    const page = await publicGet(tokenOf(data));
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const body = page.body.data as Record<string, unknown>;
    expect(body).toMatchObject({
      groupName: 'Sunrise & Co #1',
      sponsorName: 'Acme',
      purpose,
      amount: { amount: '25000.50', amountMinor: '2500050', currency: 'INR' },
      expiresAt: data.expiresAt,
      status: 'ACTIVE',
      upiId: 'sunrise.club@okhdfc',
      bankDetails: { accountName: 'Sunrise Running Club', accountNumberMasked: 'XXXXXXXX6789', ifsc: 'HDFC0001234', bankName: 'HDFC Bank' },
    });
    expect(Object.keys(body)).not.toContain('id');
    expect(page.text).not.toContain(ACCOUNT.slice(0, 8));
    expect(page.text).not.toContain('v1.');

    const deepLink = body.upiDeepLink as string;
    expect(deepLink).toBe(
      'upi://pay?pa=sunrise.club@okhdfc&pn=Sunrise%20%26%20Co%20%231&am=25000.50&cu=INR&tn=Kit%20%26%20water%20%3D%20100%25%20%E2%80%9Cfun%E2%80%9D%20%232027%20%E2%82%B9',
    );
    const parsed = new URL(deepLink);
    expect(Object.fromEntries(parsed.searchParams)).toEqual({ pa: 'sunrise.club@okhdfc', pn: 'Sunrise & Co #1', am: '25000.50', cu: 'INR', tn: purpose });

    const qr = body.upiQrCode as string;
    expect(qr).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(qr.split(',')[1], 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
  });

  it('cuts a long purpose to 80 characters in the UPI note, whole characters only', async () => {
    const group = await createGroup(t);
    const purpose = `${'₹'.repeat(79)}🏃 and more`;
    const data = await link(group, { purpose });
    const body = (await publicGet(tokenOf(data))).body.data as { upiDeepLink: string; purpose: string };
    expect(body.purpose).toBe(purpose);
    expect(new URL(body.upiDeepLink).searchParams.get('tn')).toBe(`${'₹'.repeat(79)}🏃`);
  });

  it('answers 410 with a stable reason for expired and deactivated links, 404 for unknown ones', async () => {
    const group = await createGroup(t);
    const expired = await link(group);
    await t.query("update sponsor_links set expires_at = now() - interval '1 second' where id = $1", [expired.id]);
    const inactive = await link(group);
    await t.gql(DEACTIVATE, { id: inactive.id }, group.admin.token);

    const expiredPage = await publicGet(tokenOf(expired));
    expect(expiredPage.status).toBe(410);
    expect(expiredPage.body).toEqual({ error: { code: 'GONE', message: 'This sponsor link has expired', details: { reason: 'SPONSOR_LINK_EXPIRED' } } });
    const inactivePage = await publicGet(tokenOf(inactive));
    expect(inactivePage.status).toBe(410);
    expect(inactivePage.body).toEqual({ error: { code: 'GONE', message: 'This sponsor link is no longer active', details: { reason: 'SPONSOR_LINK_INACTIVE' } } });

    for (const token of [randomBytes(24).toString('base64url'), 'short', '%E0%A4%A', 'a'.repeat(200), `${tokenOf(expired)}x`]) {
      const response = await publicGet(token);
      expect({ token, status: response.status, code: (response.body.error as { code: string }).code }).toEqual({ token, status: 404, code: 'NOT_FOUND' });
    }
    const post = await fetch(`${t.url}/api/sponsor-links/${tokenOf(expired)}`, { method: 'POST', headers: { 'x-forwarded-for': fakeIp() } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('allows 30 requests a minute from one address, then 429 with Retry-After; other addresses are unaffected', async () => {
    const group = await createGroup(t);
    const data = await link(group);
    // A fixed window, by the database's clock: the minute the counter is kept for.
    const minute = async () => (await t.query<{ m: string }>("select date_trunc('minute', now())::text as m")).rows[0].m;
    const secondsIntoMinute = async () => (await t.query<{ s: number }>('select extract(second from now())::float as s')).rows[0].s;
    const untilNextMinute = (seconds: number) => new Promise((resolve) => setTimeout(resolve, (61 - seconds) * 1000));
    /** The 31 requests from a fresh address; null when they did not all fall in one minute (a slow machine), so the counts say nothing. */
    const burst = async () => {
      const ip = fakeIp();
      const before = await minute();
      const statuses: number[] = [];
      // Unknown tokens count too: guessing is what the limit is for.
      for (let i = 0; i < 30; i += 1) statuses.push((await publicGet(i % 2 ? tokenOf(data) : 'unknown-token-xxxxxxxxxxxxxxx', ip)).status);
      const limited = await publicGet(tokenOf(data), ip);
      return (await minute()) === before ? { statuses, limited } : null;
    };
    // Do not start the burst in the last seconds of a minute; if it still crossed into the next, once more from the start of a minute.
    const seconds = await secondsIntoMinute();
    if (seconds > 50) await untilNextMinute(seconds);
    let result = await burst();
    if (!result) {
      await untilNextMinute(await secondsIntoMinute());
      result = await burst();
    }
    expect(result).not.toBeNull();
    const { statuses, limited } = result!;
    expect(statuses.filter((s) => s === 200)).toHaveLength(15);
    expect(statuses.filter((s) => s === 404)).toHaveLength(15);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await publicGet(tokenOf(data), fakeIp())).status).toBe(200);
  }, 180_000);
});
