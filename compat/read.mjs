// Prints, as JSON, what each JavaScript consumer of .env reads from a folder's
// .env: { "<reader>": { KEY: value, ... }, ... }.
//   cra:  dotenv 10 + dotenv-expand 5, as react-scripts 5 (Create React App) uses them
//   node: current dotenv + dotenv-expand
//   vite: Vite's own loadEnv
//   docker: `docker run --env-file`'s documented rule (each VAR=VAL line taken
//           verbatim: no quote removal, no trimming, no expansion; `#` lines
//           and blank lines skipped; a name with white space is an error, so
//           such lines are left out)
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

function dockerEnvFile(buffer) {
  const out = {};
  for (const raw of buffer.toString('utf8').split('\n')) {
    const line = raw.replace(/^[ \t]+/, '').replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const name = line.slice(0, eq);
    if (/\s/.test(name)) continue;
    out[name] = line.slice(eq + 1);
  }
  return out;
}
const docker = dockerEnvFile(text);

process.stdout.write(JSON.stringify({ cra, node, vite, docker }));
