// The launcher's pure parts (npm/ghenv/bin/ghenv, required rather than
// run): which folders it looks in for the platform package. npm.test.mjs runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const launcher = createRequire(import.meta.url)(path.join(here, "..", "ghenv", "bin", "ghenv"));

test("the launcher takes the platform package from its own install only", () => {
  const { packageFolders } = launcher;
  const p = (...parts) => path.join(path.sep, ...parts);
  // npm, yarn, bun: hoisted beside ghenv, or nested in it.
  assert.deepEqual(packageFolders(p("home", "u", "app", "node_modules", "ghenv", "bin", "ghenv")), [
    p("home", "u", "app", "node_modules", "ghenv", "node_modules"),
    p("home", "u", "app", "node_modules"),
  ]);
  // pnpm: the node_modules that holds the real ghenv folder, not the project's.
  const store = p("app", "node_modules", ".pnpm", "ghenv@1.0.0", "node_modules");
  assert.deepEqual(packageFolders(path.join(store, "ghenv", "bin", "ghenv")), [
    path.join(store, "ghenv", "node_modules"),
    store,
  ]);
  // Not installed at all (this repository): its own node_modules only.
  assert.deepEqual(packageFolders(p("src", "ghenv", "npm", "ghenv", "bin", "ghenv")), [
    p("src", "ghenv", "npm", "ghenv", "node_modules"),
  ]);
});
