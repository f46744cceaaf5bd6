// The npm packages, end to end: `node npm/pack.mjs` on the host's binary,
// `npm install --offline` of the tarballs into a temporary project (no
// registry), then `npx ghenv` as a student would run it: --version, init
// against a local GitHub look-alike, exit codes, a SIGTERM (and a SIGKILL)
// to npx that must free the proxy's port, GHENV_BINARY, the messages when
// the platform package is missing or the platform has none, and that a
// platform package in a parent folder (planted by another user) never runs.
//
//   GHENV_TEST_BINARY=target/debug/ghenv node --test npm/test/
//
// The binary defaults to $CARGO_TARGET_DIR/debug/ghenv (else target/debug).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const binary = path.resolve(
  process.env.GHENV_TEST_BINARY ??
    path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug", "ghenv"),
);
const shim = path.join(root, "npm", "ghenv", "bin", "ghenv");
const version = fs
  .readFileSync(path.join(root, "Cargo.toml"), "utf8")
  .match(/^version\s*=\s*"([^"]+)"/m)[1];
const COURSE_SCOPES = "repo, read:org, write:org, notifications, read:user, user:email, user:follow";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ghenv-npm-test-"));
const out = path.join(tmp, "tarballs");
const app = path.join(tmp, "app");
/** Environment for npm and ghenv: no registry, a cache of our own, no tokens. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(GH_TOKEN|GITHUB_TOKEN|GHENV_|npm_)/i.test(k),
  ),
);
Object.assign(env, {
  npm_config_offline: "true",
  npm_config_cache: path.join(tmp, "npm-cache"),
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
  XDG_CONFIG_HOME: path.join(tmp, "config"),
  HOME: path.join(tmp, "home"),
  NO_COLOR: "1",
});
fs.mkdirSync(env.HOME);

let tarballs = [];
let server;
let endpoint;
/** What the look-alike answers next (status, headers, body), and what it got. */
let reply;
const requests = [];

/** Runs a command to its end; never rejects: { code, signal, stdout, stderr }. */
function run(cmd, args, { input, cwd = app, extraEnv = {}, timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

function fail(what, r) {
  return `${what}: code ${r.code} signal ${r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** A classic token with a valid checksum (ghp_ + 30 random + base62 CRC32). */
function classicToken() {
  const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let random = "";
  for (let i = 0; i < 30; i++) random += B62[Math.floor(Math.random() * 62)];
  let crc = 0xffffffff;
  for (const byte of Buffer.from(random)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  let n = (crc ^ 0xffffffff) >>> 0;
  let sum = "";
  for (let i = 0; i < 6; i++) {
    sum = B62[n % 62] + sum;
    n = Math.floor(n / 62);
  }
  return `ghp_${random}${sum}`;
}

/** GitHub's 200 for a valid classic token, as tests/cli/common.rs's Reply::ok. */
function ok(login = "octocat", scopes = COURSE_SCOPES) {
  return {
    status: 200,
    headers: { "X-OAuth-Scopes": scopes, "X-Accepted-OAuth-Scopes": "" },
    body: {
      data: {
        viewer: { login, name: "The Octocat" },
        rateLimit: { limit: 5000, remaining: 4999, resetAt: "2026-11-25T10:00:00Z" },
      },
    },
  };
}

function badCredentials() {
  return {
    status: 401,
    headers: { "WWW-Authenticate": 'Bearer realm="GitHub"' },
    body: { message: "Bad credentials", documentation_url: "https://docs.github.com/graphql", status: "401" },
  };
}

/** Resolves when `check()` is true; rejects after `ms`. */
async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True when 127.0.0.1:port can be bound again (no one listens). */
function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "127.0.0.1", exclusive: true }, () => s.close(() => resolve(true)));
  });
}

before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const r = reply;
      const text = JSON.stringify(r.body);
      res.writeHead(r.status, {
        "Content-Type": "application/json; charset=utf-8",
        "X-GitHub-Request-Id": "E3C4:1F2B:9A8F1:B1C2D:6765A1B2",
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": "4999",
        "Content-Length": Buffer.byteLength(text),
        ...r.headers,
      });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${server.address().port}/graphql`;

  assert.ok(fs.existsSync(binary), `no binary at ${binary}: build it first (cargo build)`);
  const packed = await run("node", [path.join(root, "npm", "pack.mjs"), "--binary", binary, "--out", out], {
    cwd: root,
  });
  assert.equal(packed.code, 0, fail("pack.mjs", packed));
  tarballs = packed.stdout.trim().split("\n");

  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({ name: "course-app", version: "1.0.0", private: true }),
  );
  const installed = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", ...tarballs]);
  assert.equal(installed.code, 0, fail("npm install --offline", installed));
});

