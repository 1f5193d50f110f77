import {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  GraphQLNamedType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { ErrorCode } from '../shared/domain-error';
import { escapeHtml } from '../modules/ledger/receipt';

/**
 * The developer documentation at GET /api/docs: how to authenticate, runnable
 * examples, pagination, errors, webhooks, and a reference generated from the
 * live schema with its descriptions — so the reference can never drift from
 * what the API serves. Plain HTML and CSS, no scripts: it reads on any phone.
 */

const ERROR_MEANINGS: Record<ErrorCode, string> = {
  [ErrorCode.UNAUTHENTICATED]: 'No, expired or revoked token or API key. Sign in again or use a valid key.',
  [ErrorCode.FORBIDDEN]: 'Signed in, but your role in this group cannot do this (e.g. an operator approving).',
  [ErrorCode.NOT_FOUND]: 'No such record, or it belongs to a group you are not in (the two are deliberately indistinguishable).',
  [ErrorCode.BAD_USER_INPUT]: 'Input rejected; `extensions.fields` maps each bad field path to a message, all at once.',
  [ErrorCode.CONFLICT]: 'The state does not allow it (already decided, stale, duplicate); `extensions.reason` is a stable code.',
  [ErrorCode.RATE_LIMITED]: 'Too many attempts; `extensions.retryAfterSeconds` says when to try again.',
  [ErrorCode.GONE]: 'The resource existed but has expired or been deactivated (REST 410).',
  [ErrorCode.INTERNAL_SERVER_ERROR]: 'Our fault; nothing was half-written. Retrying with the same idempotency key is safe.',
};

const code = (text: string): string => `<pre><code>${escapeHtml(text)}</code></pre>`;
const anchor = (name: string): string => `type-${name}`;

function typeLink(type: { toString(): string }): string {
  const printed = type.toString();
  const named = printed.replace(/[[\]!]/g, '');
  return escapeHtml(printed).replace(escapeHtml(named), `<a href="#${anchor(named)}">${escapeHtml(named)}</a>`);
}

function describe(text: string | null | undefined): string {
  return text ? `<p>${escapeHtml(text)}</p>` : '';
}

function argumentList(args: readonly GraphQLArgument[]): string {
  if (args.length === 0) return '';
  const items = args.map(
    (arg) =>
      `<li><code>${escapeHtml(arg.name)}: ${typeLink(arg.type)}</code>${arg.defaultValue !== undefined ? ` = <code>${escapeHtml(JSON.stringify(arg.defaultValue))}</code>` : ''}${arg.description ? ` — ${escapeHtml(arg.description)}` : ''}</li>`,
  );
  return `<ul class="args">${items.join('')}</ul>`;
}

function fieldRows(fields: readonly (GraphQLField<unknown, unknown> | GraphQLInputField)[]): string {
  return fields
    .map((field) => {
      const args = 'args' in field ? argumentList(field.args) : '';
      const deprecated = 'deprecationReason' in field && field.deprecationReason ? ` <em>Deprecated: ${escapeHtml(field.deprecationReason)}</em>` : '';
      return `<tr><td><code>${escapeHtml(field.name)}</code></td><td><code>${typeLink(field.type)}</code></td><td>${escapeHtml(field.description ?? '')}${deprecated}${args}</td></tr>`;
    })
    .join('');
}

function typeSection(type: GraphQLNamedType): string {
  let kind = 'Scalar';
  let body = '';
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    kind = isInputObjectType(type) ? 'Input' : isInterfaceType(type) ? 'Interface' : 'Type';
    body = `<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${fieldRows(Object.values(type.getFields()))}</tbody></table>`;
  } else if (isEnumType(type)) {
    kind = 'Enum';
    body = `<ul>${type
      .getValues()
      .map((value) => `<li><code>${escapeHtml(value.name)}</code>${value.description ? ` — ${escapeHtml(value.description)}` : ''}</li>`)
      .join('')}</ul>`;
  } else if (isUnionType(type)) {
    kind = 'Union';
    body = `<p>One of: ${type.getTypes().map((member) => typeLink(member)).join(', ')}</p>`;
  } else if (isScalarType(type)) {
    kind = 'Scalar';
  }
  return `<section id="${anchor(type.name)}"><h3>${kind} <code>${escapeHtml(type.name)}</code></h3>${describe(type.description)}${body}</section>`;
}

