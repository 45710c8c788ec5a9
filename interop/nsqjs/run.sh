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
pids="$pid $lpid"
cleanup() {
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  # shellcheck disable=SC2086
  wait $pids 2>/dev/null || true
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

# A second broker that requires TLS with verified client certificates and AUTH against bin/nsq_authd
certs="$data/certs"
mkdir -p "$certs"
(
  cd "$certs"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=jnsq interop CA"
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
  openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=nsqjs"
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
) >"$data/openssl.log" 2>&1 || { echo "openssl failed:"; cat "$data/openssl.log"; exit 1; }
cat >"$data/auth.json" <<'JSON'
{"ttl": 3600, "identities": [{"identity": "nsqjs", "identity_url": "https://example.invalid/nsqjs", "secret": "nsqjs-secret",
  "tls_required": true, "common_name": "nsqjs",
  "authorizations": [{"topic": "^nsqjs_", "channels": [".*"], "permissions": ["publish", "subscribe"]}]}]}
JSON
ahttp=$(free_port)
stcp=$(free_port)
shttp=$(free_port)
shttps=$(free_port)
"$root/bin/nsq_authd" --http-address=127.0.0.1:"$ahttp" --auth-file="$data/auth.json" >"$data/authd.log" 2>&1 &
apid=$!
"$root/bin/nsqd" --tcp-address=127.0.0.1:"$stcp" --http-address=127.0.0.1:"$shttp" --https-address=127.0.0.1:"$shttps" \
  --data-path="$(mktemp -d -p "$data")" --tls-cert="$certs/server.pem" --tls-key="$certs/server.key" \
  --tls-root-ca-file="$certs/ca.pem" --tls-client-auth-policy=require-verify --tls-required=tcp-https \
  --auth-http-address=127.0.0.1:"$ahttp" >"$data/secured.log" 2>&1 &
spid=$!
pids="$pids $apid $spid"
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$shttp/ping" >/dev/null 2>&1 && break
  kill -0 "$spid" 2>/dev/null || { echo "secured nsqd exited:"; cat "$data/secured.log"; exit 1; }
  sleep 0.5
done

if ! SECURED_NSQD="127.0.0.1:$stcp" TLS_CERTS="$certs" AUTH_SECRET=nsqjs-secret \
    node "$here/interop.js" 127.0.0.1 "$tcp" "127.0.0.1:$lhttp" "127.0.0.1:$http"; then
  echo "--- nsqd log ---"
  tail -50 "$log"
  echo "--- secured nsqd log ---"
  tail -50 "$data/secured.log"
  exit 1
fi
