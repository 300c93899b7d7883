#!/usr/bin/env bash
# Herald against Node's ws, one command: builds Herald's classpath, installs the ws reference server
# (npm ci), starts both servers on free loopback ports, runs bench/LoadGenerator.java against them and
# prints one table per scenario. See bench/README.md.
#
#   bench/run.sh                 the full benchmark (30-60 minutes on 2 cores; (d) takes most of it)
#   bench/run.sh --quick         smaller counts: a smoke check (about 2-3 minutes)
#   bench/run.sh --profile       Herald alone under scenario (a) for 30 s with JFR, then its hot spots
#   bench/run.sh --scenarios a,b only some of the scenarios
#   bench/run.sh -- ARGS...      extra LoadGenerator arguments, e.g. -- --d-connections 4000
#
# Environment: HERALD_BENCH_FLAGS replaces Herald's flags below; HERALD_BENCH_JAVA_OPTS adds JVM options.
# Servers bind 127.0.0.1 only, every step has a time limit, and the servers are stopped on any exit.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"

QUICK=""
PROFILE=""
SCENARIOS=a,b,c,d
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=--quick ;;
        --profile) PROFILE=1 ;;
        --scenarios) SCENARIOS=$2; shift ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n 2,13p "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# The limits Herald needs for a benchmark, and why:
# - rate: one publisher sends thousands of frames per second, far over the default 20/s (40 burst);
# - connection caps: every client comes from 127.0.0.1, and (d) opens 10 000 (defaults 100 per address, 10 000 in all);
# - queue-bytes: the default 1 MiB, stated explicitly: the generator's window keeps a healthy client's queue at
#   most 32 x 4 KiB, so the budget only ever bites the stalled client of scenario (c);
# - drain-seconds 0: stop at once when the benchmark ends.
HERALD_FLAGS=${HERALD_BENCH_FLAGS:-"--rate-per-second 1000000 --rate-burst 1000000 --max-connections 20000 --max-connections-per-address 20000 --queue-bytes 1048576 --drain-seconds 0"}
read -r -a HERALD_JVM <<< "${HERALD_BENCH_JAVA_OPTS:-}"