function operationsSection(title: string, id: string, fields: readonly GraphQLField<unknown, unknown>[]): string {
  if (fields.length === 0) return '';
  return `<section id="${id}"><h2>${title}</h2><table><thead><tr><th>Field</th><th>Returns</th><th>Description and arguments</th></tr></thead><tbody>${fieldRows(fields)}</tbody></table></section>`;
}

const EXAMPLES = {
  curl: `curl -s http://localhost:4000/graphql \\
  -H 'content-type: application/json' \\
  -H "authorization: Bearer $COFFER_API_KEY" \\
  -d '{"query":"query($first: Int) { groups(first: $first) { totalCount edges { node { id name currency } } } }","variables":{"first":10}}'`,
  fetch: `const response = await fetch('http://localhost:4000/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: \`Bearer \${process.env.COFFER_API_KEY}\` },
  body: JSON.stringify({
    query: 'query($groupId: ID!) { dues(groupId: $groupId, status: UNPAID, first: 50) { totalCount edges { node { id amount { amount currency } member { name } } } } }',
    variables: { groupId: process.env.COFFER_GROUP_ID },
  }),
});
const { data, errors } = await response.json();
if (errors) throw new Error(errors.map((e) => \`\${e.extensions?.code}: \${e.message}\`).join('; '));
console.log(data.dues.totalCount, 'unpaid dues');`,
  ws: `import { createClient } from 'graphql-ws';

const client = createClient({
  url: 'ws://localhost:4000/graphql',
  connectionParams: { authorization: \`Bearer \${process.env.COFFER_TOKEN}\` },
});
for await (const event of client.iterate({
  query: 'subscription($groupId: ID!) { approvalEvents(groupId: $groupId) { type pendingCount approval { id entityType action } } }',
  variables: { groupId: process.env.COFFER_GROUP_ID },
})) {
  console.log(event.data.approvalEvents);
}`,
  pagination: `query($groupId: ID!, $after: String) {
  transactions(groupId: $groupId, first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id amount { amount currency } receiptNumber } }
  }
}`,
  webhook: `import { createHmac, timingSafeEqual } from 'node:crypto';

/** True when the delivery came from Coffer: HMAC-SHA256 of "<timestamp>.<raw body>" with your endpoint's secret. */
export function verifyCofferWebhook(rawBody, headers, secret, toleranceSeconds = 300) {
  const timestamp = headers['coffer-timestamp'];
  const signature = String(headers['coffer-signature'] ?? '').replace(/^v1=/, '');
  if (!timestamp || !signature || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(\`\${timestamp}.\${rawBody}\`).digest('hex');
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}`,
};