after(() => {
  server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("pack.mjs writes npm pack's names with Cargo.toml's version", () => {
  const names = tarballs.map((t) => path.basename(t)).sort();
  assert.equal(names.length, 2);
  assert.ok(names.includes(`ghenv-${version}.tgz`), names.join(" "));
  const platform = names.find((n) => n !== `ghenv-${version}.tgz`);
  assert.match(platform, new RegExp(`^ghenv-(linux-(x64|arm64)-(gnu|musl)|(darwin|win32)-(x64|arm64))-${version.replaceAll(".", "\\.")}\\.tgz$`));
  assert.equal(fs.readdirSync(out).length, 2);
});

test("the installed packages: the shim, exact optional dependencies, os/cpu/libc, an executable binary", () => {
  const main = JSON.parse(fs.readFileSync(path.join(app, "node_modules", "ghenv", "package.json"), "utf8"));
  assert.equal(main.version, version);
  assert.deepEqual(main.bin, { ghenv: "bin/ghenv" });
  assert.equal(main.scripts, undefined, "no install script (pnpm 10 skips them)");
  assert.equal(main.dependencies, undefined, "the shim has no dependencies");
  assert.deepEqual(main.optionalDependencies, {
    "@ghenv/linux-x64-gnu": version,
    "@ghenv/linux-arm64-gnu": version,
    "@ghenv/linux-x64-musl": version,
    "@ghenv/linux-arm64-musl": version,
    "@ghenv/darwin-x64": version,
    "@ghenv/darwin-arm64": version,
    "@ghenv/win32-x64": version,
    "@ghenv/win32-arm64": version,
  });
  // The shim's table names exactly these packages.
  const shimText = fs.readFileSync(shim, "utf8");
  for (const name of Object.keys(main.optionalDependencies)) assert.ok(shimText.includes(`"${name}"`), name);

  const scope = path.join(app, "node_modules", "@ghenv");
  const [dir] = fs.readdirSync(scope);
  const pkg = JSON.parse(fs.readFileSync(path.join(scope, dir, "package.json"), "utf8"));
  assert.equal(pkg.version, version);
  assert.deepEqual(pkg.os, [process.platform]);
  assert.deepEqual(pkg.cpu, [process.arch]);
  if (process.platform === "linux") assert.equal(pkg.libc.length, 1);
  const mode = fs.statSync(path.join(scope, dir, "ghenv")).mode;
  assert.equal(mode & 0o111, 0o111, "the binary is executable");
});

test("npx ghenv --version runs the platform package's binary", async () => {
  const r = await run("npx", ["ghenv", "--version"]);
  assert.equal(r.code, 0, fail("npx ghenv --version", r));
  assert.equal(r.stdout.trim(), `ghenv ${version}`);
});

test("npx ghenv init --token-stdin against the look-alike writes .env", async () => {
  const token = classicToken();
  reply = ok();
  requests.length = 0;
  const r = await run("npx", ["ghenv", "init", "--token-stdin", "--endpoint", endpoint], { input: `${token}\n` });
  assert.equal(r.code, 0, fail("npx ghenv init", r));
  assert.equal(requests.length, 1, "one request per init");
  assert.equal(requests[0].headers.authorization, `bearer ${token}`);
  const dotenv = fs.readFileSync(path.join(app, ".env"), "utf8");
  assert.ok(dotenv.includes(token), ".env holds the token");
  assert.equal(fs.statSync(path.join(app, ".env")).mode & 0o777, 0o600);
  assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), "the token is never printed");
  assert.match(r.stdout + r.stderr, /octocat/);
});

test("exit codes pass through npx: 3 for a rejected token, 2 for a usage error", async () => {
  reply = badCredentials();
  const dir = path.join(tmp, "rejected");
  fs.mkdirSync(dir);
  const rejected = await run("npx", ["ghenv", "init", "-C", dir, "--token-stdin", "--endpoint", endpoint], {
    input: `${classicToken()}\n`,
  });
  assert.equal(rejected.code, 3, fail("rejected token", rejected));
  const usage = await run("npx", ["ghenv", "no-such-command"]);
  assert.equal(usage.code, 2, fail("usage error", usage));
});

