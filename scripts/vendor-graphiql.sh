#!/usr/bin/env bash
# Vendors the files `ghenv proxy --graphiql` serves into assets/graphiql/:
# GraphiQL's browser build and the React it runs on, from the npm
# registry at the versions below, each file gzip-compressed (the proxy
# sends them as they are, with Content-Encoding: gzip), with the packages'
# licences and a SOURCES list (package, tarball integrity, file, SHA-256
# of the uncompressed file).
#
# GraphiQL 4.1 is the last version with a browser (UMD) build: 5.x needs a
# bundler. React 18.3 is the last with UMD files (19 has none).
#
# The compat suite (tests/compat.rs) checks every vendored file against
# the same package installed by `npm ci --prefix compat`, so a file that
# is not the registry's fails .ci/run. Run this after changing a version
# here and in compat/package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  "graphiql@4.1.2 package/graphiql.min.js package/graphiql.min.css"
  "react@18.3.1 package/umd/react.production.min.js"
  "react-dom@18.3.1 package/umd/react-dom.production.min.js"
)

out=assets/graphiql
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -f "$out"/*.gz "$out"/LICENSE.* "$out"/SOURCES
mkdir -p "$out"
{
  echo "# What assets/graphiql/*.gz are: written by scripts/vendor-graphiql.sh."
  echo "# package@version  tarball integrity  file in the tarball  sha256 of the file"
} >"$out/SOURCES"
for entry in "${packages[@]}"; do
  read -r spec files <<<"$entry"
  name="${spec%@*}"
  (cd "$work" && npm pack "$spec" --json --silent >"$name.json")
  tarball="$work/$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[0].filename)' "$work/$name.json")"
  integrity="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[0].integrity)' "$work/$name.json")"
  mkdir -p "$work/$name"
  tar -xzf "$tarball" -C "$work/$name"
  cp "$work/$name/package/LICENSE" "$out/LICENSE.$name"
  for file in $files; do
    base="$(basename "$file")"
    gzip -9 -n -c "$work/$name/$file" >"$out/$base.gz"
    sum="$(sha256sum "$work/$name/$file" | cut -d' ' -f1)"
    echo "$spec $integrity $file $sum" >>"$out/SOURCES"
  done
done
ls -l "$out"
