#!/usr/bin/env bash
# Records a daemon's JDK AOT cache (JEP 483/514/515: classes loaded and linked, method profiles) beside its jar, as
# target/quarkus-app/quarkus-run.aot, which bin/lib/launch.sh then passes to the JVM. Maven runs this when it
# packages broker, lookupd and admin (skip with -Djnsq.aot.skip=true); it does nothing on a JDK older than 25.
# The training run: the daemon on free ports and a scratch data path, a little of what clients do (HTTP, TCP), then
# SIGTERM; the JVM writes the cache as it exits. It never fails the build: without a cache the daemons start as before.
# usage: aot-train.sh MODULE_DIR   (broker, lookupd or admin)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
module=$(basename "$1")
jar="$root/$module/target/quarkus-app/quarkus-run.jar"
aot="${jar%.jar}.aot"
JAVA_OPTS="" # the cache is recorded with the launchers' defaults only
# shellcheck source=jvm.sh
. "$root/bin/lib/jvm.sh"

rm -f "$aot"
if [ "$feature" -lt 25 ] 2>/dev/null || [ ! -f "$jar" ]; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log"
say() { echo "aot-train: $module: $*" >&2; }

case $module in
  broker) args=(--tcp-address=127.0.0.1:0 --http-address=127.0.0.1:0 "--data-path=$work") ;;
  lookupd) args=(--tcp-address=127.0.0.1:0 --http-address=127.0.0.1:0) ;;
  admin) args=(--http-address=127.0.0.1:0 --nsqd-http-address=127.0.0.1:9) ;; # nobody there: its error paths
  *) exit 0 ;;
esac

# Ports the daemon logged ("Listening on: http://127.0.0.1:N", "TCP: listening on 127.0.0.1:N").
port() { sed -n "s/.*$1[^0-9]*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p" "$log" 2>/dev/null | head -1; }

"$java" "${jvm_opts[@]}" "-XX:AOTCacheOutput=$work/cache.aot" -Xlog:aot=warning -jar "$jar" "${args[@]}" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1200); do
  http=$(port "Listening on"); [ -n "$http" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
if [ -z "${http:-}" ]; then
  say "the training run did not start; no AOT cache"; kill $pid 2>/dev/null; wait $pid 2>/dev/null
  exit 0
fi
url="http://127.0.0.1:$http"
get() { curl -s -m 5 -o /dev/null "$url$1"; }
post() { curl -s -m 5 -o /dev/null -X POST --data-binary "${2:-}" "$url$1"; }
be32() { printf "\\$(printf %03o $(($1 >> 24 & 255)))\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))\\$(printf %03o $(($1 & 255)))"; }

for _ in 1 2 3; do
  get /ping; get /info; get /metrics; get /stats; get "/stats?format=json"
done
case $module in
  broker)
    tcp=$(port "TCP: listening on")
    for i in $(seq 20); do post "/pub?topic=aot" "message $i"; done
    post "/mpub?topic=aot" $'one\ntwo\nthree'
    post "/channel/create?topic=aot&channel=ch"; post "/channel/pause?topic=aot&channel=ch"
    post "/channel/unpause?topic=aot&channel=ch"; get "/stats?format=json&topic=aot"
    if [ -n "$tcp" ] && exec 3<>"/dev/tcp/127.0.0.1/$tcp"; then
      identify='{"client_id":"aot","hostname":"aot","feature_negotiation":true,"user_agent":"aot-train"}'
      { printf '  V2'; printf 'IDENTIFY\n'; be32 ${#identify}; printf %s "$identify"
        for i in $(seq 20); do printf 'PUB aot\n'; be32 9; printf 'message %d' $((i % 10)); done
        printf 'MPUB aot\n'; be32 22; be32 2; be32 5; printf hello; be32 5; printf world
        printf 'DPUB aot 10\n'; be32 5; printf later
        printf 'SUB aot ch\nRDY 50\nNOP\n'; } >&3
      timeout 3 head -c 2000 <&3 >/dev/null
      printf 'CLS\n' >&3
      timeout 1 cat <&3 >/dev/null
      exec 3>&-
    fi
    # then a few seconds of load (TCP publishers and a consumer, HTTP publishes), so that the cache's method profiles
    # are those of a broker at work and the JIT compiles the hot paths early after a start
    if [ -n "$tcp" ] && command -v python3 >/dev/null; then
      timeout 60 python3 "$root/bin/lib/aot-load.py" "$tcp" "$http" || say "the training load failed (the cache is kept)"
    fi
    post "/topic/empty?topic=aot"; post "/topic/delete?topic=aot" ;;
  lookupd)
    tcp=$(port "TCP: listening on")
    if [ -n "$tcp" ] && exec 3<>"/dev/tcp/127.0.0.1/$tcp"; then
      identify='{"broadcast_address":"127.0.0.1","tcp_port":4150,"http_port":4151,"version":"1.3.0","hostname":"aot"}'
      { printf '  V1'; printf 'IDENTIFY\n'; be32 ${#identify}; printf %s "$identify"
        printf 'REGISTER aot ch\nREGISTER aot\nPING\n'; } >&3
      timeout 2 head -c 300 <&3 >/dev/null
      get "/lookup?topic=aot"; get /topics; get "/channels?topic=aot"; get /nodes
      printf 'UNREGISTER aot ch\n' >&3
      exec 3>&-
    fi
    post "/topic/create?topic=aot2"; post "/topic/delete?topic=aot2" ;;
  admin)
    for p in / /topics /nodes /lookup /counter /api/topics /api/nodes /api/counter /static/base.css; do get "$p"; done ;;
esac

kill -TERM $pid
for _ in $(seq 1200); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done # the JVM writes the cache as it exits
if kill -0 $pid 2>/dev/null; then
  say "the training run did not exit; no AOT cache"; kill -9 $pid; wait $pid 2>/dev/null
  exit 0
fi
wait $pid
if [ -s "$work/cache.aot" ]; then
  mv "$work/cache.aot" "$aot" && touch "$aot"
else
  say "no AOT cache written:"; tail -5 "$log" >&2
fi
exit 0
