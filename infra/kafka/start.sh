#!/usr/bin/env bash
# Starts a single-node KRaft Kafka broker on 127.0.0.1 without Docker: the broker jars come from
# Maven Central (pom.xml, cached in ~/.m2), the ports are free ones picked now, the data lives in
# a fresh temporary directory. Prints `KAFKA_BROKERS=127.0.0.1:<port>` on stdout (and nothing
# else), so `export "$(infra/kafka/start.sh)"` works; progress goes to stderr. The same line is
# kept in infra/kafka/.state/env. Running it while the broker is up just prints the line again.
#
# Environment (all optional):
#   KAFKA_START_TIMEOUT_SECONDS  how long to wait for the broker to accept connections (90)
#   KAFKA_HEAP_OPTS              JVM heap flags ("-Xms128m -Xmx512m")
#   JAVA                         the java binary (java on PATH, or $JAVA_HOME/bin/java)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
state_dir="$here/.state"
cache_dir="$here/.cache"
timeout_seconds="${KAFKA_START_TIMEOUT_SECONDS:-90}"
heap_opts="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"

log() { printf 'infra/kafka: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

if [[ -n "${JAVA:-}" ]]; then
  java_bin="$JAVA"
elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java_bin="$JAVA_HOME/bin/java"
else
  java_bin="$(command -v java || true)"
fi
[[ -n "$java_bin" ]] || fail "java not found (Java 17 or newer is needed; set JAVA_HOME)"
command -v python3 >/dev/null || fail "python3 not found (used to pick free ports)"

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

broker_answers() {
  port_open "${1##*:}"
}

# Already running: say where, and leave it alone.
already_running "$state_dir" KAFKA_BROKERS broker broker_answers && exit 0
if [[ -f "$state_dir/pid" && -f "$state_dir/env" ]]; then
  log "stale state from a broker that is gone; cleaning it up"
  "$here/stop.sh" >&2
fi

# The classpath is resolved once per pom change; Maven keeps the jars in ~/.m2.
mkdir -p "$cache_dir"
classpath_file="$cache_dir/classpath.txt"
if [[ ! -s "$classpath_file" || "$here/pom.xml" -nt "$classpath_file" ]]; then
  command -v mvn >/dev/null || fail "mvn not found (Maven fetches the broker jars)"
  log "resolving the broker jars with Maven (first run downloads them into ~/.m2)"
  # Maven's output only matters when it fails; on success it is noise on the caller's terminal.
  if ! mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file.tmp" >"$cache_dir/maven.log" 2>&1; then
    cat "$cache_dir/maven.log" >&2
    fail "Maven could not resolve the broker jars (see above)"
  fi
  mv "$classpath_file.tmp" "$classpath_file"
fi
classpath="$(cat "$classpath_file")"

read -r port controller_port < <(free_ports 2)
# Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. One in 64 such ids
# starts with "-", which the storage tool's argument parser reads as an option: draw again.
cluster_id="$(python3 -c '
import base64, uuid
while True:
    cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not cid.startswith("-"):
        print(cid)
        break
')"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/tailor-kafka-XXXXXX")"
mkdir -p "$work_dir/data" "$work_dir/logs"

cat >"$work_dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$work_dir/data
num.partitions=4
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF

cat >"$work_dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$work_dir/logs/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=INFO
EOF

read -r -a heap_args <<<"$heap_opts"
jvm_opts=(
  "${heap_args[@]}"
  -XX:+UseG1GC
  -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$work_dir/log4j.properties"
  "-Dkafka.logs.dir=$work_dir/logs"
)

log "formatting storage in $work_dir/data"
if ! "$java_bin" "${jvm_opts[@]}" -cp "$classpath" kafka.tools.StorageTool format \
  -t "$cluster_id" -c "$work_dir/server.properties" >"$work_dir/logs/format.log" 2>&1; then
  cat "$work_dir/logs/format.log" >&2
  rm -rf "$work_dir"
  fail "formatting the broker storage failed"
fi

mkdir -p "$state_dir"
echo "$work_dir" >"$state_dir/dir"
# setsid: the broker must outlive this script and ignore a Ctrl-C meant for the caller's shell.
setsid "$java_bin" "${jvm_opts[@]}" -cp "$classpath" kafka.Kafka "$work_dir/server.properties" \
  >"$work_dir/logs/stdout.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$state_dir/pid"
log "broker starting (pid $pid) on 127.0.0.1:$port, controller on 127.0.0.1:$controller_port"

# Ready means the listener accepts connections and the server logged that it finished starting
# (an open port alone can precede the first metadata the broker serves).
deadline=$((SECONDS + timeout_seconds))
until port_open "$port" && grep -q 'Kafka Server started' "$work_dir/logs/server.log" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "the broker exited during start-up; last lines of its logs:"
    tail -n 40 "$work_dir/logs/server.log" "$work_dir/logs/stdout.log" >&2 2>/dev/null || true
    "$here/stop.sh" >&2
    fail "broker did not start"
  fi
  if ((SECONDS >= deadline)); then
    log "the broker did not accept connections within ${timeout_seconds}s; last lines of its logs:"
    tail -n 40 "$work_dir/logs/server.log" "$work_dir/logs/stdout.log" >&2 2>/dev/null || true
    "$here/stop.sh" >&2
    fail "broker start timed out (raise KAFKA_START_TIMEOUT_SECONDS on a slow machine)"
  fi
  sleep 0.5
done

echo "KAFKA_BROKERS=127.0.0.1:$port" >"$state_dir/env"
log "broker ready; logs in $work_dir/logs"
echo "KAFKA_BROKERS=127.0.0.1:$port"
