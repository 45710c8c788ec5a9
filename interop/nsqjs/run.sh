#!/usr/bin/env bash
# Runs the nsqjs interop checks (interop.js) against real bin/nsqd and bin/nsqlookupd processes on free ports.
# Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
tcp=$(free_port)
http=$(free_port)
ltcp=$(free_port)
lhttp=$(free_port)
data=$(mktemp -d)
log="$data/nsqd.log"

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

"$root/bin/nsqlookupd" --tcp-address=127.0.0.1:"$ltcp" --http-address=127.0.0.1:"$lhttp" >"$data/lookupd.log" 2>&1 &
lpid=$!
"$root/bin/nsqd" --tcp-address=127.0.0.1:"$tcp" --http-address=127.0.0.1:"$http" --data-path="$data" \
  --lookupd-tcp-address=127.0.0.1:"$ltcp" --broadcast-address=127.0.0.1 >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" "$lpid" 2>/dev/null || true
  wait "$pid" "$lpid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$http/ping" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "nsqd exited:"; cat "$log"; exit 1; }
  sleep 0.5
done

for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$lhttp/ping" >/dev/null 2>&1 && break
  sleep 0.5
done

if ! node "$here/interop.js" 127.0.0.1 "$tcp" "127.0.0.1:$lhttp" "127.0.0.1:$http"; then
  echo "--- nsqd log ---"
  tail -50 "$log"
  exit 1
fi