/** Starts `npx ghenv proxy --port 0` in the app; resolves with it and its port. */
async function startProxy() {
  reply = ok();
  const child = spawn("npx", ["ghenv", "proxy", "--port", "0", "--endpoint", endpoint], {
    cwd: app,
    env,
    stdio: ["pipe", "ignore", "pipe"],
    // A process group of its own, so that the test can clean up whatever
    // the signal under test left running.
    detached: true,
  });
  let stderr = "";
  let closed = false;
  child.stderr.on("data", (d) => (stderr += d));
  // stderr ends only when every process holding it is gone: npm, the shell
  // npm runs the shim in, the shim and ghenv.
  child.stderr.on("close", () => (closed = true));
  await waitFor("the proxy to listen", 60_000, () => /Proxy on http:\/\/127\.0\.0\.1:\d+/.test(stderr) || closed);
  const m = stderr.match(/Proxy on http:\/\/127\.0\.0\.1:(\d+)/);
  assert.ok(m, `the proxy did not start: ${stderr}`);
  const port = Number(m[1]);
  assert.equal(await portFree(port), false, "the proxy listens");
  return { child, port, isClosed: () => closed, stderr: () => stderr };
}

for (const signal of ["SIGTERM", "SIGKILL"]) {
  test(`${signal} to the npx process frees the proxy's port within 2 s`, async () => {
    assert.ok(fs.existsSync(path.join(app, ".env")), "init ran first");
    const proxy = await startProxy();
    try {
      const killed = Date.now();
      proxy.child.kill(signal);
      await waitFor(`the port to be free after ${signal} to npx`, 2000, () => portFree(proxy.port));
      await waitFor(`every process to let go of stderr after ${signal}`, 2000 - (Date.now() - killed), () =>
        proxy.isClosed(),
      );
    } finally {
      try {
        process.kill(-proxy.child.pid, "SIGKILL");
      } catch {}
    }
  });
}

test("GHENV_BINARY runs that binary instead, with the arguments, stdin and exit code", async () => {
  const stand = path.join(tmp, "stand-in");
  fs.writeFileSync(stand, '#!/bin/sh\nread line\necho "stand-in: $* / $line"\nexit 7\n', { mode: 0o755 });
  const r = await run("npx", ["ghenv", "check", "--json"], { input: "hello\n", extraEnv: { GHENV_BINARY: stand } });
  assert.equal(r.code, 7, fail("GHENV_BINARY", r));
  assert.equal(r.stdout.trim(), "stand-in: check --json / hello");

  const missing = await run("node", [shim, "--version"], { extraEnv: { GHENV_BINARY: path.join(tmp, "nope") } });
  assert.equal(missing.code, 1, fail("GHENV_BINARY missing", missing));
  assert.match(missing.stderr, /^ghenv: cannot run GHENV_BINARY \(.*nope\): no such file\n$/);
});