export function renderDeveloperDocs(schema: GraphQLSchema): string {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  const roots = new Set([query?.name, mutation?.name, subscription?.name]);
  const types = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__') && !roots.has(type.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const sorted = <T extends { name: string }>(fields: T[]): T[] => [...fields].sort((a, b) => a.name.localeCompare(b.name));
  const errorRows = Object.values(ErrorCode)
    .map((errorCode) => `<tr><td><code>${errorCode}</code></td><td>${escapeHtml(ERROR_MEANINGS[errorCode])}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Coffer API — developer documentation</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1f2933;line-height:1.5}
pre{background:#f4f5f7;padding:.75rem;overflow-x:auto;border-radius:4px}code{font-size:.9em}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid #e4e7eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
ul.args{margin:.25rem 0 0;padding-left:1.1rem;font-size:.92em}nav ul{columns:2}h3{margin-top:2rem}a{color:#1b5e3b}
</style></head><body>
<h1>Coffer API</h1>
<p>GraphQL over HTTP and WebSocket at <code>/graphql</code>, plus a small REST sidecar under <code>/api</code>. Every list is a Relay connection; money is always an exact decimal string with its currency.</p>
<nav aria-label="Contents"><ul>
<li><a href="#authentication">Authentication</a></li><li><a href="#examples">Examples</a></li><li><a href="#pagination">Pagination</a></li>
<li><a href="#errors">Errors</a></li><li><a href="#webhooks">Webhooks</a></li><li><a href="#queries">Queries</a></li>
<li><a href="#mutations">Mutations</a></li><li><a href="#subscriptions">Subscriptions</a></li><li><a href="#types">Types</a></li>
</ul></nav>
<section id="authentication"><h2>Authentication</h2>
<p>Send <code>Authorization: Bearer &lt;token&gt;</code> on every request. Two kinds of token work:</p>
<ul><li><strong>API keys</strong> (<code>cof_…</code>): created by a group admin in the console (Settings → API keys) or with <code>createApiKey</code>; a key acts for one group with one role, is shown once, and can be revoked at any time.</li>
<li><strong>Access tokens</strong> from <code>signIn(email, password)</code>: short-lived, for people. <code>signOut</code> revokes every access token of the person at once (every browser and script), and so does <code>changePassword</code>: sign in again for a new one.</li></ul>
<p>For WebSocket subscriptions (protocol <code>graphql-transport-ws</code>), pass the same header value as <code>connectionParams.authorization</code>; the socket closes when the token expires or the key is revoked.</p>
<h3 id="rate-limits">Rate limits</h3>
<p>Each API key may make a number of requests per fixed window (by default 600 a minute; a key created with <code>rateLimit</code> has its own). Every HTTP response to a key's request carries <code>X-RateLimit-Limit</code> (allowed in the window), <code>X-RateLimit-Remaining</code> (left in this window) and <code>X-RateLimit-Reset</code> (<strong>seconds</strong> until the window ends, not a timestamp). Past the limit you get HTTP 429 with <code>Retry-After</code> and a <code>RATE_LIMITED</code> error whose <code>extensions.retryAfterSeconds</code> says when to try again. Over WebSocket, connecting and each subscribe count as one request (events do not): a subscribe past the limit gets the <code>RATE_LIMITED</code> error, a connection past it is closed with code 4429.</p>
<h3 id="persisted-documents">Persisted documents</h3>
<p>The console runs only its own operations, named by their sha256 (<code>extensions.persistedQuery.sha256Hash</code>) and looked up in a manifest shipped with the server. When the server enforces this (<code>PERSISTED_DOCUMENTS=console</code>), a request from the console (header <code>x-coffer-client: console</code>, or a browser Origin of the console) that is not made with an API key and asks for any other document is refused with HTTP 403, <code>FORBIDDEN</code> and <code>extensions.reason = PERSISTED_DOCUMENT_REQUIRED</code>; a hash the server does not know is <code>BAD_USER_INPUT</code> with <code>reason = PERSISTED_QUERY_NOT_FOUND</code>. <strong>API keys are never restricted</strong>: send any document.</p></section>
<section id="examples"><h2>Examples</h2>
<h3>curl</h3>${code(EXAMPLES.curl)}
<h3>JavaScript (fetch)</h3>${code(EXAMPLES.fetch)}
<h3>Live events (graphql-ws)</h3>${code(EXAMPLES.ws)}</section>
<section id="pagination"><h2>Pagination</h2>
<p>Lists take <code>first</code> (1–100, default 20) and <code>after</code> (an opaque cursor from <code>pageInfo.endCursor</code>); <code>totalCount</code> counts the whole filter. Ask for the next page while <code>pageInfo.hasNextPage</code> is true.</p>${code(EXAMPLES.pagination)}</section>
<section id="errors"><h2>Errors</h2>
<p>GraphQL errors carry <code>extensions.code</code>; REST answers <code>{ "error": { "code", "message", "details" } }</code> with the matching HTTP status. Money-creating mutations accept an <code>idempotencyKey</code>: the same key and input return the first result, a different input with the same key is <code>CONFLICT</code>.</p>
<table><thead><tr><th>Code</th><th>Meaning</th></tr></thead><tbody>${errorRows}</tbody></table></section>
<section id="webhooks"><h2>Webhooks</h2>
<p>Integrator webhooks POST a JSON envelope <code>{ id, type, createdAt, groupId, data }</code> with headers <code>coffer-webhook-id</code>, <code>coffer-event</code>, <code>coffer-timestamp</code> and <code>coffer-signature: v1=&lt;hex&gt;</code>. Verify the signature over the raw body before trusting it, and ignore a delivery id you have seen:</p>${code(EXAMPLES.webhook)}</section>
${operationsSection('Queries', 'queries', sorted(Object.values(query?.getFields() ?? {})))}
${operationsSection('Mutations', 'mutations', sorted(Object.values(mutation?.getFields() ?? {})))}
${operationsSection('Subscriptions', 'subscriptions', sorted(Object.values(subscription?.getFields() ?? {})))}
<section id="types"><h2>Types</h2>${types.map(typeSection).join('\n')}</section>
</body></html>`;
}
