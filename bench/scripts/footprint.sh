#!/usr/bin/env bash
# Start-up and memory of one broker, as a Kubernetes user meets them (README, Benchmarks: footprint and start-up).
#   bench/scripts/footprint.sh start [runs=5]   per run: ms from start to /ping answering, CPU ms used by then,
#                                               RSS after IDLE (5) s idle, threads, ms from SIGTERM to exit
#   bench/scripts/footprint.sh load SCENARIO    RSS idle, peak, and AFTER (20) s after the load ends. SCENARIO:
#       seqdef  compare.sh's: WARM (5) s of warm-up as compare.sh does it, then bench_writer, then bench_reader
#               (SECS=5 each, 200 B messages, --mem-queue-size=10000: the backlog goes to disk)
#       conns   3,500 TCP connections opened (each sends the V2 magic), held 3 s, closed
# OURS=bin/nsqd by default; OURS=~/.cache/nsq-ref/bin/nsqd measures the real nsqd the same way. NSQ's bench tools
# come from REF_BIN (~/.cache/nsq-ref/bin, see ../shared/bench/build-nsq-reference.sh).
set -u
cd "$(dirname "$0")/../.."
OURS=${OURS:-bin/nsqd}
REF=${REF_BIN:-$HOME/.cache/nsq-ref/bin}
export JNSQ_NO_BUILD=1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
start() { # [flags...] -> sets P T H D, and S0 (ns) just before the broker was started; waits for /ping
  T=$(free_port); H=$(free_port); D=$(mktemp -d)
  S0=$(date +%s%N)
  "$OURS" --tcp-address=127.0.0.1:$T --http-address=127.0.0.1:$H --data-path="$D" "$@" >"$D.log" 2>&1 &
  P=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$H/ping"; do
    kill -0 $P 2>/dev/null || { echo "broker exited: $(tail -3 "$D.log")" >&2; exit 1; }
    sleep 0.005
  done
}
stop() { # -> ms from SIGTERM to exit
  local k0; k0=$(date +%s%N)
  kill $P
  while kill -0 $P 2>/dev/null; do sleep 0.01; done
  echo $(( ($(date +%s%N) - k0) / 1000000 ))
  rm -rf "$D" "$D.log"
}

case ${1:-start} in
  start)
    for _ in $(seq "${2:-5}"); do
      start # the clock starts as the broker does (not while this script picks free ports)
      ms=$(( ($(date +%s%N) - S0) / 1000000 ))
      cpu=$(awk '{print ($14 + $15) * 1000 / 100}' /proc/$P/stat) # utime + stime, clock ticks of 10 ms
      sleep "${IDLE:-5}"
      echo "ping_ms=$ms cpu_ms=$cpu idle_rss_kb=$(rss $P) threads=$(awk '/Threads/{print $2}' /proc/$P/status) exit_ms=$(stop)"
    done ;;
  load)
    start --mem-queue-size=10000
    sleep 2
    idle=$(rss $P)
    case ${2:-seqdef} in
      seqdef)
        curl -s -X POST "http://127.0.0.1:$H/topic/create?topic=sub_bench" >/dev/null
        curl -s -X POST "http://127.0.0.1:$H/channel/create?topic=sub_bench&channel=ch" >/dev/null
        w=${WARM:-5}
        "$REF/bench_writer" --runfor=${w}s --size=200 --topic=warm --nsqd-tcp-address=127.0.0.1:$T >/dev/null 2>&1 &
        wp=$!
        "$REF/bench_reader" --runfor=${w}s --size=200 --topic=warm --channel=ch --nsqd-tcp-address=127.0.0.1:$T >/dev/null 2>&1
        wait $wp
        curl -s -X POST "http://127.0.0.1:$H/topic/delete?topic=warm" >/dev/null
        command -v wrk >/dev/null && wrk -t1 -c8 -d${w}s -s ../shared/bench/post.lua "http://127.0.0.1:$H/pub?topic=warm" >/dev/null 2>&1
        curl -s -X POST "http://127.0.0.1:$H/topic/delete?topic=warm" >/dev/null
        "$REF/bench_writer" --runfor=${SECS:-5}s --size=200 --nsqd-tcp-address=127.0.0.1:$T 2>&1 | grep -o '[0-9.]*ops/s' | sed 's/^/write /'
        "$REF/bench_reader" --runfor=${SECS:-5}s --size=200 --nsqd-tcp-address=127.0.0.1:$T 2>&1 | grep -o '[0-9.]*ops/s' | sed 's/^/read /' ;;
      conns)
        python3 - "$T" <<'PY'
import socket, sys, time
conns = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(3500)]
for c in conns:
    c.sendall(b"  V2")
time.sleep(3)
for c in conns:
    c.close()
PY
        ;;
    esac
    peak=$(awk '/VmHWM/{print $2}' /proc/$P/status)
    sleep "${AFTER:-20}"
    echo "${2:-seqdef}: idle_rss_kb=$idle peak_rss_kb=$peak rss_${AFTER:-20}s_after_kb=$(rss $P) exit_ms=$(stop)" ;;
  *) echo "usage: $0 start [runs] | load seqdef|conns" >&2; exit 2 ;;
esac