test("the shim forwards SIGHUP and dies of the child's signal", async () => {
  const stand = path.join(tmp, "hup");
  fs.writeFileSync(
    stand,
    "#!/bin/sh\ntrap 'kill $!; echo got-HUP; kill -TERM $$' HUP\ntrap - TERM\necho ready\nsleep 60 & wait\n",
    { mode: 0o755 },
  );
  const child = spawn("node", [shim], { env: { ...env, GHENV_BINARY: stand }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  await waitFor("the stand-in to start", 10_000, () => stdout.includes("ready"));
  child.kill("SIGHUP");
  const { code, signal } = await exited;
  assert.match(stdout, /got-HUP/);
  assert.equal(signal, "SIGTERM", `code ${code}`);
});

test("a child killed by a signal node ignores (SIGPIPE) is not reported as success", async () => {
  const stand = path.join(tmp, "pipe");
  fs.writeFileSync(stand, "#!/bin/sh\nkill -PIPE $$\n", { mode: 0o755 });
  const r = await run("node", [shim], { extraEnv: { GHENV_BINARY: stand } });
  assert.equal(r.code, 128 + os.constants.signals.SIGPIPE, fail("SIGPIPE", r));
});

/** A project in `dir` with the main package installed and no platform package. */
async function installMainOnly(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bare", version: "1.0.0", private: true }));
  const main = tarballs.find((t) => path.basename(t) === `ghenv-${version}.tgz`);
  const installed = await run("npm", ["install", "--offline", main], { cwd: dir });
  assert.equal(installed.code, 0, fail("npm install of the main package alone", installed));
  assert.equal(fs.existsSync(path.join(dir, "node_modules", "@ghenv")), false, "no platform package");
}

/** The platform package npm installed in the app for this host: its name under @ghenv/. */
function hostKey() {
  const [key] = fs.readdirSync(path.join(app, "node_modules", "@ghenv"));
  return key;
}

/** A preload that makes node report `platform` and `arch`. */
function pretend(platform, arch) {
  const preload = path.join(tmp, `as-${platform}-${arch}.cjs`);
  fs.writeFileSync(
    preload,
    `Object.defineProperty(process, "platform", { value: ${JSON.stringify(platform)} });\n` +
      `Object.defineProperty(process, "arch", { value: ${JSON.stringify(arch)} });\n`,
  );
  return preload;
}

test("a missing platform package is named, with what to do, exit 1", async () => {
  const bare = path.join(tmp, "bare");
  await installMainOnly(bare);
  const r = await run("npx", ["ghenv", "--version"], { cwd: bare });
  assert.equal(r.code, 1, fail("no platform package", r));
  assert.match(r.stderr, /ghenv: the package @ghenv\/[a-z0-9-]+, which holds the ghenv binary for this platform \([a-z0-9-]+\), is not installed/);
  assert.match(r.stderr, /npm install again with optional dependencies/);
  assert.match(r.stderr, /GHENV_BINARY/);
  assert.match(r.stderr, /cargo install ghenv/);
  assert.equal(r.stderr.trim().split("\n").length, 1, "one message");
});

test("a platform package planted in a parent folder's node_modules (or NODE_PATH) is never run", async () => {
  // Another user of a shared folder puts a package of this platform's name
  // in shared/node_modules; the project in shared/project lacks its own.
  const shared = path.join(tmp, "shared");
  const project = path.join(shared, "project");
  await installMainOnly(project);
  const key = hostKey();
  const marker = path.join(tmp, "pwned");
  for (const folder of [path.join(shared, "node_modules"), path.join(tmp, "node-path")]) {
    const planted = path.join(folder, "@ghenv", key);
    fs.mkdirSync(planted, { recursive: true });
    fs.writeFileSync(path.join(planted, "package.json"), JSON.stringify({ name: `@ghenv/${key}`, version }));
    fs.writeFileSync(path.join(planted, "ghenv"), `#!/bin/sh\necho PWNED\ntouch '${marker}'\n`, { mode: 0o755 });
  }
  const shimHere = path.join(project, "node_modules", "ghenv", "bin", "ghenv");
  for (const [how, r] of [
    ["npx", await run("npx", ["ghenv", "--version"], { cwd: project })],
    ["node", await run("node", [shimHere, "--version"], { cwd: project })],
    ["NODE_PATH", await run("node", [shimHere, "--version"], {
      cwd: project,
      extraEnv: { NODE_PATH: path.join(tmp, "node-path") },
    })],
  ]) {
    assert.equal(r.code, 1, fail(how, r));
    assert.doesNotMatch(r.stdout + r.stderr, /PWNED/, how);
    assert.equal(fs.existsSync(marker), false, `${how}: the planted binary ran`);
    assert.match(r.stderr, new RegExp(`the package @ghenv/${key}, .* is not installed beside this ghenv package`), how);
  }
});

test("pnpm's layout and a nested install: the platform package beside the real ghenv folder, or inside it", async () => {
  const key = hostKey();
  const copy = (from, to) => fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  // pnpm: node_modules/ghenv links to .pnpm/ghenv@V/node_modules/ghenv, whose
  // dependencies are links beside it into their own .pnpm folders.
  const pnpm = path.join(tmp, "pnpm", "node_modules");
  const store = path.join(pnpm, ".pnpm");
  const ghenvHome = path.join(store, `ghenv@${version}`, "node_modules");
  const platformHome = path.join(store, `@ghenv+${key}@${version}`, "node_modules", "@ghenv", key);
  copy(path.join(app, "node_modules", "ghenv"), path.join(ghenvHome, "ghenv"));
  copy(path.join(app, "node_modules", "@ghenv", key), platformHome);
  fs.mkdirSync(path.join(ghenvHome, "@ghenv"));
  fs.symlinkSync(path.relative(path.join(ghenvHome, "@ghenv"), platformHome), path.join(ghenvHome, "@ghenv", key));
  fs.symlinkSync(path.relative(pnpm, path.join(ghenvHome, "ghenv")), path.join(pnpm, "ghenv"));
  const viaLink = await run("node", [path.join(pnpm, "ghenv", "bin", "ghenv"), "--version"]);
  assert.equal(viaLink.code, 0, fail("pnpm layout", viaLink));
  assert.equal(viaLink.stdout.trim(), `ghenv ${version}`);

  // npm install -g, or a version clash: the platform package in ghenv's own node_modules.
  const nested = path.join(tmp, "nested", "node_modules", "ghenv");
  copy(path.join(app, "node_modules", "ghenv"), nested);
  copy(path.join(app, "node_modules", "@ghenv", key), path.join(nested, "node_modules", "@ghenv", key));
  const inside = await run("node", [path.join(nested, "bin", "ghenv"), "--version"]);
  assert.equal(inside.code, 0, fail("nested", inside));
  assert.equal(inside.stdout.trim(), `ghenv ${version}`);
});

test("Windows: the launcher runs @ghenv/win32-x64's ghenv.exe with the arguments and passes its exit code", async () => {
  // An install as npm makes it on Windows x64, run here with node told it is
  // on win32: the stand-in ghenv.exe is a shell script.
  const modules = path.join(tmp, "windows", "node_modules");
  fs.cpSync(path.join(app, "node_modules", "ghenv"), path.join(modules, "ghenv"), { recursive: true });
  const pkg = path.join(modules, "@ghenv", "win32-x64");
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, "ghenv"), "#!/bin/sh\necho 'the file without .exe'\nexit 9\n", { mode: 0o755 });
  fs.writeFileSync(path.join(pkg, "ghenv.exe"), '#!/bin/sh\necho "ghenv.exe: $* / $GHENV_LAUNCHER"\nexit 5\n', {
    mode: 0o755,
  });
  const launcher = path.join(modules, "ghenv", "bin", "ghenv");
  const r = await run("node", ["--require", pretend("win32", "x64"), launcher, "check", "--json"]);
  assert.equal(r.code, 5, fail("as win32-x64", r));
  assert.equal(r.stdout.trim(), "ghenv.exe: check --json / npm");

  const arm = await run("node", ["--require", pretend("win32", "arm64"), launcher, "--version"]);
  assert.equal(arm.code, 1, fail("as win32-arm64", arm));
  assert.match(arm.stderr, /^ghenv: the package @ghenv\/win32-arm64, which holds the ghenv binary for this platform \(win32-arm64\), is not installed/);
});

