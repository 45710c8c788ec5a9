# The JVM the launchers run and its defaults, shared by launch.sh and aot-train.sh (sourced, not run).
# Sets: java (the java command), feature (its major version), jvm_opts (an array of defaults, JAVA_OPTS not included).

# JAVA_HOME when set, else the newest JDK we know on this kind of machine (Temurin 25 starts from an AOT cache and
# packs objects tighter), else whatever `java` is.
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
feature=${feature:-17}

# JVM defaults for a small server that shares its node (JAVA_OPTS comes after them, so it overrides): the serial
# collector, because on a couple of cores a concurrent one takes CPU from the event loops and grows the heap far past
# what is live (measured side by side with nsqd: G1 peaked at 3-20x the RSS, with no better latency). The heap starts
# at 16 MB (idle RSS) with a 12 MB young generation and survivor spaces a third of it, so that messages passing
# through a memory queue die young instead of being promoted (a smaller young generation tripled the old one under
# load), and grows up to half the RAM (or the container's limit); after a load, the daemon asks for one full
# collection once idle (io.jnsq.cli.IdleMemory), and under a load once the old generation holds twice what was live
# (io.jnsq.cli.HeapPacer: JDK 25's serial collector would grow it to the heap's limit first); the heap then shrinks to
# twice what is live (MaxHeapFreeRatio, in one step). Direct buffers capped (the code cache is not); compact object
# headers (JDK 25) shrink every queued message. Brokers holding millions of messages in memory may prefer
# JAVA_OPTS=-XX:+UseG1GC.
# The JIT compiles a method after twice the JDK's default call counts: on two cores its threads took two thirds of
# the CPU a start used (C1 and C2 compiled ~2,000 start-up methods that run a few hundred times, then never again)
# while the main thread waited for a core. 2x took ~40 ms off the time to /ping; 5x took ~100 ms but halved HTTP
# /pub throughput in the first 5 s after a start (compare.sh WARM=0), so 2x it is.
# On JDK 25 the JVM also gives back to the system, every 5 s, what its own native allocations freed (glibc keeps it
# otherwise: the compilers' arenas of start-up alone are ~5 MB of an idle broker's RSS); the trim of a small native
# heap takes well under a millisecond, off the application's threads. (JDK 17 has the flag only from some update on,
# as an experimental one: a JVM that does not know it refuses to start.)
jvm_opts=(-Xms16m -XX:NewSize=12m -XX:SurvivorRatio=3 -XX:MaxRAMPercentage=50 -XX:MaxHeapFreeRatio=50
          -XX:-ShrinkHeapInSteps -XX:MaxDirectMemorySize=256m -Xss512k -XX:CompileThresholdScaling=2
          -XX:+ExitOnOutOfMemoryError)
case " ${JAVA_OPTS:-} " in
  *" -XX:+Use"*GC" "*) ;; # the user chose a collector: the JVM refuses two
  *) jvm_opts+=(-XX:+UseSerialGC) ;;
esac
if [ "$feature" -ge 25 ] 2>/dev/null; then
  jvm_opts+=(-XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=5000)
fi
