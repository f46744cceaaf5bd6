#!/usr/bin/env node
// node npm/pack.mjs --binary PATH --out DIR [--target KEY]
//
// Writes the npm tarballs for one ghenv binary: its platform package
// (@ghenv/<KEY>, e.g. ghenv-linux-x64-gnu-VERSION.tgz) and the main package
// `ghenv` (ghenv-VERSION.tgz: the shim in npm/ghenv/bin/ghenv, with exact
// optional dependencies on every platform package). KEY is read from the
// binary's header (ELF: machine, and static or musl loader = musl, else gnu;
// Mach-O: cpu type; PE: machine); --target, if given, must agree. The
// Windows packages hold ghenv.exe, the others ghenv. VERSION is
// Cargo.toml's. The tarballs are made by `npm pack`, so their names and
// contents are npm's own. Prints the path of each tarball, one a line. The
// release workflow runs this once per binary, and the tests in npm/test/ run
// it on the host's binary.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);

/** Each platform package: npm's os/cpu/libc fields for it. */
export const PLATFORMS = {
  "linux-x64-gnu": { os: "linux", cpu: "x64", libc: "glibc", rust: "x86_64-unknown-linux-gnu" },
  "linux-arm64-gnu": { os: "linux", cpu: "arm64", libc: "glibc", rust: "aarch64-unknown-linux-gnu" },
  "linux-x64-musl": { os: "linux", cpu: "x64", libc: "musl", rust: "x86_64-unknown-linux-musl" },
  "linux-arm64-musl": { os: "linux", cpu: "arm64", libc: "musl", rust: "aarch64-unknown-linux-musl" },
  "darwin-x64": { os: "darwin", cpu: "x64", rust: "x86_64-apple-darwin" },
  "darwin-arm64": { os: "darwin", cpu: "arm64", rust: "aarch64-apple-darwin" },
  "win32-x64": { os: "win32", cpu: "x64", rust: "x86_64-pc-windows-msvc", plain: "Windows x64" },
  "win32-arm64": { os: "win32", cpu: "arm64", rust: "aarch64-pc-windows-msvc", plain: "Windows arm64" },
};

/**
 * What the package says the binary is built for: the Rust target where the
 * header tells it. A PE file's toolchain does not show in its machine: MSVC's
 * linker leaves a "Rich" header in the DOS stub, GNU ld none, so a Windows
 * binary without one (a -gnu build) is "Windows x64", never "…-msvc".
 */
export function targetLabel(file, key) {
  const p = PLATFORMS[key];
  if (p.os !== "win32") return p.rust;
  const bytes = fs.readFileSync(file);
  const lfanew = bytes.length >= 0x40 ? bytes.readUInt32LE(0x3c) : 0;
  const stub = bytes.subarray(0x40, Math.min(lfanew, bytes.length));
  return stub.includes(Buffer.from("Rich", "latin1")) ? p.rust : p.plain;
}

/** The binary's file name in a platform package (the shim looks for this one). */
export function binaryName(key) {
  return PLATFORMS[key].os === "win32" ? "ghenv.exe" : "ghenv";
}

const REPOSITORY = "https://github.com/ghenv/ghenv";

function usage(message) {
  process.stderr.write(`pack.mjs: ${message}\nusage: node npm/pack.mjs --binary PATH --out DIR [--target KEY]\n`);
  process.exit(2);
}

