#!/usr/bin/env bash
# ctest entry (label: gateway): installs Portkey's open-source gateway (npm @portkey-ai/gateway, a pinned
# version) into a cache folder, gates it with the mock as its OpenAI upstream and as its Anthropic upstream
# with the gate files docs/gateways.md shows (docs/gateways/portkey*.gate.yaml), and holds the reports to what this version is known to do
# (portkey_findings.mjs): its real defects fail, for their reasons, and everything else passes.
# Exits 77 (skipped) with the reason when Node.js, npm or the npm registry is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
gates=$(cd "$here/../../docs/gateways" && pwd)
binary=$1
version=1.15.2
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool is not installed; the real-gateway test needs Node.js and npm"
    exit 77
  fi
done
cache=${GATECHECK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gatecheck}/portkey-$version
server=$cache/node_modules/@portkey-ai/gateway/build/start-server.js
if [[ ! -f $server ]]; then
  mkdir -p "$cache"
  if ! timeout 300 npm install --prefix "$cache" --no-audit --no-fund --silent "@portkey-ai/gateway@$version" \
      >"$cache/npm.log" 2>&1 || [[ ! -f $server ]]; then
    echo "SKIPPED: could not install @portkey-ai/gateway@$version from the npm registry:"
    tail -5 "$cache/npm.log"
    exit 77
  fi
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for gate in portkey portkey-anthropic; do
  PORTKEY_DIR=$cache timeout 900 "$binary" gate "$gates/$gate.gate.yaml" --report "json=$out/$gate.json" \
    --gateway-log "$out/$gate.log" >"$out/$gate.out" 2>&1
  code=$?
  if ! node "$here/portkey_findings.mjs" "$gate" "$out/$gate.json" "$code"; then
    echo "--- gatecheck gate $gate.gate.yaml (exit $code):"; cat "$out/$gate.out"
    echo "--- Portkey's log:"; tail -30 "$out/$gate.log"
    status=1
  fi
done
exit $status
