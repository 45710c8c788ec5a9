#!/usr/bin/env bash
# Where the CPU goes in compare.sh's "simultaneous" scenario (README, Benchmarks): one broker, WARM (5) s of warm-up
# as compare.sh does it (bench_writer + bench_reader on another topic), then bench_writer and bench_reader at once from
# a common deadline for SECS (5) s, 200 B messages. Prints the two rates, the CPU each bench tool used, the broker's
# CPU in that window (per thread with THREADS=1), and how long the broker took to exit after SIGTERM and what it left
# on disk. Unlike compare.sh, each broker has exited before the next one starts.
#   bench/scripts/cpu-split.sh ours|ref [runs=1]      MEMQ=1000000 (sim1M; 10000 for simdef)
# PROFILE=/path/to/libasyncProfiler.so (async-profiler, e.g. from Maven Central's tools.profiler:async-profiler jar)
# profiles our broker over the measured window only (attached with the JDK's jcmd once the warm-up is over) and
# writes collapsed stacks per thread to PROFILE_OUT (/tmp/cpu-split-profile.txt).
# On 2 cores the machine is the limit, not one thread: the bench tools' own CPU is most of it, so the broker's CPU
# per message bounds the ratio a side-by-side run can show. So each run also prints the CPU per message of each party
# (the writer's per message written, the reader's per message read, the broker's, user + kernel, per message through
# it) and the tools-only ceiling: the rate at which bench_writer and bench_reader alone would use every core, which no
# broker, however cheap, can pass here. A target rate R leaves the broker cores/R - writer - reader us per message.
# NSQ's tools and nsqd come from REF_BIN (~/.cache/nsq-ref/bin, see ../shared/bench/build-nsq-reference.sh).
set -u
cd "$(dirname "$0")/../.."
REF=${REF_BIN:-$HOME/.cache/nsq-ref/bin}
export JNSQ_NO_BUILD=1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{print ($14 + $15) * 10}' "$1/stat"; } # ms used by /proc/PID (or a task of it): utime + stime, ticks of 10 ms
sys_ms() { awk '{print $15 * 10}' "$1/stat"; } # the kernel's part of it
threads() { for t in /proc/"$1"/task/*; do echo "$(basename "$t") $(cpu "$t") $(tr ' ' _ <"$t/comm")"; done | sort; }

profiler() { # pid command: async-profiler in the running JVM, through the jcmd of the JDK our launchers pick
  local jcmd=jcmd
  if [ -n "${JAVA_HOME:-}" ]; then jcmd="$JAVA_HOME/bin/jcmd"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd ]; then jcmd=/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd; fi
  "$jcmd" "$1" "JVMTI.agent_load $PROFILE \"$2\"" >/dev/null
}

run() { # ours|ref
  local T H D P w b0 a0 k0
  local broker
  case $1 in
    ours) broker=bin/nsqd ;;
    ref) broker=$REF/nsqd ;;
    *) echo "usage: $0 ours|ref [runs]" >&2; exit 2 ;;
  esac
  T=$(free_port); H=$(free_port); D=$(mktemp -d)
  "$broker" --mem-queue-size="${MEMQ:-1000000}" --tcp-address=127.0.0.1:$T --http-address=127.0.0.1:$H \
    --data-path="$D" >"$D.log" 2>&1 &
  P=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$H/ping"; do
    kill -0 $P 2>/dev/null || { echo "broker exited: $(tail -3 "$D.log")" >&2; exit 1; }
    sleep 0.01
  done
  curl -s -X POST "http://127.0.0.1:$H/topic/create?topic=sub_bench" >/dev/null
  curl -s -X POST "http://127.0.0.1:$H/channel/create?topic=sub_bench&channel=ch" >/dev/null
  "$REF/bench_writer" --runfor="${WARM:-5}s" --size=200 --topic=warm --nsqd-tcp-address=127.0.0.1:$T >/dev/null 2>&1 &
  w=$!
  "$REF/bench_reader" --runfor="${WARM:-5}s" --size=200 --topic=warm --channel=ch --nsqd-tcp-address=127.0.0.1:$T >/dev/null 2>&1
  wait $w
  curl -s -X POST "http://127.0.0.1:$H/topic/delete?topic=warm" >/dev/null
  threads $P >"$D.tb"; b0=$(cpu /proc/$P); s0=$(sys_ms /proc/$P)
  [ -n "${PROFILE:-}" ] && [ "$1" = ours ] && profiler $P "start,event=cpu,interval=200us,threads"
  local dl; dl=$(date -d '+2 sec' '+%Y-%m-%d %H:%M:%S')
  /usr/bin/time -f "writer_cpu_s=%U+%S" "$REF/bench_writer" --runfor="${SECS:-5}s" --size=200 \
    --nsqd-tcp-address=127.0.0.1:$T --deadline="$dl" >"$D.w" 2>&1 &
  w=$!
  /usr/bin/time -f "reader_cpu_s=%U+%S" "$REF/bench_reader" --runfor="${SECS:-5}s" --size=200 \
    --nsqd-tcp-address=127.0.0.1:$T --deadline="$dl" >"$D.r" 2>&1
  wait $w
  a0=$(cpu /proc/$P); s1=$(sys_ms /proc/$P); threads $P >"$D.ta"
  [ -n "${PROFILE:-}" ] && [ "$1" = ours ] && profiler $P "stop,file=${PROFILE_OUT:-/tmp/cpu-split-profile.txt},collapsed"
  local wr rr wc rc
  wr=$(grep -o '[0-9.]*ops/s' "$D.w"); rr=$(grep -o '[0-9.]*ops/s' "$D.r")
  wc=$(grep -o 'writer_cpu_s=[0-9.+]*' "$D.w"); rc=$(grep -o 'reader_cpu_s=[0-9.+]*' "$D.r")
  echo "$1 write=$wr read=$rr $wc $rc broker_cpu_ms=$((a0 - b0))"
  # per message, in microseconds: the tools' CPU from time(1) (user+sys seconds), the broker's from /proc
  awk -v w="${wr%ops/s}" -v r="${rr%ops/s}" -v wc="${wc#*=}" -v rc="${rc#*=}" -v b=$((a0 - b0)) -v bs=$((s1 - s0)) -v secs="${SECS:-5}" -v cores="$(nproc)" 'BEGIN {
    split(wc, x, "+"); split(rc, y, "+"); nw = w * secs; nr = r * secs; nb = (nw + nr) / 2
    if (nw <= 0 || nr <= 0) exit
    wu = (x[1] + x[2]) * 1e6 / nw; ru = (y[1] + y[2]) * 1e6 / nr
    printf "  per_msg_us: writer=%.2f reader=%.2f broker=%.2f (user %.2f + sys %.2f); tools_only_ceiling=%d msg/s on %d cores\n",
      wu, ru, b * 1000 / nb, (b - bs) * 1000 / nb, bs * 1000 / nb, cores * 1e6 / (wu + ru), cores }'
  [ -n "${THREADS:-}" ] && join "$D.tb" "$D.ta" | awk '{d=$4-$2; if (d>=50) printf "  %s=%dms", $3, d} END {print ""}'
  k0=$(date +%s%N); kill $P; wait $P
  echo "  exit_ms=$(( ($(date +%s%N) - k0) / 1000000 )) left_on_disk_mb=$(du -sm "$D" | cut -f1)"
  rm -rf "$D" "$D".*
}

for _ in $(seq "${2:-1}"); do run "${1:-ours}"; done
