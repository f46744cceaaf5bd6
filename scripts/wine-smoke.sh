#!/usr/bin/env bash
# Smoke test of the Windows build under Wine: cross-builds ghenv.exe (debug,
# x86_64-pc-windows-gnu), then runs the everyday commands with it in a
# throwaway Wine prefix: --version, init (offline, and against a GitHub
# look-alike on 127.0.0.1), check, run (the child sees the variable, its
# exit code comes back), keygen + init --encrypt + unlock, scan, doctor
# --offline, and one request through proxy.
#
# Ends with `wine: N passed, M failed` and exits non-zero on a failure.
# When the Windows target, mingw-w64 or Wine cannot be had, it says
# `wine: SKIPPED: <why>` and exits 0 (WINE_SMOKE_REQUIRED=1 makes that a
# failure); it never says "passed" then.
#
# What Wine cannot show: Wine 8 keeps no DACLs (it derives them from Unix
# modes), so the owner-only DACL ghenv gives secret files is not checked
# here, and doctor reports such a file as shared under Wine.
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
target=x86_64-pc-windows-gnu
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

skip() {
  echo "wine: SKIPPED: $*" >&2
  if [ "${WINE_SMOKE_REQUIRED:-0}" = 1 ]; then exit 1; fi
  exit 0
}

as_root_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
  else
    return 1
  fi
}

# --- what it needs -----------------------------------------------------------
command -v python3 >/dev/null 2>&1 || skip "python3 is missing (the GitHub look-alike and token maker)"
command -v curl >/dev/null 2>&1 || as_root_install curl || skip "curl is missing and cannot be installed"
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  rustup target add "$target" >/dev/null 2>&1 || skip "the Rust target $target is not installed and rustup could not add it"
fi
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || as_root_install gcc-mingw-w64-x86-64 \
  || skip "x86_64-w64-mingw32-gcc (gcc-mingw-w64-x86-64) is missing and cannot be installed"
find_wine() {
  for w in /usr/lib/wine/wine64 wine64 wine; do
    if command -v "$w" >/dev/null 2>&1; then echo "$w"; return 0; fi
  done
  return 1
}
wine_bin="$(find_wine)" || { as_root_install wine64 && wine_bin="$(find_wine)"; } \
  || skip "Wine (wine64) is missing and cannot be installed"

# --- build ----------------------------------------------------------------
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER:-x86_64-w64-mingw32-gcc}"
echo "wine: building ghenv.exe ($target, debug)" >&2
cargo build --locked --target "$target" >&2 || { echo "wine: 0 passed, 1 failed (the cross-build)"; exit 1; }

