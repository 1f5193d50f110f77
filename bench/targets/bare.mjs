// @ts-check
// Target (a3): the floor for GraphQL over HTTP in Node. node:http plus
// graphql-js, with parsed and validated documents cached by query text
// (bounded), then execute() per request. No context, plugins or limits.
import { createServer } from 'node:http';
import { buildSchema, execute, GraphQLError, parse, validate } from 'graphql';
import { serveTarget } from '../lib/child.mjs';

const schema = buildSchema('type Query { hello: String }');
const rootValue = { hello: () => 'world' };
const MAX_CACHED = 1000;
/** @type {Map<string, import('graphql').DocumentNode>} */
const documents = new Map();

/** @param {string} query @returns {{ document: import('graphql').DocumentNode } | { errors: readonly GraphQLError[] }} */
function documentFor(query) {
  const cached = documents.get(query);
  if (cached) return { document: cached };
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return { errors };
  if (documents.size >= MAX_CACHED) documents.clear();
  documents.set(query, document);
  return { document };
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function send(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

serveTarget(async () => {
  const server = createServer((req, res) => {
    if (req.method !== 'POST') return send(res, 405, { errors: [{ message: 'POST only' }] });
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { errors: [{ message: 'Body is not valid JSON' }] });
      }
      const found = documentFor(String(body?.query ?? ''));
      if ('errors' in found) return send(res, 400, { errors: found.errors });
      Promise.resolve(
        execute({ schema, document: found.document, rootValue, variableValues: body.variables, operationName: body.operationName }),
      ).then(
        (result) => send(res, 200, result),
        (error) => send(res, 500, { errors: [{ message: String(error) }] }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
});
