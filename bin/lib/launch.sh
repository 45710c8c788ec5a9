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

java="java"
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
# shellcheck disable=SC2086
if [ -n "$main" ]; then
  exec "$java" ${JAVA_OPTS:-} -cp "$target" "$main" "$@"
else
  exec "$java" ${JAVA_OPTS:-} -jar "$target" "$@"
fi
