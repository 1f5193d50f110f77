import { createGroup } from '../../test/support/factories';
import { startTestServer, TestServer } from '../../test/support/test-server';

/*
 * The REST routes that read a JSON body want an object. Any other JSON (null,
 * an array, a string, a number) or no JSON at all is the client's mistake:
 * 400 BAD_USER_INPUT in the envelope, never a 500 from reading a field of it.
 */

const CONSOLE_SECRET = 'console-secret-for-json-body-tests';
let t: TestServer;
let sponsorToken: string;

beforeAll(async () => {
  // Each request counts against the public sponsor page's per-IP limit: one forwarded address per request.
  t = await startTestServer({ env: { CONSOLE_SHARED_SECRET: CONSOLE_SECRET, TRUST_PROXY_HOPS: '1' } });
  const group = await createGroup(t);
  await t.gql('mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }', { id: group.id, input: { paymentSettings: { razorpayEnabled: true } } }, group.admin.token);
  const link = await t.gql<{ createSponsorLink: { url: string } }>(
    'mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { url } }',
    { input: { groupId: group.id, amount: { amount: '100', currency: 'INR' }, upiId: 'club@okaxis', purpose: 'Balls', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
    group.admin.token,
  );
  if (!link.data) throw new Error(`createSponsorLink failed: ${JSON.stringify(link.errors)}`);
  sponsorToken = link.data.createSponsorLink.url.split('/').pop()!;
});
afterAll(async () => t.close());

let ipCounter = 0;

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; error?: { code: string; details: Record<string, unknown> } }> {
  ipCounter += 1;
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${ipCounter >> 8}.${ipCounter & 255}`, ...headers },
    body,
  });
  const json = (await response.json()) as { error?: { code: string; details: Record<string, unknown> } };
  return { status: response.status, error: json.error };
}

const NOT_AN_OBJECT = ['null', '[]', '"x"', '42', 'true', '[{"provider":"RAZORPAY"}]'];

it.each(NOT_AN_OBJECT)('POST /api/sponsor-links/:token/checkout with the body %s → 400 BAD_USER_INPUT', async (body) => {
  const response = await post(`/api/sponsor-links/${sponsorToken}/checkout`, body);
  expect(response).toEqual({ status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_JSON' } }) });
});

it.each(NOT_AN_OBJECT)('POST /api/auth/federated-sign-in with the body %s → 400 BAD_USER_INPUT', async (body) => {
  const response = await post('/api/auth/federated-sign-in', body, { 'x-console-secret': CONSOLE_SECRET });
  expect(response).toEqual({ status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_JSON' } }) });
});

it('still answers invalid JSON, an empty body and a missing field as before', async () => {
  const checkout = `/api/sponsor-links/${sponsorToken}/checkout`;
  expect(await post(checkout, '{bad')).toEqual({ status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_JSON' } }) });
  const fields = { status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { fields: { provider: 'RAZORPAY or STRIPE' } } }) };
  expect(await post(checkout, '')).toEqual(fields);
  expect(await post(checkout, '{"provider":"PAYPAL"}')).toEqual(fields);
  const signIn = { status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { fields: { email: 'Required' } } }) };
  expect(await post('/api/auth/federated-sign-in', '{}', { 'x-console-secret': CONSOLE_SECRET })).toEqual(signIn);
  expect((await post(checkout, '{"provider":"RAZORPAY"}')).status).toBe(200);
});

it('refuses a NUL in a JSON body as BAD_USER_INPUT naming the field, not a database error', async () => {
  const response = await post('/api/auth/federated-sign-in', JSON.stringify({ email: 'a\u0000b@example.com', name: 'N' }), { 'x-console-secret': CONSOLE_SECRET });
  expect(response).toEqual({ status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { reason: 'NUL_CHARACTER', fields: { email: expect.any(String) } } }) });
});

it('refuses a lone UTF-16 surrogate (a JSON escape without its pair) as BAD_USER_INPUT INVALID_UNICODE naming the field; a pair passes', async () => {
  const body = JSON.stringify({ email: 'a\ud800b@example.com', name: 'N' });
  expect(body).toContain('\\ud800');
  const response = await post('/api/auth/federated-sign-in', body, { 'x-console-secret': CONSOLE_SECRET });
  expect(response).toEqual({ status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_UNICODE', fields: { email: expect.any(String) } } }) });
  const checkout = await post(`/api/sponsor-links/${sponsorToken}/checkout`, '{"provider":"RAZORPAY","note":["\\uDFFF"]}');
  expect(checkout).toEqual({ status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_UNICODE', fields: { 'note.0': expect.any(String) } } }) });
  // A surrogate pair is a character like any other: this one reaches the route (an unknown e-mail is its own answer).
  const pair = await post('/api/auth/federated-sign-in', '{"email":"emoji\\ud83d\\ude00@example.com"}', { 'x-console-secret': CONSOLE_SECRET });
  expect(pair).toEqual({ status: 404, error: expect.objectContaining({ code: 'NOT_FOUND' }) });
});
