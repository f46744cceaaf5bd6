// npm/pack.mjs's platform detection on made-up ELF, Mach-O and PE headers:
// the release workflow packs eight binaries, only one of which can run here,
// and a binary in the wrong package fails only on users' machines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { cargoVersion, detectTarget, targetLabel } from "../pack.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ghenv-detect-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 64-bit little-endian ELF header for `machine`, with a PT_INTERP of `interp` or none. */
function elf(machine, interp) {
  const buf = Buffer.alloc(256);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = 2; // 64-bit
  buf[5] = 1; // little-endian
  buf.writeUInt16LE(2, 16); // ET_EXEC
  buf.writeUInt16LE(machine, 18);
  buf.writeBigUInt64LE(64n, 32); // e_phoff
  buf.writeUInt16LE(56, 54); // e_phentsize
  buf.writeUInt16LE(interp ? 2 : 1, 56); // e_phnum
  // A PT_LOAD first, then the PT_INTERP pointing at the string at 200.
  buf.writeUInt32LE(1, 64);
  if (interp) {
    buf.writeUInt32LE(3, 120);
    buf.writeBigUInt64LE(200n, 128); // p_offset
    buf.writeBigUInt64LE(BigInt(interp.length + 1), 152); // p_filesz
    buf.write(interp, 200, "latin1");
  }
  return buf;
}

function macho(cputype) {
  const buf = Buffer.alloc(64);
  buf.writeUInt32LE(0xfeedfacf, 0);
  buf.writeUInt32LE(cputype, 4);
  return buf;
}

/** A PE file: the MZ stub's e_lfanew, the PE signature, the COFF machine. */
function pe(machine) {
  const buf = Buffer.alloc(256);
  buf.write("MZ", 0, "latin1");
  buf.writeUInt32LE(0x80, 0x3c); // e_lfanew
  buf.write("PE\0\0", 0x80, "latin1");
  buf.writeUInt16LE(machine, 0x84);
  return buf;
}

