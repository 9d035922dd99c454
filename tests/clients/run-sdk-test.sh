#!/usr/bin/env bash
# ctest entry (label: clients): starts the mock binary, runs the official openai SDK and the AI SDK against it,
# stops it.
# Exits 77 (skipped) with the reason when Node or the SDK is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=$1
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: Node.js is not installed; the real-client tests need it"
  exit 77
fi
for package in openai ai @ai-sdk/openai zod; do
  if [[ ! -d "$here/node_modules/$package" ]]; then
    echo "SKIPPED: the npm package $package is not installed (scripts/setup installs the client tests' packages into tests/clients/node_modules)"
    exit 77
  fi
done
out=$(mktemp)
"$binary" mock --port 0 --config "$here/sdk-mock.yaml" >"$out" 2>"$out.err" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(head -n 1 "$out" 2>/dev/null)
  [[ -n "$port" ]] && break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "the mock did not start:"; cat "$out.err"
  kill "$pid" 2>/dev/null; exit 1
fi
PORT="$port" timeout 120 node "$here/sdk_conformance.mjs"
status=$?
kill -TERM "$pid"
wait "$pid"
rm -f "$out" "$out.err"
exit $status