work="$(mktemp -d)"
stub_pid=""
cleanup() {
  [ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null
  WINEPREFIX="$work/prefix" wineserver -k >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Wine 8 (Debian 12) lacks bcryptprimitives.dll, whose ProcessPrng std
# calls at start-up: a stand-in next to the .exe (scripts/wine/).
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32 \
  || { echo "wine: 0 passed, 1 failed (the bcryptprimitives.dll stand-in)"; exit 1; }
cp "$target_dir/$target/debug/ghenv.exe" "$work/ghenv.exe"

# A clean environment: no token or setting of the caller's leaks in, and
# ghenv's per-user folders are the prefix's %APPDATA% and %LOCALAPPDATA%.
for v in $(env | sed -n 's/^\(GHENV_[A-Za-z0-9_]*\)=.*/\1/p; s/^\(GITHUB_[A-Za-z0-9_]*\)=.*/\1/p; s/^\(GH_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset XDG_CONFIG_HOME XDG_CACHE_HOME CI NO_COLOR
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

token="$(python3 -c '
import secrets, zlib
b = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
r = "".join(secrets.choice(b) for _ in range(30))
n = zlib.crc32(r.encode()); s = ""
for _ in range(6):
    s = b[n % 62] + s; n //= 62
print("ghp_" + r + s)')"

passed=0
failed=0
out="$work/out.txt"
ghenv() { timeout 180 "$wine_bin" "$work/ghenv.exe" "$@"; }
# The output of the last step, token masked, for a failure's report.
shown() { sed "s/$token/<TOKEN>/g" "$out" | tail -n 25 | sed 's/^/    /'; }
ok() { passed=$((passed + 1)); echo "wine: ok   $1"; }
bad() { failed=$((failed + 1)); echo "wine: FAIL $1"; shown; }
# expect NAME CODE CMD...: CMD exits with CODE.
expect() {
  local name="$1" want="$2"; shift 2
  "$@" >"$out" 2>&1
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name"; else bad "$name (exit $got, wanted $want)"; fi
}
has() { grep -q -- "$1" "$2"; }

# The first start creates the prefix (a few seconds).
"$wine_bin" wineboot -i >/dev/null 2>&1 || true

# 1. --version
expect "ghenv.exe --version" 0 ghenv --version
has "ghenv " "$out" || bad "--version prints the version"

# 2. init --offline, in a Vite project
proj="$work/proj"; mkdir -p "$proj"; cd "$proj"
echo '{"name":"app","devDependencies":{"vite":"5.0.0"},"scripts":{"dev":"vite"}}' >package.json
expect "init --offline --token-stdin" 0 bash -c 'printf "%s\n" "$1" | "$2" "$3" init --offline --token-stdin --template vite' _ "$token" "$wine_bin" "$work/ghenv.exe"
if has "$token" .env && [ -f config.toml ] && ! grep -q $'\r' .env; then ok "init wrote .env (LF) and config.toml"; else bad "init wrote .env (LF) and config.toml"; fi
if grep -rq "$token" config.toml .env.example .gitignore; then bad "the token is only in .env"; else ok "the token is only in .env"; fi

# 3. check against the look-alike
GHENV_STUB_TOKEN="$token" python3 "$repo/scripts/wine/github_stub.py" "$work/port" &
stub_pid=$!
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port" 2>/dev/null)"
endpoint="http://127.0.0.1:$port/graphql"
expect "check against a GitHub look-alike" 0 ghenv check --endpoint "$endpoint"
has "Account     x" "$out" || bad "check names the account"
expect "init against the look-alike (validated)" 0 bash -c 'printf "%s\n" "$1" | "$2" "$3" init --token-stdin --endpoint "$4"' _ "$token" "$wine_bin" "$work/ghenv.exe" "$endpoint"
has "validated = true" config.toml && ok "config.toml says validated" || bad "config.toml says validated"

# 4. run: the child sees the variable, its exit code comes back
expect "run -- cmd /c echo %VAR%" 0 ghenv run -- cmd /c "echo %VITE_GITHUB_PERSONAL_ACCESS_TOKEN%"
if has "$token" "$out"; then ok "run: the child sees the token variable"; else bad "run: the child sees the token variable"; fi
expect "run -- cmd /c exit 7: the child's code comes back" 7 ghenv run -- cmd /c "exit 7"
expect "run with a missing program fails cleanly (127)" 127 ghenv run -- ghenv-no-such-program-here
# npm, npx and yarn are .cmd files on Windows: `run -- npm start` must find
# them on PATH as cmd.exe would (PATHEXT), not only .exe files.
mkdir -p "$work/bin"
printf '@echo ran-%%1\r\n@exit /b 3\r\n' >"$work/bin/tooly.cmd"
winpath="Z:$(printf '%s' "$work/bin" | tr '/' '\\')"
expect "run -- tooly (a .cmd on PATH): its code comes back" 3 env WINEPATH="$winpath" "$wine_bin" "$work/ghenv.exe" run -- tooly hello
if has "ran-hello" "$out"; then ok "run finds a .cmd program on PATH"; else bad "run finds a .cmd program on PATH"; fi
grep -q "$token" "$out" && bad "the token stays out of run's errors"

# 5. CRLF: a rewritten CRLF .env keeps CRLF
printf 'OTHER=1\r\nVITE_GITHUB_PERSONAL_ACCESS_TOKEN=%s\r\n' "$token" >.env
expect "init over a CRLF .env" 0 bash -c 'printf "%s\n" "$1" | "$2" "$3" init --offline --token-stdin --template vite' _ "$token" "$wine_bin" "$work/ghenv.exe"
if python3 -c '
import sys
t = open(".env", "rb").read()
sys.exit(not (t.startswith(b"OTHER=1\r\n") and b"GRAPHQL_URL" in t and t.count(b"\n") == t.count(b"\r\n")))'; then
  ok "the CRLF .env keeps CRLF"; else bad "the CRLF .env keeps CRLF"; fi

# 6. keygen, init --encrypt, unlock
expect "keygen" 0 ghenv keygen
ls "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/ghenv/identity.txt >/dev/null 2>&1 \
  && ok "the identity is under %APPDATA%\\ghenv" || bad "the identity is under %APPDATA%\\ghenv"
enc="$work/enc"; mkdir -p "$enc"; cd "$enc"
expect "init --offline --encrypt" 0 bash -c 'printf "%s\n" "$1" | "$2" "$3" init --offline --token-stdin --template vite --encrypt' _ "$token" "$wine_bin" "$work/ghenv.exe"
if has "BEGIN AGE ENCRYPTED FILE" config.toml && ! has "$token" config.toml; then ok "config.toml holds the token encrypted only"; else bad "config.toml holds the token encrypted only"; fi
rm -f .env
expect "unlock" 0 ghenv unlock
has "$token" .env && ok "unlock wrote the token back" || bad "unlock wrote the token back"

# 7. scan
mkdir -p "$work/scan/clean" "$work/scan/dirty/sub"
echo hello >"$work/scan/clean/a.txt"
echo "const t = '$token';" >"$work/scan/dirty/sub/leak.js"
cd "$work/scan"
expect "scan: a clean folder" 0 ghenv scan clean
expect "scan: finds a token (exit 1)" 1 ghenv scan dirty
if has "leak.js:1" "$out" && ! has "$token" "$out"; then ok "scan names the file, masks the token"; else bad "scan names the file, masks the token"; fi

# 8. doctor --offline (a Vite app: Vite restarts its server by itself, so
# doctor says nothing about it), then a Create React App project, whose
# server keeps the old .env: on Windows doctor says it cannot tell.
cd "$proj"
expect "doctor --offline" 0 ghenv doctor --offline
grep -q "$token" "$out" && bad "the token stays out of doctor's output"
cra="$work/cra"; mkdir -p "$cra"; cd "$cra"
echo '{"name":"app","dependencies":{"react-scripts":"5.0.1"},"scripts":{"start":"react-scripts start"}}' >package.json
expect "init --offline in a CRA project" 0 bash -c 'printf "%s\n" "$1" | "$2" "$3" init --offline --token-stdin' _ "$token" "$wine_bin" "$work/ghenv.exe"
expect "doctor --offline in a CRA project" 0 ghenv doctor --offline
has "cannot tell on this system" "$out" && ok "doctor says the dev-server check is unavailable" \
  || bad "doctor says the dev-server check is unavailable"
cd "$proj"

# 9. proxy: one request through it, then it stops with its command's code
proxy_port=$((20000 + RANDOM % 20000))
before="$(cat "$work/port.count" 2>/dev/null || echo 0)"
( ghenv proxy --graphiql --endpoint "$endpoint" --port "$proxy_port" -- cmd /c "ping -n 12 127.0.0.1 >NUL & exit 3" >"$work/proxy.txt" 2>&1; echo "$?" >"$work/proxy.code" ) &
proxy_job=$!
code=000
for _ in $(seq 1 60); do
  code="$(curl -s -o "$work/resp.json" -w '%{http_code}' -X POST -H 'Origin: http://localhost:5173' \
    -H 'Content-Type: application/json' --data '{"query":"{ viewer { login } }"}' \
    "http://127.0.0.1:$proxy_port/graphql" 2>/dev/null)"
  [ "$code" != 000 ] && break
  sleep 0.5
done
after="$(cat "$work/port.count" 2>/dev/null || echo 0)"
if [ "$code" = 200 ] && grep -q '"login": "x"' "$work/resp.json" && [ "$after" -gt "$before" ]; then
  ok "proxy: a request reaches the look-alike with the token"
else
  cp "$work/proxy.txt" "$out" 2>/dev/null; bad "proxy: a request reaches the look-alike with the token (HTTP $code)"
fi
# --graphiql: the page and GraphiQL's files come from the Windows binary.
page="$(curl -s "http://127.0.0.1:$proxy_port/" 2>/dev/null)"
js_code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' \
  "http://127.0.0.1:$proxy_port/graphiql/graphiql.min.js" 2>/dev/null)"
if has "/graphiql/graphiql.min.js" <(printf '%s' "$page") && [ "$js_code" = 200 ]; then
  ok "proxy --graphiql serves GraphiQL's page and files"
else
  bad "proxy --graphiql serves GraphiQL's page and files (HTTP $js_code)"
fi
wait "$proxy_job"
if [ "$(cat "$work/proxy.code" 2>/dev/null)" = 3 ]; then ok "proxy exits with its command's code"; else cp "$work/proxy.txt" "$out"; bad "proxy exits with its command's code"; fi

echo "wine: $passed passed, $failed failed"
[ "$failed" = 0 ]