/** The files of a .tgz npm pack wrote: name -> contents (ustar, no pax). */
function untar(tgz) {
  const data = zlib.gunzipSync(fs.readFileSync(tgz));
  const field = (off, len) => data.toString("utf8", off, off + len).replace(/\0[^]*$/, "");
  const files = new Map();
  for (let off = 0; off + 512 <= data.length && data[off] !== 0; ) {
    const size = parseInt(field(off + 124, 12).trim() || "0", 8);
    const prefix = field(off + 345, 155);
    const name = prefix ? `${prefix}/${field(off, 100)}` : field(off, 100);
    files.set(name, data.subarray(off + 512, off + 512 + size));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

const packScript = path.join(here, "..", "pack.mjs");

/** `node npm/pack.mjs ARGS`: { code, stdout, stderr }. */
function pack(args) {
  return promisify(execFile)("node", [packScript, ...args]).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
    (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

function file(name, bytes) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
}

test("ELF: machine and loader give the package", () => {
  assert.equal(detectTarget(file("x64-gnu", elf(62, "/lib64/ld-linux-x86-64.so.2"))), "linux-x64-gnu");
  assert.equal(detectTarget(file("arm64-gnu", elf(183, "/lib/ld-linux-aarch64.so.1"))), "linux-arm64-gnu");
  assert.equal(detectTarget(file("x64-static", elf(62, null))), "linux-x64-musl");
  assert.equal(detectTarget(file("arm64-static", elf(183, null))), "linux-arm64-musl");
  assert.equal(detectTarget(file("x64-musl-dyn", elf(62, "/lib/ld-musl-x86_64.so.1"))), "linux-x64-musl");
});

test("Mach-O: the cpu type gives the package; universal binaries and others are refused", () => {
  assert.equal(detectTarget(file("mac-x64", macho(0x01000007))), "darwin-x64");
  assert.equal(detectTarget(file("mac-arm64", macho(0x0100000c))), "darwin-arm64");
  const fat = Buffer.alloc(64);
  fat.writeUInt32BE(0xcafebabe, 0);
  assert.throws(() => detectTarget(file("fat", fat)), /universal/);
  assert.throws(() => detectTarget(file("riscv", elf(243, null))), /ELF machine 243 has no package/);
  assert.throws(
    () => detectTarget(file("script", Buffer.from("#!/bin/sh\necho hi\n".padEnd(80)))),
    /not an ELF, Mach-O or PE executable/,
  );
});

test("PE: the COFF machine gives the package; other machines and bare MZ files are refused", () => {
  assert.equal(detectTarget(file("win-x64.exe", pe(0x8664))), "win32-x64");
  assert.equal(detectTarget(file("win-arm64.exe", pe(0xaa64))), "win32-arm64");
  assert.throws(() => detectTarget(file("win-x86.exe", pe(0x14c))), /PE machine 0x14c has no package/);
  const dos = pe(0x8664);
  dos.write("NE\0\0", 0x80, "latin1");
  assert.throws(() => detectTarget(file("dos.exe", dos)), /an MZ file without a PE header/);
  const cut = Buffer.alloc(64);
  cut.write("MZ", 0, "latin1");
  cut.writeUInt32LE(0x1000, 0x3c);
  assert.throws(() => detectTarget(file("cut.exe", cut)), /too short for an executable/);
});

test("pack.mjs packs a PE binary as ghenv.exe in @ghenv/win32-x64 (os win32, cpu x64)", async () => {
  const version = cargoVersion();
  const out = path.join(tmp, "win-out");
  const r = await pack(["--binary", file("built.exe", pe(0x8664)), "--out", out, "--target", "win32-x64"]);
  assert.equal(r.code, 0, r.stderr);
  const tarball = path.join(out, `ghenv-win32-x64-${version}.tgz`);
  assert.deepEqual(r.stdout.trim().split("\n"), [tarball, path.join(out, `ghenv-${version}.tgz`)]);
  const files = untar(tarball);
  const manifest = JSON.parse(files.get("package/package.json"));
  assert.equal(manifest.name, "@ghenv/win32-x64");
  assert.equal(manifest.version, version);
  assert.deepEqual(manifest.os, ["win32"]);
  assert.deepEqual(manifest.cpu, ["x64"]);
  assert.equal(manifest.libc, undefined);
  assert.deepEqual(manifest.files, ["ghenv.exe", "README.md", "LICENSE-MIT", "LICENSE-APACHE"]);
  assert.ok(files.has("package/ghenv.exe"), [...files.keys()].join(" "));
  assert.ok(!files.has("package/ghenv"), "no ghenv without .exe");
  assert.deepEqual(files.get("package/ghenv.exe"), pe(0x8664), "the binary as it was");
  // No Rich header (as GNU ld links it): no -msvc claimed.
  assert.equal(manifest.description, "The ghenv binary for Windows x64 (used by the ghenv package)");
  assert.doesNotMatch(files.get("package/README.md").toString(), /msvc/);
  const main = JSON.parse(untar(path.join(out, `ghenv-${version}.tgz`)).get("package/package.json"));
  assert.equal(main.optionalDependencies["@ghenv/win32-x64"], version);
  assert.equal(main.optionalDependencies["@ghenv/win32-arm64"], version);
});

test("a PE binary's label: the -msvc target with MSVC's Rich header, else Windows x64/arm64", () => {
  const msvc = pe(0x8664);
  msvc.write("Rich", 0x70, "latin1");
  assert.equal(targetLabel(file("msvc.exe", msvc), "win32-x64"), "x86_64-pc-windows-msvc");
  assert.equal(targetLabel(file("gnu.exe", pe(0x8664)), "win32-x64"), "Windows x64");
  assert.equal(targetLabel(file("gnu-arm.exe", pe(0xaa64)), "win32-arm64"), "Windows arm64");
  assert.equal(targetLabel(file("x64-gnu-elf", elf(62, "/lib64/ld-linux-x86-64.so.2")), "linux-x64-gnu"), "x86_64-unknown-linux-gnu");
});

test("pack.mjs refuses a --target the binary is not for, and bad arguments", async () => {
  const run = pack;
  const musl = file("static", elf(62, null));
  const wrong = await run(["--binary", musl, "--out", path.join(tmp, "out"), "--target", "linux-x64-gnu"]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /is a linux-x64-musl binary, not linux-x64-gnu/);
  assert.equal(fs.existsSync(path.join(tmp, "out")), false, "nothing written");
  const win = await run(["--binary", file("arm.exe", pe(0xaa64)), "--out", path.join(tmp, "out"), "--target", "win32-x64"]);
  assert.equal(win.code, 1);
  assert.match(win.stderr, /is a win32-arm64 binary, not win32-x64/);
  assert.equal(fs.existsSync(path.join(tmp, "out")), false, "nothing written");
  const usage = await run(["--binary", musl]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--binary and --out are required/);
});
