#!/usr/bin/env bash
# Runs every check of ghenv on a fresh machine: installs what the tests need,
# then rustfmt, clippy, `cargo test` and the .env compatibility tests.
#
#   git, age (the reference Go age, for interop), ssh-keygen,
#   script (util-linux, for the pseudo-terminal tests),
#   openssl (a CA and a TLS server for the TLS tests)            apt-get
#   node + npm, compat/node_modules (dotenv, dotenv-expand, vite,
#     husky, @apollo/client), compat/cra (react-scripts)        apt-get, npm ci
#   python-dotenv, pre-commit                                    pip
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

if [ ! -d compat/node_modules/vite ] || [ ! -d compat/node_modules/husky ] \
   || [ ! -d compat/node_modules/@apollo/client ]; then
  npm ci --prefix compat --no-audit --no-fund --loglevel=error >&2
fi
# Create React App (react-scripts 5), for a real CRA build in the doctor test.
if [ ! -d compat/cra/node_modules/react-scripts ]; then
  npm ci --prefix compat/cra --no-audit --no-fund --loglevel=error >&2
fi
pip_install() {
  python3 -m pip install --quiet "$@" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "$@"
}
python3 -c 'import dotenv' 2>/dev/null || pip_install python-dotenv
command -v pre-commit >/dev/null 2>&1 || python3 -m pre_commit --version >/dev/null 2>&1 || pip_install pre-commit

# Style and lints first: a failure here is cheaper to read than a test's.
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked "$@"
# The .env compatibility tests and the hook-manager tests need the packages
# installed above (real dotenv readers, husky, pre-commit).
cargo test --locked --test compat --test hook_managers "$@" -- --ignored
