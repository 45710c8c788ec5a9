#!/usr/bin/env bash
# Runs one jnsq program, building its module first when the jar is missing or older than the sources.
# usage: launch.sh MODULE JAR [MAIN_CLASS] -- ARGS...
#   MODULE      Maven module directory (broker, lookupd, admin, tools, ...)
#   JAR         jar path inside the module (target/quarkus-app/quarkus-run.jar, target/jnsq-tools.jar)
#   MAIN_CLASS  run this class from JAR's classpath instead of the jar's own main
# Environment: JAVA_HOME, JAVA_OPTS (extra JVM flags), JNSQ_NO_BUILD=1 (never build), JNSQ_AOT=0 (no AOT cache).
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
build() {
  if stale; then # looked at again under the lock: another launcher may have just built it
    echo "jnsq: building $module (this happens once, or after the sources change)..." >&2
    (cd "$root" && ./mvnw -B -q -DskipTests -pl "$module" -am install) >&2
  fi
}
if [ "${JNSQ_NO_BUILD:-0}" != "1" ] && stale; then
  # Launchers started together on a fresh clone (`bin/nsqlookupd & bin/nsqd &`) build one at a time: two Maven
  # builds in one tree overwrite each other's classes.
  if command -v flock >/dev/null; then
    exec 9>"$root/.jnsq-build.lock"
    flock 9
    build
    flock -u 9
    exec 9>&-
  else
    build
  fi
fi

# shellcheck source=jvm.sh
. "$root/bin/lib/jvm.sh"
opts=("${jvm_opts[@]}")
# Start-up (JDK 25): the daemon's AOT cache (classes loaded and linked, and method profiles, of a training run),
# recorded by bin/lib/aot-train.sh when Maven packages the module. Used only while it is newer than the jar and the
# JVM defaults (jvm.sh). A JVM
# whose flags differ from the training run's (JAVA_OPTS) mostly starts without it, but a few heap settings make the
# JVM refuse to start with it ("Unable to use AOT cache", e.g. -Xmn above -Xms): with JAVA_OPTS, a quick -version
# run checks first. JNSQ_AOT=0: never.
aot="${target%.jar}.aot"
if [ -z "$main" ] && [ "${JNSQ_AOT:-1}" != "0" ] && [ "$feature" -ge 25 ] 2>/dev/null && [ "$aot" -nt "$target" ] \
   && [ "$aot" -nt "$root/bin/lib/jvm.sh" ]; then
  aot_opts=("-XX:AOTCache=$aot" -Xlog:aot=off -Xlog:cds=off)
  # shellcheck disable=SC2086
  if [ -z "${JAVA_OPTS:-}" ] || "$java" "${opts[@]}" ${JAVA_OPTS} "${aot_opts[@]}" -cp "$target" -version >/dev/null 2>&1; then
    opts+=("${aot_opts[@]}")
  fi
fi
# shellcheck disable=SC2086
if [ -n "$main" ]; then
  exec "$java" "${opts[@]}" ${JAVA_OPTS:-} -cp "$target" "$main" "$@"
else
  exec "$java" "${opts[@]}" ${JAVA_OPTS:-} -jar "$target" "$@"
fi
