#!/usr/bin/env bash
# Runs one jnsq program, building its module first when the jar is missing or older than the sources.
# usage: launch.sh MODULE JAR [MAIN_CLASS] -- ARGS...
#   MODULE      Maven module directory (broker, lookupd, admin, tools, ...)
#   JAR         jar path inside the module (target/quarkus-app/quarkus-run.jar, target/jnsq-tools.jar)
#   MAIN_CLASS  run this class from JAR's classpath instead of the jar's own main
# Environment: JAVA_HOME, JAVA_OPTS (extra JVM flags), JNSQ_NO_BUILD=1 (never build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
module=$1
jar=$2
shift 2
main=""
if [ "${1:-}" != "--" ]; then
  main=$1
  shift
fi
shift # the --

target="$root/$module/$jar"
stale() {
  [ ! -f "$target" ] && return 0
  [ -n "$(find "$root/protocol/src" "$root/cli/src" "$root/client/src" "$root/$module/src" "$root/$module/pom.xml" \
          -newer "$target" -type f -print -quit 2>/dev/null)" ]
}
if [ "${JNSQ_NO_BUILD:-0}" != "1" ] && stale; then
  echo "jnsq: building $module (this happens once, or after the sources change)..." >&2
  (cd "$root" && ./mvnw -B -q -DskipTests -pl "$module" -am install) >&2
fi

# The JVM: JAVA_HOME when set, else the newest JDK we know on this kind of machine (Temurin 25 starts faster with
# its AOT cache and packs objects tighter), else whatever `java` is.
java="java"
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
else
  for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk; do
    [ -x "$jdk/bin/java" ] && { java="$jdk/bin/java"; break; }
  done
fi
# its major version from the JDK's release file (starting a JVM just to ask would cost more than it saves)
jdk_home="$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")"
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk_home/release" 2>/dev/null)

# JVM defaults for a small server that shares its node (JAVA_OPTS comes last, so it overrides): the serial
# collector, because on a couple of cores a concurrent one takes CPU from the event loops and grows the heap far past
# what is live (measured side by side with nsqd: G1 peaked at 3-20x the RSS, with no better latency); its young
# collections stay short since what a broker keeps between them is small. Heap from little up to half the RAM (or
# the container's limit), direct buffers and code cache capped; compact object headers (JDK 25) shrink every queued
# message. Brokers holding millions of messages in memory may prefer JAVA_OPTS=-XX:+UseG1GC.
opts=(-XX:InitialRAMPercentage=0.2 -XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=256m -Xss512k
      -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError)
case " ${JAVA_OPTS:-} " in
  *" -XX:+Use"*GC" "*) ;; # the user chose a collector: the JVM refuses two
  *) opts+=(-XX:+UseSerialGC) ;;
esac
if [ "${feature:-17}" -ge 25 ] 2>/dev/null; then
  opts+=(-XX:+UseCompactObjectHeaders)
  # Start-up, opt-in (JNSQ_AOT=1): a JDK AOT cache (classes loaded and linked, method profiles) recorded by the first
  # run of this jar, when it exits, and used by the next runs; recorded again when the jar changes. Off by default:
  # the recording run's exit takes seconds, and a run started while it writes the cache logs that it cannot use it.
  if [ "${JNSQ_AOT:-0}" = "1" ] && [ -z "$main" ]; then
    aot="${target%.jar}.$(stat -c %Y "$target").aot"
    if [ -f "$aot" ]; then
      opts+=("-XX:AOTCache=$aot")
    else
      for old in "${target%.jar}".*.aot "${target%.jar}".*.aot.training; do
        [ "$old" != "$aot.training" ] && rm -rf "$old"
      done
    fi
    if [ ! -f "$aot" ] && mkdir "$aot.training" 2>/dev/null; then # one training run at a time; others run without
      opts+=("-XX:AOTCacheOutput=$aot" -Xlog:aot=off -Xlog:cds=off)
    fi
  fi
fi
# shellcheck disable=SC2086
if [ -n "$main" ]; then
  exec "$java" "${opts[@]}" ${JAVA_OPTS:-} -cp "$target" "$main" "$@"
else
  exec "$java" "${opts[@]}" ${JAVA_OPTS:-} -jar "$target" "$@"
fi
