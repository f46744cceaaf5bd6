// Prints, as JSON, what each JavaScript consumer of .env reads from a folder's
// .env: { "<reader>": { KEY: value, ... }, ... }.
//   cra:  dotenv 10 + dotenv-expand 5, as react-scripts 5 (Create React App) uses them
//   node: current dotenv + dotenv-expand
//   vite: Vite's own loadEnv
// Usage: node read.mjs DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenvCra from 'dotenv-cra';
import dotenvExpandCra from 'dotenv-expand-cra';
import dotenv from 'dotenv';
import { expand } from 'dotenv-expand';
import { loadEnv } from 'vite';

const dir = process.argv[2];
const file = join(dir, '.env');
const text = readFileSync(file);

// Expansion must not see the test runner's environment.
function isolated(fn) {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  try { return fn(); } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const cra = isolated(() => {
  const parsed = dotenvCra.parse(text);
  return dotenvExpandCra({ parsed }).parsed;
});
const node = isolated(() => {
  const parsed = dotenv.parse(text);
  return expand({ parsed, processEnv: {} }).parsed;
});
const vite = isolated(() => loadEnv('development', dir, ''));

process.stdout.write(JSON.stringify({ cra, node, vite }));