/** The [package] version of Cargo.toml. */
export function cargoVersion() {
  const text = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  const pkg = text.split(/^\[/m).find((s) => s.startsWith("package]"));
  const m = pkg && pkg.match(/^version\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error("no [package] version in Cargo.toml");
  return m[1];
}

/** The platform key of a binary, from its ELF, Mach-O or PE header. */
export function detectTarget(file) {
  const fd = fs.openSync(file, "r");
  try {
    const read = (pos, len) => {
      const buf = Buffer.alloc(len);
      const n = fs.readSync(fd, buf, 0, len, pos);
      if (n < len) throw new Error(`${file}: too short for an executable`);
      return buf;
    };
    const head = read(0, 64);
    if (head.readUInt32BE(0) === 0x7f454c46) {
      if (head[4] !== 2 || head[5] !== 1) throw new Error(`${file}: not a 64-bit little-endian ELF`);
      const machine = head.readUInt16LE(18);
      const cpu = { 62: "x64", 183: "arm64" }[machine];
      if (!cpu) throw new Error(`${file}: ELF machine ${machine} has no package`);
      const phoff = Number(head.readBigUInt64LE(32));
      const phentsize = head.readUInt16LE(54);
      const phnum = head.readUInt16LE(56);
      let interp = null;
      for (let i = 0; i < phnum; i++) {
        const ph = read(phoff + i * phentsize, 56);
        if (ph.readUInt32LE(0) === 3 /* PT_INTERP */) {
          const off = Number(ph.readBigUInt64LE(8));
          const size = Number(ph.readBigUInt64LE(32));
          interp = read(off, size).toString("latin1").replace(/\0+$/, "");
        }
      }
      // No loader: static, as the musl builds are; a musl loader: musl.
      const libc = interp === null || interp.includes("ld-musl") ? "musl" : "gnu";
      return `linux-${cpu}-${libc}`;
    }
    const magic = head.readUInt32LE(0);
    if (magic === 0xfeedfacf) {
      const cputype = head.readUInt32LE(4);
      const cpu = { 0x01000007: "x64", 0x0100000c: "arm64" }[cputype];
      if (!cpu) throw new Error(`${file}: Mach-O cpu type ${cputype} has no package`);
      return `darwin-${cpu}`;
    }
    if (head.readUInt32BE(0) === 0xcafebabe) {
      throw new Error(`${file}: a universal Mach-O binary; pack one binary per architecture`);
    }
    if (head.toString("latin1", 0, 2) === "MZ") {
      // The DOS stub's e_lfanew points at the PE signature and COFF header.
      const lfanew = head.readUInt32LE(0x3c);
      const coff = read(lfanew, 6);
      if (coff.readUInt32BE(0) !== 0x50450000) throw new Error(`${file}: an MZ file without a PE header`);
      const machine = coff.readUInt16LE(4);
      const cpu = { 0x8664: "x64", 0xaa64: "arm64" }[machine];
      if (!cpu) throw new Error(`${file}: PE machine 0x${machine.toString(16)} has no package`);
      return `win32-${cpu}`;
    }
    throw new Error(`${file}: not an ELF, Mach-O or PE executable`);
  } finally {
    fs.closeSync(fd);
  }
}

const common = (version) => ({
  version,
  license: "MIT OR Apache-2.0",
  repository: { type: "git", url: `git+${REPOSITORY}.git` },
  homepage: REPOSITORY,
  bugs: `${REPOSITORY}/issues`,
});

export function mainManifest(version) {
  return {
    name: "ghenv",
    ...common(version),
    description:
      "Create, validate and wire a GitHub personal access token into a project's .env and config.toml",
    keywords: ["github", "token", "dotenv", "graphql", "cli"],
    bin: { ghenv: "bin/ghenv" },
    files: ["bin/ghenv", "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
    engines: { node: ">=18" },
    optionalDependencies: Object.fromEntries(
      Object.keys(PLATFORMS).map((key) => [`@ghenv/${key}`, version]),
    ),
  };
}

export function platformManifest(key, version, label = PLATFORMS[key].rust) {
  const p = PLATFORMS[key];
  return {
    name: `@ghenv/${key}`,
    ...common(version),
    description: `The ghenv binary for ${label} (used by the ghenv package)`,
    os: [p.os],
    cpu: [p.cpu],
    ...(p.libc ? { libc: [p.libc] } : {}),
    files: [binaryName(key), "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
    // Yarn PnP: run the binary from disk, not from a zip.
    preferUnplugged: true,
  };
}

/** `npm pack` in dir, into out; the tarball's path. */
function npmPack(dir, out) {
  const json = execFileSync(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", out],
    { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return path.join(out, JSON.parse(json)[0].filename);
}

function stage(manifest, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ghenv-pack-"));
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, { from, text, mode }] of Object.entries(files)) {
    const to = path.join(dir, name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (from) fs.copyFileSync(from, to);
    else fs.writeFileSync(to, text);
    fs.chmodSync(to, mode ?? 0o644);
  }
  return dir;
}

export function pack({ binary, out, target }) {
  const version = cargoVersion();
  if (target && !PLATFORMS[target]) {
    throw new Error(`unknown target ${target}; one of ${Object.keys(PLATFORMS).join(", ")}`);
  }
  const detected = detectTarget(binary);
  // --target confirms what the header says: a musl binary in the gnu
  // package (or an x64 one in the arm64 package) would fail only on users'
  // machines.
  if (target && target !== detected) {
    throw new Error(`${binary} is a ${detected} binary, not ${target}`);
  }
  const key = detected;
  const label = targetLabel(binary, key);
  fs.mkdirSync(out, { recursive: true });
  const licences = {
    "LICENSE-MIT": { from: path.join(root, "LICENSE-MIT") },
    "LICENSE-APACHE": { from: path.join(root, "LICENSE-APACHE") },
  };
  const platformDir = stage(platformManifest(key, version, label), {
    [binaryName(key)]: { from: binary, mode: 0o755 },
    "README.md": {
      text: `# @ghenv/${key}\n\nThe ghenv ${version} binary for ${label}. Install \`ghenv\` instead: it picks this package on this platform.\n`,
    },
    ...licences,
  });
  const mainDir = stage(mainManifest(version), {
    "bin/ghenv": { from: path.join(here, "ghenv", "bin", "ghenv"), mode: 0o755 },
    "README.md": { from: path.join(here, "ghenv", "README.md") },
    ...licences,
  });
  try {
    return [npmPack(platformDir, out), npmPack(mainDir, out)];
  } finally {
    fs.rmSync(platformDir, { recursive: true, force: true });
    fs.rmSync(mainDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!["--binary", "--out", "--target"].includes(flag)) usage(`unknown argument ${flag}`);
    if (i + 1 >= argv.length) usage(`${flag} needs a value`);
    args[flag.slice(2)] = argv[++i];
  }
  if (!args.binary || !args.out) usage("--binary and --out are required");
  try {
    for (const file of pack(args)) process.stdout.write(`${file}\n`);
  } catch (err) {
    process.stderr.write(`pack.mjs: ${err.message}\n`);
    process.exit(1);
  }
}
