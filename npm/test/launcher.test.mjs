// The launcher's pure parts (npm/ghenv/bin/ghenv, required rather than
// run): which package and file it looks for on each platform, and which
// folders it looks in. npm.test.mjs runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORMS, binaryName } from "../pack.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const launcher = createRequire(import.meta.url)(path.join(here, "..", "ghenv", "bin", "ghenv"));

test("the launcher looks for each platform package's binary under the name pack.mjs gives it", () => {
  const { PACKAGES, binaryPathFor } = launcher;
  assert.equal(binaryPathFor("win32", "x64"), "@ghenv/win32-x64/ghenv.exe");
  assert.equal(binaryPathFor("win32", "arm64"), "@ghenv/win32-arm64/ghenv.exe");
  assert.equal(binaryPathFor("linux", "x64", "gnu"), "@ghenv/linux-x64-gnu/ghenv");
  assert.equal(binaryPathFor("linux", "arm64", "musl"), "@ghenv/linux-arm64-musl/ghenv");
  assert.equal(binaryPathFor("darwin", "arm64"), "@ghenv/darwin-arm64/ghenv");
  assert.equal(binaryPathFor("win32", "ia32"), null);
  assert.equal(binaryPathFor("freebsd", "x64"), null);
  // The launcher and pack.mjs know the same platforms and file names.
  assert.deepEqual(Object.keys(PACKAGES).sort(), Object.keys(PLATFORMS).sort());
  for (const [key, p] of Object.entries(PLATFORMS)) {
    const [platform, arch, libc] = [p.os, p.cpu, { glibc: "gnu", musl: "musl" }[p.libc]];
    assert.equal(binaryPathFor(platform, arch, libc), `@ghenv/${key}/${binaryName(key)}`);
  }
});

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
