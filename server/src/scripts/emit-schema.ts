import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printCofferSchema } from '../graphql/schema';

/**
 * Writes schema.graphql at the repository root, or with --check fails when
 * the committed file differs from what the code declares.
 */
const target = resolve(__dirname, '../../../schema.graphql');
const current = printCofferSchema();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // missing file is drift too
  }
  if (committed !== current) {
    console.error('schema.graphql is out of date with the server code. Run `npm run schema:emit` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql matches the server code.');
} else {
  writeFileSync(target, current);
  console.log(`Wrote ${target}`);
}
