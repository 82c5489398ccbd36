/** `npm run openapi`: writes openapi/openapi.json from the routes (`--check` fails when it is stale). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApi, serialize } from '../src/openapi/generate.js';

const file = join(import.meta.dirname, '..', 'openapi', 'openapi.json');
const text = serialize(await generateOpenApi());
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== text) {
    console.error('openapi/openapi.json is stale: run npm run openapi');
    process.exit(1);
  }
  console.log('openapi/openapi.json is up to date');
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
