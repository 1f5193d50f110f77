#!/usr/bin/env node
// @ts-check
// Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=1): self time by function
// and by package, inclusive time of the heaviest frames, and self time per
// request stage (each sample goes to the first stage in STAGES that matches
// any frame of its stack; async continuations resume in their own
// function's frame, so the stages still see them).
// Usage: node bench/profile-summary.mjs bench/.profiles/<file>.cpuprofile [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
/** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }[], samples: number[], timeDeltas: number[] }} */
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
/** @type {Map<number, number>} */
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
/** @type {Map<number, number>} */
const selfTime = new Map();
profile.samples.forEach((id, index) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

/** @param {string} url */
function pkg(url) {
  if (!url) return '(native/vm)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.split('node_modules/').length > 2 ? url.slice(url.lastIndexOf('node_modules/')) : url);
  if (match) return match[1];
  if (url.includes('/server/dist/')) return `server/dist/${url.split('/server/dist/')[1].split('/')[0]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}
/** @param {{ functionName: string, url: string, lineNumber: number }} frame */
const label = (frame) => `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/server\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;

/** @param {Map<string, number>} map @param {string} title */
function print(map, title) {
  console.log(`\n${title}`);
  for (const [key, value] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((value / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}

/** @type {Map<string, number>} */
const selfByFunction = new Map();
/** @type {Map<string, number>} */
const selfByPackage = new Map();
/** @type {Map<string, number>} */
const inclusive = new Map();
for (const [id, time] of selfTime) {
  const node = byId.get(id);
  if (!node) continue;
  selfByFunction.set(label(node.callFrame), (selfByFunction.get(label(node.callFrame)) ?? 0) + time);
  selfByPackage.set(pkg(node.callFrame.url), (selfByPackage.get(pkg(node.callFrame.url)) ?? 0) + time);
  const seen = new Set();
  for (let cursor = /** @type {number | undefined} */ (id); cursor !== undefined; cursor = parent.get(cursor)) {
    const frame = byId.get(cursor)?.callFrame;
    if (!frame) break;
    const key = label(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + time);
  }
}
// Most specific first: a sample goes to the first stage matching any frame of
// its stack. Patterns match "functionName url".
/** @type {[string, RegExp][]} */
const STAGES = [
  ['idle', /^\(idle\)/],
  ['garbage collector', /^\(garbage collector\)/],
  ['async_hooks (AsyncLocalStorage promise hooks)', /^(promiseInitHook|promiseBeforeHook|promiseAfterHook|promiseResolveHook|trackPromise|_propagate|lookupPublicResource|executionAsyncResource) /],
  ['socket writes (syscalls)', /^(writev|writeBuffer|writeUtf8String|writeLatin1String) /],
  ['socket reads: pg-protocol and HTTP parsing', /^onStreamRead |^parserOnHeadersComplete |^parserOnBody |^parserOnMessageComplete /],
  ['pg driver (query submit, result rows)', /\/pg\/lib\//],
  ['knex: pool, query compile, run', /\/knex\/lib\//],
  ['MikroORM em.map/merge (hydrate raw rows)', /^(map|merge) .*@mikro-orm\/core\/EntityManager/],
  ['MikroORM find/findOne (QueryBuilder, hydrate)', /^(find|findOne) .*@mikro-orm\//],
  ['MikroORM em.fork', /^fork .*@mikro-orm/],
  ['MikroORM (other)', /@mikro-orm\//],
  ['DataLoader batching', /\/dataloader\//],
  ['query cost (graphql-query-complexity)', /graphql-query-complexity|checkQueryCost|cachedQueryCostChecker|queryCost /],
  ['type-graphql resolver wrappers', /type-graphql\//],
  ['graphql-js execute', /graphql\/execution\//],
  ['graphql-js parse/validate/visit', /graphql\/(language|validation|utilities)\//],
  ['Apollo request pipeline', /@apollo\//],
  ['Coffer services (dist/modules, dist/shared)', /\/server\/dist\/(modules|shared)\//],
  ['Coffer HTTP handler (dist/app.js, dist/rest, dist/graphql)', /\/server\/dist\/(app\.js|rest|graphql)/],
  ['node:http', /node:_http/],
];
/** @type {Map<string, number>} */
const byStage = new Map();
for (const [id, time] of selfTime) {
  let best = STAGES.length;
  for (let cursor = /** @type {number | undefined} */ (id); cursor !== undefined; cursor = parent.get(cursor)) {
    const frame = byId.get(cursor)?.callFrame;
    if (!frame) break;
    const text = `${frame.functionName || '(anonymous)'} ${frame.url}`;
    const index = STAGES.findIndex(([, pattern]) => pattern.test(text));
    if (index >= 0 && index < best) best = index;
  }
  const stage = best < STAGES.length ? STAGES[best][0] : 'other (node internals, microtask queue)';
  byStage.set(stage, (byStage.get(stage) ?? 0) + time);
}

console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
print(byStage, 'self time by request stage');
print(selfByPackage, 'self time by package');
print(selfByFunction, 'self time by function');
print(inclusive, 'inclusive time by function');
