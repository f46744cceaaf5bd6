#!/usr/bin/env bash
# Builds ghenv without apollo-compiler, for bench/RESULTS.md's comparison
# (issue 33, item 6), in a worktree at $1 (default /tmp/ghenv-without-apollo)
# and prints the binary's path. Measurement only: probe, schema and the
# app checks stop with "not implemented" in that binary.
#
# Two parts, both needed for a fair comparison:
# - bench/without-apollo.patch ends the four functions through which any
#   code reaches apollo-compiler, so LTO drops its code;
# - apollo-compiler's dependency serde_json_bytes (and its jsonpath-rust)
#   takes regex with its default features, which turn on regex-syntax's
#   Unicode tables in the regex stack that globset and ignore (ghenv's own
#   dependencies) use too. Cargo unifies features by the dependency graph,
#   not by what runs, so dead code alone keeps them: the two crates are
#   patched to take regex with only "std" and "perf", as ghenv would get
#   without apollo-compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/ghenv-without-apollo}
registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -n 1)
git worktree add -f --detach "$out" HEAD >/dev/null
git -C "$out" apply "$PWD/bench/without-apollo.patch"
mkdir -p "$out/.patched"
for crate in jsonpath-rust-0.3.5 serde_json_bytes-0.2.6; do
  cp -a "$registry/$crate" "$out/.patched/"
  python3 - "$out/.patched/$crate/Cargo.toml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r'(\[dependencies\.regex\]\nversion = "[^"]+"\n)',
           r'\1default-features = false\nfeatures = ["std", "perf"]\n', s)
open(p, "w").write(s)
PY
done
cat >>"$out/Cargo.toml" <<'TOML'

[patch.crates-io]
jsonpath-rust = { path = ".patched/jsonpath-rust-0.3.5" }
serde_json_bytes = { path = ".patched/serde_json_bytes-0.2.6" }
TOML
(cd "$out" && cargo build --release -q)
echo "${CARGO_TARGET_DIR:-$out/target}/release/ghenv"