test("a platform without a package: cargo install", async () => {
  const bsd = await run("node", ["--require", pretend("freebsd", "x64"), shim, "--version"]);
  assert.equal(bsd.code, 1, fail("freebsd", bsd));
  assert.match(bsd.stderr, /^ghenv: there is no prebuilt ghenv for this platform \(freebsd-x64\)\. .*cargo install ghenv\n$/);
  const x86 = await run("node", ["--require", pretend("win32", "ia32"), shim, "--version"]);
  assert.equal(x86.code, 1, fail("win32-ia32", x86));
  assert.match(x86.stderr, /^ghenv: there is no prebuilt ghenv for this platform \(win32-ia32\)\. .*cargo install ghenv\n$/);
});

test("on Linux, a node without glibcVersionRuntime (musl) looks for the musl package", { skip: process.platform !== "linux" }, async () => {
  const preload = path.join(tmp, "as-musl.cjs");
  fs.writeFileSync(preload, "process.report.getReport = () => ({ header: { glibcVersionRuntime: undefined } });\n");
  // The app has only this host's glibc package installed.
  const r = await run("node", ["--require", preload, path.join(app, "node_modules", "ghenv", "bin", "ghenv"), "--version"]);
  assert.equal(r.code, 1, fail("as musl", r));
  assert.match(r.stderr, new RegExp(`the package @ghenv/linux-${process.arch}-musl, which holds`));
  const glibc = await run("node", [path.join(app, "node_modules", "ghenv", "bin", "ghenv"), "--version"]);
  assert.equal(glibc.code, 0, fail("as glibc", glibc));
  assert.equal(glibc.stdout.trim(), `ghenv ${version}`);
});