PIDS=()
cleanup() {
    # Only the processes this script started, by their ids: TERM, a short grace, then KILL.
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        alive=0
        for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && return 0
        sleep 0.5
    done
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (at most $3 seconds) for a line matching $2 in log $1, while process $4 lives; prints the match.
await_line() {
    local log=$1 pattern=$2 seconds=$3 pid=$4 i
    for ((i = 0; i < seconds * 5; i++)); do
        if grep -m1 -oE "$pattern" "$log" 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || { echo "run.sh: server $pid exited; its log:" >&2; cat "$log" >&2; return 1; }
        sleep 0.2
    done
    echo "run.sh: no '$pattern' in $log after ${seconds}s" >&2
    return 1
}

for tool in java mvn node npm; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

echo "== building Herald's classpath (mvn compile)" >&2
timeout 900 mvn -q -B compile dependency:build-classpath \
    -Dmdep.outputFile="$OUT/herald.classpath" -Dmdep.includeScope=compile >&2
CLASSPATH_HERALD="target/classes:$(cat "$OUT/herald.classpath")"

start_herald() {
    # $@: extra JVM options
    java "${HERALD_JVM[@]}" "$@" -cp "$CLASSPATH_HERALD" dev.herald.standalone.HeraldServer \
        --host 127.0.0.1 --port 0 $HERALD_FLAGS > "$OUT/herald.log" 2>&1 &
    HERALD_PID=$!
    PIDS+=("$HERALD_PID")
    HERALD_PORT=$(await_line "$OUT/herald.log" 'Herald listening on ws://127\.0\.0\.1:[0-9]+' 60 "$HERALD_PID" | grep -oE '[0-9]+$')
}

machine() {
    echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "JDK: $(java -version 2>&1 | head -1); Herald JVM: ${HERALD_BENCH_JAVA_OPTS:-defaults} (max heap $(java "${HERALD_JVM[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '/ MaxHeapSize / {printf "%.0f MiB", $4/1048576}'), GC $(java "${HERALD_JVM[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '/Use.*GC .*= true/ {print $2}' | head -1))"
    echo "Herald flags: $HERALD_FLAGS"
}

if [ -n "$PROFILE" ]; then
    echo "== profiling Herald under scenario (a) with JFR" >&2
    JFR_FILE="$OUT/herald-a.jfr"
    rm -f "$JFR_FILE"
    start_herald "-XX:StartFlightRecording=name=bench,settings=profile,filename=$JFR_FILE"
    machine | tee "$OUT/profile-results.md"
    timeout 600 java bench/LoadGenerator.java $QUICK --scenarios a --a-seconds 30 \
        --server "herald:$HERALD_PORT:$HERALD_PID" "${EXTRA[@]}" | tee -a "$OUT/profile-results.md"
    timeout 60 jcmd "$HERALD_PID" JFR.stop name=bench >&2
    timeout 120 jfr summary "$JFR_FILE" | sed -n 1,12p
    timeout 300 java bench/JfrHotSpots.java "$JFR_FILE" 25 | tee "$OUT/herald-a-hotspots.txt"
    exit 0
fi

echo "== installing the ws reference server (npm ci)" >&2
(cd bench/node && timeout 300 npm ci --no-audit --no-fund --loglevel=error >&2)

start_ws() {
    (cd bench/node && exec node --expose-gc server.js --port 0 --mem-port 0) > "$OUT/ws.log" 2>&1 &
    WS_PID=$!
    PIDS+=("$WS_PID")
    WS_PORT=$(await_line "$OUT/ws.log" 'listening on ws://127\.0\.0\.1:[0-9]+' 60 "$WS_PID" | grep -oE '[0-9]+$')
    MEM_PORT=$(await_line "$OUT/ws.log" 'http://127\.0\.0\.1:[0-9]+/mem' 60 "$WS_PID" | grep -oE ':[0-9]+' | tr -d :)
}

stop_servers() {
    cleanup
    PIDS=()
}

{
    echo "# Herald vs ws, $(date -u +%Y-%m-%dT%H:%MZ)${QUICK:+ (quick)}"
    echo
    echo '```'
    machine
    echo "Node: $(node --version), ws $(node -p "require('./bench/node/node_modules/ws/package.json').version") (bench/node/server.js, node --expose-gc)"
    echo "command: bench/run.sh ${QUICK} --scenarios ${SCENARIOS} ${EXTRA[*]:-}"
    echo '```'
} | tee "$OUT/results.md"

LIMIT=5400
[ -n "$QUICK" ] && LIMIT=900
run_generator() {
    # $1: scenarios. Both servers were just started; the generator runs Herald first, then ws, per scenario.
    # In the background and waited for, so that a TERM reaches the trap at once (bash runs traps only between
    # foreground commands); timeout passes the TERM on to the generator.
    timeout "$LIMIT" java bench/LoadGenerator.java $QUICK --scenarios "$1" \
        --server "herald:$HERALD_PORT:$HERALD_PID" --server "ws:$WS_PORT:$WS_PID:$MEM_PORT" "${EXTRA[@]}" \
        > >(tee -a "$OUT/results.md") &
    local generator=$!
    PIDS+=("$generator")
    wait "$generator"
}

# (a), (b) and (c) share one pair of servers. (d) gets a fresh pair, so its "empty" memory baseline is not what
# (c)'s 20 GB burst left behind (freed memory that the JVM and V8 keep, or that malloc does not return).
FIRST=$(echo "$SCENARIOS" | tr ',' '\n' | grep -E '^[abc]$' | paste -sd, - || true)
if [ -n "$FIRST" ]; then
    start_herald
    start_ws
    run_generator "$FIRST"
fi
if echo "$SCENARIOS" | tr ',' '\n' | grep -qx d; then
    stop_servers
    start_herald
    start_ws
    run_generator d
fi
echo | tee -a "$OUT/results.md"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.md"
echo "(tables saved in $OUT/results.md; server logs in $OUT/herald.log and $OUT/ws.log)" >&2
