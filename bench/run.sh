#!/usr/bin/env bash
# Herald against Node's ws, one command: builds Herald's classpath, installs the ws reference server
# (npm ci), starts both servers on free loopback ports, runs bench/LoadGenerator.java against them and
# prints one table per scenario. See bench/README.md.
#
#   bench/run.sh                 the full benchmark (30-60 minutes on 2 cores; (d) takes most of it)
#   bench/run.sh --quick         smaller counts: a smoke check (about 2-3 minutes)
#   bench/run.sh --profile       Herald alone under scenario (a) for 30 s with JFR, then its hot spots
#   bench/run.sh --scenarios a,b only some of the scenarios (e, idle room connections, and f, a paced stream with a
#                                stalled client, only when named)
#   bench/run.sh --cluster       also a cluster: one redis-server and two Herald nodes with --broker redis on it
#                                (standalone only); each scenario runs against herald (one node, memory broker),
#                                herald-cluster (subscribers split between the nodes, the publisher on node 1)
#                                and ws. With --profile: herald and herald-cluster under (a) for 30 s each, every
#                                node recording JFR, then each one's hot spots and Redis's CPU and command stats
#   bench/run.sh --spread N      (e) at N idle room connections spread over a cluster: one redis-server and as many
#                                standalone nodes as N needs at 15 000 each (a process may open 20 000 files here),
#                                one generator per node; then the same over as many ws processes. The whole cluster
#                                is measured while every connection is open (standalone only)
#   bench/run.sh -- ARGS...      extra LoadGenerator arguments, e.g. -- --d-connections 4000
#   bench/run.sh --runtime R     where Herald runs: standalone (default: Tyrus on Grizzly, from target/classes),
#                                payara (target/herald.war on Payara Micro 6), payara7 (on Payara Micro 7, with the
#                                JDK 21+ in PAYARA7_JDK, /usr/lib/jvm/temurin-25-jdk-amd64 unless set), wildfly (on WildFly 39), glassfish
#                                (on GlassFish 7, in a domain of its own) or liberty (on Open Liberty, in a server of
#                                its own); in a container Herald's flags become -Dherald.<key>=<value> system properties
#
# Environment: HERALD_BENCH_FLAGS replaces Herald's flags below (on every node, with --cluster);
# HERALD_BENCH_JAVA_OPTS adds JVM options (on WildFly it becomes JAVA_OPTS, which replaces bin/standalone.conf's
# defaults, -Xmx512m among them; on GlassFish they join the domain's JVM options, and an -Xmx replaces its -Xmx512m;
# on Liberty they join the server's jvm.options).
# HERALD_BENCH_SPREAD_PER_PROCESS (--spread): connections per process, 15 000 unless set.
# HERALD_BENCH_WAR (the containers): deploy this WAR instead of target/herald.war, e.g. one built from another
# commit, so that two builds can be measured alternately without rebuilding.
# Servers (and Redis) bind 127.0.0.1 only, every step has a time limit, and the servers are stopped on any exit.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"

QUICK=""
PROFILE=""
CLUSTER=""
SPREAD=""
SCENARIOS=a,b,c,d
RUNTIME=standalone
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=--quick ;;
        --profile) PROFILE=1 ;;
        --cluster) CLUSTER=1 ;;
        --spread) SPREAD=$2; shift ;;
        --scenarios) SCENARIOS=$2; shift ;;
        --) shift; EXTRA=("$@"); break ;;
        --runtime) RUNTIME=$2; shift ;;
        -h|--help) sed -n '2,/^set -euo pipefail/{/^#/p}' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$RUNTIME" in
    standalone|payara|payara7|wildfly|glassfish|liberty) ;;
    *) echo "run.sh: --runtime must be standalone, payara, payara7, wildfly, glassfish or liberty, not $RUNTIME" >&2; exit 2 ;;
esac
if [ -n "$PROFILE" ] && [ "$RUNTIME" != standalone ]; then
    echo "run.sh: --profile runs the standalone server only" >&2; exit 2
fi
if [ -n "$CLUSTER" ] && [ "$RUNTIME" != standalone ]; then
    echo "run.sh: --cluster runs standalone nodes only" >&2; exit 2
fi
if [ -n "$SPREAD" ] && { [ "$RUNTIME" != standalone ] || [ -n "$PROFILE$CLUSTER" ]; }; then
    echo "run.sh: --spread runs standalone nodes, without --profile or --cluster" >&2; exit 2
fi
if [ -n "$CLUSTER$SPREAD" ] && ! command -v redis-server >/dev/null; then
    echo "run.sh: --cluster and --spread need redis-server (Debian: apt-get install redis-server)" >&2; exit 2
fi

# The limits Herald needs for a benchmark, and why:
# - rate: one publisher sends thousands of frames per second, far over the default 20/s (40 burst);
# - connection caps: every client comes from 127.0.0.1, and (d) opens 10 000 (defaults 100 per address, 10 000 in all);
# - queue-bytes: 1 MiB, a quarter of the default 4 MiB: the generator's window keeps a healthy client's queue at
#   most 32 x 4 KiB, so the budget only ever bites the stalled clients of scenarios (c) and (f), sooner than 4 MiB
#   would ((f) has no window: its healthy clients must keep up at the fixed rate within this budget);
# - drain-seconds 0: stop at once when the benchmark ends.
HERALD_FLAGS=${HERALD_BENCH_FLAGS:-"--rate-per-second 1000000 --rate-burst 1000000 --max-connections 20000 --max-connections-per-address 20000 --connect-rate-per-address 100000 --queue-bytes 1048576 --drain-seconds 0"}
read -r -a HERALD_JVM <<< "${HERALD_BENCH_JAVA_OPTS:-}"

PIDS=()
cleanup() {
    # Only the processes this script started, by their ids: TERM, a short grace, then KILL.
    # WildFly's JVM is the child of standalone.sh, GlassFish's is forked by asadmin start-domain: if the script
    # stopped before its pid joined PIDS, it is read from the pid file the server wrote, and taken only if it is
    # this directory's server.
    adopt_pid "$OUT/wildfly.pid" "-Djboss.home.dir=$PWD/"
    adopt_pid "$OUT/glassfish/herald-bench/config/pid" "-Dcom.sun.aas.instanceRoot=$PWD/$OUT/glassfish/herald-bench"
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        alive=0
        for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && return 0
        sleep 0.5
    done
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
}
# Adds the pid in file $1 to PIDS if that process's command line holds $2.
adopt_pid() {
    local jvm
    [ -s "$1" ] || return 0
    jvm=$(cat "$1")
    if tr '\0' ' ' < "/proc/$jvm/cmdline" 2>/dev/null | grep -qF -- "$2"; then
        PIDS+=("$jvm")
    fi
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

# Containers: the packaged WAR, deployed as a user would (README "Deployment"), on the server the pom downloads.
PAYARA_VERSION=6.2025.10
# Payara Micro 7 needs Java 21+: the pom's payara7 profile copies it, and it runs on PAYARA7_JDK's java.
PAYARA7_VERSION=7.2025.1
PAYARA7_JDK=${PAYARA7_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
PAYARA_JAVA=java
WAR=${HERALD_BENCH_WAR:-target/herald.war}
WILDFLY_HOME=target/wildfly-39.0.1.Final
GLASSFISH_VERSION=7.0.21
GLASSFISH_HOME=target/glassfish7
LIBERTY_VERSION=26.0.0.3
LIBERTY_HOME=target/wlp
HERALD_NAME=herald
HERALD_PATH=/
# The server's log, where Herald's own lines go (the containers' start functions point it at their logs).
HERALD_LOG=$OUT/herald.log
case "$RUNTIME" in
    standalone)
        echo "== building Herald's classpath (mvn compile)" >&2
        timeout 900 mvn -q -B compile dependency:build-classpath \
            -Dmdep.outputFile="$OUT/herald.classpath" -Dmdep.includeScope=compile >&2
        CLASSPATH_HERALD="target/classes:$(cat "$OUT/herald.classpath")"
        ;;
    payara)
        # package builds the WAR; the pom copies the Micro jar only at pre-integration-test, so that one
        # execution is called by its id (no tests, no other server).
        echo "== building target/herald.war and copying Payara Micro $PAYARA_VERSION (mvn package)" >&2
        timeout 900 mvn -q -B package -DskipTests dependency:copy@copy-payara-micro >&2
        HERALD_NAME=herald-payara
        HERALD_PATH=/herald/
        ;;
    payara7)
        [ -x "$PAYARA7_JDK/bin/java" ] || { echo "run.sh: payara7 needs a JDK 21+ in PAYARA7_JDK (not found: $PAYARA7_JDK)" >&2; exit 2; }
        echo "== building target/herald.war and copying Payara Micro $PAYARA7_VERSION (mvn package)" >&2
        timeout 900 mvn -q -B -Ppayara7 package -DskipTests dependency:copy@copy-payara-micro-7 >&2
        PAYARA_VERSION=$PAYARA7_VERSION
        PAYARA_JAVA=$PAYARA7_JDK/bin/java
        HERALD_NAME=herald-payara7
        HERALD_PATH=/herald/
        ;;
    wildfly)
        echo "== building target/herald.war and unpacking WildFly (mvn package)" >&2
        timeout 900 mvn -q -B package -DskipTests dependency:unpack@unpack-wildfly >&2
        HERALD_NAME=herald-wildfly
        HERALD_PATH=/herald/
        ;;
    glassfish)
        # Only the unpack: configure-glassfish binds the pom's domain1, which the ITs use; the benchmark makes a
        # domain of its own and runs the same bind-loopback.sh on it (start_glassfish).
        echo "== building target/herald.war and unpacking GlassFish $GLASSFISH_VERSION (mvn package)" >&2
        timeout 900 mvn -q -B package -DskipTests dependency:unpack@unpack-glassfish >&2
        HERALD_NAME=herald-glassfish
        HERALD_PATH=/herald/
        ;;
    liberty)
        # Only the unpack: configure-liberty makes the ITs' server (with their ports and JMX connector in
        # configDropins); the benchmark creates a server of its own from server-config/liberty (start_liberty).
        echo "== building target/herald.war and unpacking Open Liberty $LIBERTY_VERSION (mvn package)" >&2
        timeout 900 mvn -q -B package -DskipTests dependency:unpack@unpack-liberty >&2
        HERALD_NAME=herald-liberty
        HERALD_PATH=/herald/
        ;;
esac

# Herald's flags as system properties: "--rate-per-second 1000000" becomes -Dherald.rate-per-second=1000000.
HERALD_PROPS=()
read -r -a FLAG_WORDS <<< "$HERALD_FLAGS"
for ((i = 0; i < ${#FLAG_WORDS[@]}; i += 2)); do
    HERALD_PROPS+=("-Dherald.${FLAG_WORDS[i]#--}=${FLAG_WORDS[i + 1]}")
done

# A TCP port nobody listens on, for each of $@ offsets from a random base; prints the base.
free_base() {
    local base p taken
    for _ in $(seq 1 50); do
        base=$((20000 + RANDOM % 20000))
        taken=0
        for p in "$@"; do
            [ -n "$(ss -Hltn "sport = :$((base + p))")" ] && taken=1
        done
        [ "$taken" = 0 ] && { echo "$base"; return 0; }
    done
    echo "run.sh: no free port found" >&2
    return 1
}

start_herald() {
    # $@: extra JVM options (standalone only)
    case "$RUNTIME" in
        standalone) start_standalone "$@" ;;
        payara|payara7) start_payara ;;
        wildfly) start_wildfly ;;
        glassfish) start_glassfish ;;
        liberty) start_liberty ;;
    esac
}

start_standalone() {
    launch_standalone "$OUT/herald.log" "" "$@"
    HERALD_PID=$STARTED_PID
    HERALD_PORT=$STARTED_PORT
}

# One standalone JVM: $1 its log, $2 Herald flags added to HERALD_FLAGS, $3... extra JVM options. Sets STARTED_PID
# and STARTED_PORT.
launch_standalone() {
    local log=$1 flags=$2
    shift 2
    # shellcheck disable=SC2086 # the flags are words
    java "${HERALD_JVM[@]}" "$@" -cp "$CLASSPATH_HERALD" dev.herald.standalone.HeraldServer \
        --host 127.0.0.1 --port 0 $HERALD_FLAGS $flags > "$log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    STARTED_PORT=$(await_line "$log" 'Herald listening on ws://127\.0\.0\.1:[0-9]+' 60 "$STARTED_PID" | grep -oE '[0-9]+$')
}

# --cluster: a redis-server of its own (no persistence, its directory under target/bench) and two standalone nodes
# with --broker redis on it, Herald's flags otherwise the same. $@: extra JVM options for node 1, then "--", then
# for node 2 (for JFR). Sets REDIS_PID, REDIS_PORT, NODE1_PID, NODE1_PORT, NODE2_PID, NODE2_PORT.
start_cluster() {
    local node1=() node2=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do node1+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    node2=("$@")
    start_redis
    local url="redis://127.0.0.1:$REDIS_PORT/0"
    launch_standalone "$OUT/herald-node1.log" "--broker redis --redis-url $url" "${node1[@]}"
    NODE1_PID=$STARTED_PID
    NODE1_PORT=$STARTED_PORT
    launch_standalone "$OUT/herald-node2.log" "--broker redis --redis-url $url" "${node2[@]}"
    NODE2_PID=$STARTED_PID
    NODE2_PORT=$STARTED_PORT
    for log in "$OUT/herald-node1.log" "$OUT/herald-node2.log"; do
        grep -q "connected to Redis at $url" "$log" || { echo "run.sh: no 'connected to Redis' in $log:" >&2; cat "$log" >&2; return 1; }
    done
    echo "== herald-cluster: nodes ws://127.0.0.1:$NODE1_PORT/ (pid $NODE1_PID) and ws://127.0.0.1:$NODE2_PORT/ (pid $NODE2_PID) on $url (redis-server pid $REDIS_PID)" >&2
    CLUSTER_ARGS=(--server "herald-cluster:$NODE1_PORT,$NODE2_PORT:$NODE1_PID,$NODE2_PID" --redis-pid "$REDIS_PID")
}
CLUSTER_ARGS=()

# A redis-server of its own, no persistence, its directory under target/bench. Sets REDIS_PID and REDIS_PORT.
start_redis() {
    rm -rf "$OUT/redis"
    mkdir -p "$OUT/redis"
    REDIS_PORT=$(free_base 0)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$PWD/$OUT/redis" \
        > "$OUT/redis.log" 2>&1 &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    await_line "$OUT/redis.log" 'Ready to accept connections' 30 "$REDIS_PID" >/dev/null
}

# A process's CPU time so far (utime + stime), in seconds, from /proc/PID/stat.
cpu_seconds() {
    awk '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' "/proc/$1/stat"
}

# A JVM's CPU time so far by group of threads ("group<TAB>ticks" lines), from /proc/PID/task/*/stat: user and
# kernel time, so the socket writes' system calls count where JFR's samples only see them as native frames.
thread_ticks() {
    local t
    for t in /proc/"$1"/task/*; do
        printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null)"
    done | awk -F'\t' '{
        n = $1
        if (n ~ /^herald-writer/) n = "herald-writer-* (the sends)"
        else if (n ~ /^herald-redis/) n = "herald-redis-<node> (the Redis event thread)"
        else if (n ~ /^lettuce-/) n = "lettuce-* (Redis I/O)"
        else if (n ~ /^Grizzly-worker/) n = "Grizzly-worker(*) (reads, handlers)"
        else if (n ~ /^grizzly-nio-ker/) n = "grizzly-nio-kernel(*) (selectors)"
        else if (n ~ /^(GC Thread|G1 )/) n = "GC (G1)"
        else if (n ~ /^C[12] CompilerThre/) n = "JIT compilers"
        else if (n ~ /^JFR/) n = "JFR"
        else n = "other"
        ticks[n] += $2
    } END { for (n in ticks) print n "\t" ticks[n] }'
}

# Prints the CPU each group of threads used between two thread_ticks files ($1 before, $2 after): seconds, share.
thread_cpu_table() {
    awk -F'\t' 'NR == FNR { before[$1] = $2; next } { used[$1] = $2 - before[$1]; total += used[$1] }
        END {
            for (n in used) if (used[n] > 0) printf "  %7.1f s  %5.1f %%  %s\n", used[n] / 100, 100 * used[n] / total, n
            printf "  %7.1f s  100.0 %%  (the whole process)\n", total / 100
        }' "$1" "$2" | sort -rn
}

start_payara() {
    # Payara Micro has no option to bind its HTTP listener (--interfaces is the data grid's discovery), so the
    # project's pre-boot file does it, as it does for users: 127.0.0.1, no Hazelcast data grid (it would listen on
    # *:6900 even with --nocluster), and the 64 KiB socket write buffer. Its TLS lines are left out (they need a
    # keystore; the benchmark speaks ws).
    grep -vE 'https-listener\.enabled|\.ssl\.' server-config/payara/pre-boot-commands.asadmin > "$OUT/payara-preboot.asadmin"
    HERALD_PORT=$(free_base 0)
    "$PAYARA_JAVA" "${HERALD_JVM[@]}" "${HERALD_PROPS[@]}" -jar "target/payara-micro-$PAYARA_VERSION.jar" \
        --nocluster --port "$HERALD_PORT" --prebootcommandfile "$OUT/payara-preboot.asadmin" \
        --deploy "$WAR" --contextroot herald > "$OUT/herald.log" 2>&1 &
    HERALD_PID=$!
    PIDS+=("$HERALD_PID")
    await_line "$OUT/herald.log" 'ready in [0-9,.]+ \(ms\)' 300 "$HERALD_PID" >/dev/null
    check_listener
}

start_wildfly() {
    # The port offset moves every socket (http 8080, https 8443, management 9990/9993, txn 4712/4713) together.
    # A server base directory of its own under target/bench (configuration copied, deployments, data, logs), made
    # afresh each time, so that the ITs' standalone/ is never deployed to: a WAR left in its deployments/ would
    # make their next deployment of herald.war a duplicate.
    local offset base=$PWD/$OUT/wildfly dep
    offset=$(free_base 8080 8443 9990 9993 4712 4713)
    rm -rf "$base"
    mkdir -p "$base/deployments"
    cp -r "$WILDFLY_HOME/standalone/configuration" "$base/"
    dep=$base/deployments
    cp "$WAR" "$dep/herald.war"
    rm -f "$OUT/wildfly.pid"
    # In the background mode the script starts the JVM as its child, writes the JVM's pid to JBOSS_PIDFILE and
    # relays TERM to it.
    local envs=(LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$PWD/$OUT/wildfly.pid")
    # Once the integration tests have run, this WildFly has Herald's TLS listener (server-config/wildfly/herald.cli),
    # whose key store's password comes from the environment: without it the server's TLS fails and the deployment
    # is rolled back. The benchmark speaks ws; it only lets that configuration load, with the pom's development key.
    envs+=(HERALD_KEYSTORE_PASSWORD="$(sed -n 's:.*<herald.tls.password>\(.*\)</herald.tls.password>.*:\1:p' pom.xml)")
    [ -n "${HERALD_BENCH_JAVA_OPTS:-}" ] && envs+=(JAVA_OPTS="$HERALD_BENCH_JAVA_OPTS")
    env "${envs[@]}" "$WILDFLY_HOME/bin/standalone.sh" -Djboss.bind.address=127.0.0.1 -Djboss.bind.address.management=127.0.0.1 \
        -Djboss.socket.binding.port-offset="$offset" -Djboss.server.base.dir="$base" "${HERALD_PROPS[@]}" \
        > "$OUT/herald.log" 2>&1 &
    local script=$!
    PIDS+=("$script")
    local i
    for ((i = 0; i < 150; i++)); do
        [ -s "$OUT/wildfly.pid" ] && break
        kill -0 "$script" 2>/dev/null || break
        sleep 0.2
    done
    [ -s "$OUT/wildfly.pid" ] || { echo "run.sh: WildFly wrote no pid file; its log:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    # The JVM, not the script: the generator reads the server's CPU from this PID.
    HERALD_PID=$(cat "$OUT/wildfly.pid")
    PIDS+=("$HERALD_PID")
    HERALD_PORT=$((8080 + offset))
    for ((i = 0; i < 1200; i++)); do
        [ -e "$dep/herald.war.deployed" ] && break
        [ -e "$dep/herald.war.failed" ] && { echo "run.sh: WildFly failed to deploy herald.war:" >&2; cat "$dep/herald.war.failed" >&2; return 1; }
        kill -0 "$HERALD_PID" 2>/dev/null || { echo "run.sh: WildFly exited; its log:" >&2; cat "$OUT/herald.log" >&2; return 1; }
        sleep 0.2
    done
    [ -e "$dep/herald.war.deployed" ] || { echo "run.sh: herald.war not deployed after 240 s" >&2; return 1; }
    check_listener
}

start_glassfish() {
    # A domain of its own under target/bench, made afresh each time, so that the pom's domain1 (the ITs') is never
    # started or deployed to here. --portbase moves every port together: admin +48, HTTP +80, HTTPS +81, IIOP +37,
    # +38, +39, JMX +86, OSGi shell +66, JMS +7676 (the debugger's +9 listens only with --debug).
    local domains=$PWD/$OUT/glassfish base asadmin=$GLASSFISH_HOME/bin/asadmin
    local config=$domains/herald-bench/config
    base=$(free_base 9 37 38 39 48 66 80 81 86 7676)
    rm -rf "$domains"
    timeout 120 "$asadmin" --user admin create-domain --nopassword --portbase "$base" --domaindir "$domains" \
        herald-bench > "$OUT/herald.log" 2>&1 || { echo "run.sh: create-domain failed:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    # As the README tells a user: on the stopped domain, listeners on 127.0.0.1 only (it checks, and fails otherwise).
    # import-key.sh is not run: it is for TLS, which the benchmark does not use.
    bash server-config/glassfish/bind-loopback.sh "$config/domain.xml" >&2
    # Herald's flags (and HERALD_BENCH_JAVA_OPTS) as the domain's JVM options, written into domain.xml before its
    # first start: asadmin create-jvm-options needs a running domain and a restart. An -Xmx of the caller's replaces
    # the domain's -Xmx512m, since the JVM would otherwise get both.
    local opts=("${HERALD_PROPS[@]}" "${HERALD_JVM[@]}")
    if printf '%s\n' "${HERALD_JVM[@]}" | grep -q '^-Xmx'; then
        sed -i '/<config name="server-config">/,/<\/config>/{/<jvm-options>-Xmx512m<\/jvm-options>/d}' "$config/domain.xml"
    fi
    OPTS=$(printf '%s\n' "${opts[@]}") awk '
        /<config name="server-config">/ { inside = 1 }
        inside && /<\/java-config>/ {
            n = split(ENVIRON["OPTS"], o, "\n")
            for (i = 1; i <= n; i++) {
                gsub(/&/, "\\&amp;", o[i]); gsub(/</, "\\&lt;", o[i]); gsub(/>/, "\\&gt;", o[i])
                print "        <jvm-options>" o[i] "</jvm-options>"
            }
            inside = 0
        }
        { print }' "$config/domain.xml" > "$config/domain.xml.new"
    mv "$config/domain.xml.new" "$config/domain.xml"
    # start-domain forks the server JVM and returns once the domain is up; the JVM writes its pid to config/pid
    # (cleanup reads it from there too). In the background and waited for, so that a TERM reaches the trap at once.
    timeout 300 "$asadmin" start-domain --domaindir "$domains" herald-bench >> "$OUT/herald.log" 2>&1 &
    local starter=$!
    PIDS+=("$starter")
    wait "$starter" || { echo "run.sh: start-domain failed; its output:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    HERALD_PID=$(cat "$config/pid")
    PIDS+=("$HERALD_PID")
    HERALD_LOG=$domains/herald-bench/logs/server.log
    HERALD_PORT=$((base + 80))
    # Then the README's herald.asadmin on the running domain (Herald's settings, the 64 KiB socket write buffer)
    # without its TLS line, which needs Herald's key in the domain; and the WAR, at /herald whatever its file name.
    # deploy returns once the application has started, or failed.
    local admin=(timeout 300 "$asadmin" --host 127.0.0.1 --port $((base + 48)) --user admin --interactive=false)
    grep -v 'cert-nickname' server-config/glassfish/herald.asadmin > "$OUT/glassfish.asadmin"
    "${admin[@]}" multimode --file "$OUT/glassfish.asadmin" >> "$OUT/herald.log" 2>&1 \
        || { echo "run.sh: herald.asadmin failed; asadmin's output:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    "${admin[@]}" deploy --name herald --contextroot herald "$WAR" >> "$OUT/herald.log" 2>&1 \
        || { echo "run.sh: deploying $WAR failed; asadmin's output:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    check_listener
}

start_liberty() {
    # A server of its own, as the README tells a user (server create, server.xml and jvm.options from
    # server-config/liberty, the WAR in dropins/), under target/bench (WLP_USER_DIR), so that the ITs' server in
    # target/wlp/usr stays as the pom made it.
    local usr=$PWD/$OUT/liberty dir
    dir=$usr/servers/herald-bench
    rm -rf "$usr"
    HERALD_PORT=$(free_base 0)
    WLP_USER_DIR=$usr timeout 120 "$LIBERTY_HOME/bin/server" create herald-bench > "$OUT/herald.log" 2>&1 \
        || { echo "run.sh: server create failed:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    # server.xml without its TLS (the transportSecurity feature and the key store, which needs
    # HERALD_TLS_KEYSTORE); the port is an override in configDropins, as the ITs set theirs, HTTPS off.
    sed -e '/<feature>transportSecurity-1.0<\/feature>/d' -e '/<keyStore /,/\/>/d' server-config/liberty/server.xml > "$dir/server.xml"
    mkdir -p "$dir/configDropins/overrides" "$dir/dropins"
    printf '<server>\n    <httpEndpoint id="defaultHttpEndpoint" httpPort="%s" httpsPort="-1"/>\n</server>\n' "$HERALD_PORT" \
        > "$dir/configDropins/overrides/bench.xml"
    # Herald's flags (and HERALD_BENCH_JAVA_OPTS) after the README's own jvm.options lines, one option a line.
    { cat server-config/liberty/jvm.options; printf '%s\n' "${HERALD_PROPS[@]}" "${HERALD_JVM[@]}"; } > "$dir/jvm.options"
    cp "$WAR" "$dir/dropins/herald.war"
    # server run, not server start: the script execs the server JVM, so $! is the JVM itself (server start forks it
    # and writes its pid file only once the server is up). The console (AUDIT messages) goes to herald.log.
    WLP_USER_DIR=$usr "$LIBERTY_HOME/bin/server" run herald-bench >> "$OUT/herald.log" 2>&1 &
    HERALD_PID=$!
    PIDS+=("$HERALD_PID")
    HERALD_LOG=$dir/logs/messages.log
    local started
    started=$(await_line "$OUT/herald.log" 'CWWKZ0001I: Application herald started|CWWKZ000[2-9]E' 300 "$HERALD_PID")
    [ "$started" != "${started#CWWKZ0001I}" ] || { echo "run.sh: Liberty did not start herald:" >&2; cat "$OUT/herald.log" >&2; return 1; }
    check_listener
}

# A container is up: its HTTP port must answer on 127.0.0.1 (and only there), and Herald's page must be deployed.
check_listener() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$HERALD_PORT${HERALD_PATH}chat/" || true)
    [ "$code" = 200 ] || { echo "run.sh: http://127.0.0.1:$HERALD_PORT${HERALD_PATH}chat/ answered $code; log in $HERALD_LOG" >&2; return 1; }
    echo "== $HERALD_NAME: ws://127.0.0.1:$HERALD_PORT$HERALD_PATH, JVM pid $HERALD_PID; its listening sockets:" >&2
    ss -Hltnp 2>/dev/null | grep "pid=$HERALD_PID," | awk '{print "   " $4}' >&2 || true
}

# The server JVM's own settings, read from the running process.
server_jvm() {
    local flags
    flags=$(timeout 30 jcmd "$HERALD_PID" VM.flags 2>/dev/null | tr ' ' '\n')
    local version
    case "$RUNTIME" in
        payara) version="Payara Micro $PAYARA_VERSION" ;;
        payara7) version="Payara Micro $PAYARA_VERSION on $("$PAYARA_JAVA" -version 2>&1 | head -1)" ;;
        wildfly) version=$(basename "$WILDFLY_HOME") ;;
        glassfish) version="GlassFish $GLASSFISH_VERSION, domain herald-bench" ;;
        liberty) version="Open Liberty $LIBERTY_VERSION, server herald-bench" ;;
    esac
    echo "Herald: $WAR ($(sha256sum "$WAR" | cut -c1-12)); runtime: $RUNTIME ($version), ws://127.0.0.1:PORT$HERALD_PATH; server JVM max heap $(echo "$flags" | awk -F= '/^-XX:MaxHeapSize=/ {printf "%.0f MiB", $2/1048576}'), GC $(echo "$flags" | grep -oE '^-XX:\+Use[A-Za-z0-9]+GC$' | head -1 | sed 's/-XX:+//')"
}

machine() {
    echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$RUNTIME" != standalone ]; then
        # The container's JVM: its real heap and GC are printed once it runs (the "Herald: ... runtime" line).
        echo "JDK: $(java -version 2>&1 | head -1); Herald JVM options: ${HERALD_BENCH_JAVA_OPTS:-the runtime defaults}"
        echo "Herald flags (as -Dherald.* system properties): $HERALD_FLAGS"
        return
    fi
    echo "JDK: $(java -version 2>&1 | head -1); Herald JVM: ${HERALD_BENCH_JAVA_OPTS:-defaults} (max heap $(java "${HERALD_JVM[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '/ MaxHeapSize / {printf "%.0f MiB", $4/1048576}'), GC $(java "${HERALD_JVM[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null | awk '/Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC .*= true/ {print $2}' | head -1))"
    echo "Herald flags: $HERALD_FLAGS"
    if [ -n "$CLUSTER" ]; then
        echo "herald-cluster: 2 standalone nodes, each with the flags above plus --broker redis --redis-url redis://127.0.0.1:PORT/0, on one $(redis-server --version | sed -E 's/.* v=([^ ]+).*/redis-server \1/') (--save '' --appendonly no)"
    fi
}

if [ -n "$PROFILE" ] && [ -n "$CLUSTER" ]; then
    # One node (memory broker) and the cluster's two nodes record JFR; the generator runs (a) for 30 s against the
    # one node, then against the cluster. Redis's CPU over the whole run is read from /proc before and after.
    echo "== profiling herald and herald-cluster under scenario (a) with JFR" >&2
    rm -f "$OUT/herald-a.jfr" "$OUT/herald-node1-a.jfr" "$OUT/herald-node2-a.jfr"
    start_herald "-XX:StartFlightRecording=name=bench,settings=profile,filename=$OUT/herald-a.jfr"
    start_cluster "-XX:StartFlightRecording=name=bench,settings=profile,filename=$OUT/herald-node1-a.jfr" -- \
        "-XX:StartFlightRecording=name=bench,settings=profile,filename=$OUT/herald-node2-a.jfr"
    { machine; echo "command: bench/run.sh --profile --cluster ${QUICK}${EXTRA[*]:+ -- ${EXTRA[*]}}"; } | tee "$OUT/profile-cluster-results.md"
    REDIS_CPU0=$(cpu_seconds "$REDIS_PID")
    for name in herald:$HERALD_PID node1:$NODE1_PID node2:$NODE2_PID; do thread_ticks "${name#*:}" > "$OUT/threads-${name%%:*}-before.tsv"; done
    T0=$(date +%s.%N)
    timeout 900 java bench/LoadGenerator.java $QUICK --scenarios a --a-seconds 30 \
        --server "herald:$HERALD_PORT:$HERALD_PID" "${CLUSTER_ARGS[@]}" "${EXTRA[@]}" | tee -a "$OUT/profile-cluster-results.md"
    REDIS_CPU1=$(cpu_seconds "$REDIS_PID")
    T1=$(date +%s.%N)
    for name in herald:$HERALD_PID node1:$NODE1_PID node2:$NODE2_PID; do thread_ticks "${name#*:}" > "$OUT/threads-${name%%:*}-after.tsv"; done
    {
        # Each JVM's threads over the whole generator run (herald runs first, then the cluster; each is idle
        # while the other is measured), from /proc: where each node's CPU went, kernel time included.
        for name in herald node1 node2; do
            echo
            echo "CPU by thread group, $name (user + system, from /proc/PID/task/*/stat over the whole generator run):"
            thread_cpu_table "$OUT/threads-$name-before.tsv" "$OUT/threads-$name-after.tsv"
        done
    } | tee -a "$OUT/profile-cluster-results.md"
    {
        echo
        echo "redis-server (pid $REDIS_PID) CPU over the whole generator run, from /proc/$REDIS_PID/stat: $REDIS_CPU0 s -> $REDIS_CPU1 s, $(awk -v a="$REDIS_CPU0" -v b="$REDIS_CPU1" -v t0="$T0" -v t1="$T1" 'BEGIN {printf "%.1f s in %.0f s of wall time", b - a, t1 - t0}')"
        if command -v redis-cli >/dev/null; then
            echo "redis-cli INFO commandstats (since Redis started):"
            timeout 10 redis-cli -p "$REDIS_PORT" INFO commandstats | tr -d '\r' | grep '^cmdstat' | sed 's/^/  /' || true
            echo "redis-cli INFO stats (traffic):"
            timeout 10 redis-cli -p "$REDIS_PORT" INFO stats | tr -d '\r' \
                | grep -E '^(total_net_input_bytes|total_net_output_bytes|total_commands_processed):' | sed 's/^/  /' || true
        else
            echo "(no redis-cli: Redis's command statistics are not shown)"
        fi
    } | tee -a "$OUT/profile-cluster-results.md"
    for pid in "$HERALD_PID" "$NODE1_PID" "$NODE2_PID"; do
        timeout 60 jcmd "$pid" JFR.stop name=bench >&2
    done
    for name in herald-a herald-node1-a herald-node2-a; do
        echo
        echo "== $name.jfr"
        timeout 120 jfr summary "$OUT/$name.jfr" | sed -n 1,12p
        timeout 300 java bench/JfrHotSpots.java "$OUT/$name.jfr" 25 | tee "$OUT/$name-hotspots.txt"
    done
    exit 0
fi

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

# $1: its log (default target/bench/ws.log). Sets WS_PID, WS_PORT and MEM_PORT.
start_ws() {
    local log=${1:-$OUT/ws.log}
    (cd bench/node && exec node --expose-gc server.js --port 0 --mem-port 0) > "$log" 2>&1 &
    WS_PID=$!
    PIDS+=("$WS_PID")
    WS_PORT=$(await_line "$log" 'listening on ws://127\.0\.0\.1:[0-9]+' 60 "$WS_PID" | grep -oE '[0-9]+$')
    MEM_PORT=$(await_line "$log" 'http://127\.0\.0\.1:[0-9]+/mem' 60 "$WS_PID" | grep -oE ':[0-9]+' | tr -d :)
}

stop_servers() {
    cleanup
    PIDS=()
}

# --spread N: (e) with N idle room connections over a cluster. A process may open at most `ulimit -Hn` files here
# (20 000), Herald and generator alike, so N is cut into processes of at most 15 000 connections: that many Herald
# nodes on one redis-server, one generator per node, each holding its connections (--e-hold) until all are
# connected; the whole cluster is then measured at once: each process's RSS, Redis's memory, and the cluster's own
# answer to "which rooms exist" (GET /api/rooms on node 1, which asks every other node through Redis). The same
# then runs over as many ws processes: ws has no cluster, but here each client is alone in its room, so
# independent processes serve the very same frames.
if [ -n "$SPREAD" ]; then
    PER_PROCESS=${HERALD_BENCH_SPREAD_PER_PROCESS:-15000}
    LIMIT=1800
    PROCESSES=$(( (SPREAD + PER_PROCESS - 1) / PER_PROCESS ))
    PER=$(( (SPREAD + PROCESSES - 1) / PROCESSES ))
    TOTAL=$(( PER * PROCESSES ))
    # The generators share one generator's 200 handshakes in flight: 200 each would queue handshakes on 2 cores
    # past the servers' handshake-seconds, and measure an overloaded machine instead of the servers.
    CONCURRENCY=$(( 200 / PROCESSES > 10 ? 200 / PROCESSES : 10 ))
    HOLD=$PWD/$OUT/spread-hold
    API_KEY=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
    echo "== compiling the generator once (javac), for $PROCESSES generator processes" >&2
    rm -rf "$OUT/generator" && mkdir -p "$OUT/generator"
    javac -d "$OUT/generator" bench/LoadGenerator.java
    rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
    cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
    # spread_round LABEL SPEC...: one generator per server SPEC (name:port:pid[:memport]), measured at the barrier.
    spread_round() {
        local label=$1 spec k=0 i g gens=() rss sum_rss=0 open sum_open=0 first=0 last=0 start end
        shift
        rm -rf "$HOLD" && mkdir -p "$HOLD"
        for spec in "$@"; do
            k=$((k + 1))
            timeout "$LIMIT" java -cp "$OUT/generator" LoadGenerator --scenarios e --e-storms 1 --e-connections "$PER" \
                --connect-concurrency "$CONCURRENCY" --e-hold "$HOLD" --server "$spec" > "$OUT/spread-$label-$k.md" 2> "$OUT/spread-$label-$k.log" &
            gens+=("$!")
            PIDS+=("$!")
        done
        for ((i = 0; i < LIMIT; i++)); do
            [ "$(find "$HOLD" -name '*.ready' | wc -l)" -ge "$#" ] && break
            for g in "${gens[@]}"; do
                kill -0 "$g" 2>/dev/null || { echo "run.sh: generator $g ended before the barrier; $OUT/spread-$label-*.log" >&2; return 1; }
            done
            sleep 1
        done
        # What holding them costs: each process's CPU over 10 s with every connection open and nothing sent.
        local pids=() before=() after=()
        for spec in "$@"; do pids+=("$(echo "$spec" | cut -d: -f3)"); done
        [ "$label" = herald-cluster ] && pids+=("$REDIS_PID")
        for k in "${!pids[@]}"; do before[k]=$(cpu_ticks "${pids[k]}"); done
        sleep 10
        for k in "${!pids[@]}"; do after[k]=$(cpu_ticks "${pids[k]}"); done
        held() { awk -v a="${before[$1]}" -v b="${after[$1]}" 'BEGIN {printf "%.1f %%", (b - a) / 10}'; }
        {
            echo
            echo "#### $label: $TOTAL idle room connections over $# processes, all open at once"
            echo
            echo "| process | connections open | RSS | CPU while holding them (10 s, % of one core) |"
            echo "|---|---|---|---|"
            k=0
            for spec in "$@"; do
                read -r open start end < "$HOLD/$(echo "$spec" | cut -d: -f1).ready"
                rss=$(rss_kib "$(echo "$spec" | cut -d: -f3)")
                sum_open=$((sum_open + open))
                sum_rss=$((sum_rss + rss))
                [ "$first" = 0 ] || [ "$start" -lt "$first" ] && first=$start
                [ "$end" -gt "$last" ] && last=$end
                echo "| $(echo "$spec" | cut -d: -f1) | $open | $(awk -v k="$rss" 'BEGIN {printf "%.1f MiB", k / 1024}') | $(held "$k") |"
                k=$((k + 1))
            done
            if [ "$label" = herald-cluster ]; then
                rss=$(rss_kib "$REDIS_PID")
                sum_rss=$((sum_rss + rss))
                echo "| redis-server | $(timeout 10 redis-cli -p "$REDIS_PORT" DBSIZE 2>/dev/null || echo '?') keys | $(awk -v k="$rss" 'BEGIN {printf "%.1f MiB", k / 1024}') | $(held "$k") |"
            fi
            local all=0
            for k in "${!pids[@]}"; do all=$((all + after[k] - before[k])); done
            echo
            echo "- CPU while holding them, all processes: $(awk -v t="$all" 'BEGIN {printf "%.1f %% of one core", t / 10}')"
            echo
            echo "- connections open, all processes: $sum_open of $TOTAL"
            awk -v r="$sum_rss" -v n="$sum_open" 'BEGIN {printf "- RSS, all processes%s: %.0f MiB, %.1f KiB per connection\n", "", r / 1024, r / n}'
            awk -v n="$sum_open" -v a="$first" -v b="$last" 'BEGIN {printf "- from the first handshake to the last welcome: %.1f s, %.0f connections per second\n", (b - a) / 1000, n * 1000 / (b - a)}'
            if [ "$label" = herald-cluster ]; then
                local rooms
                rooms=$(timeout 120 curl -s --max-time 100 -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:${NODE_PORTS[0]}/api/rooms" | grep -o '"room":' | wc -l)
                echo "- GET /api/rooms on node 1 (it asks every node through Redis): $rooms rooms"
            fi
        } | tee -a "$OUT/results.md"
        touch "$HOLD/release"
        for g in "${gens[@]}"; do wait "$g" || true; done
        for ((k = 1; k <= $#; k++)); do tee -a "$OUT/results.md" < "$OUT/spread-$label-$k.md"; done
    }
    {
        echo "# Herald vs ws, (e) spread: $TOTAL idle room connections, $(date -u +%Y-%m-%dT%H:%MZ)"
        echo
        echo '```'
        machine
        echo "Node: $(node --version), ws $(node -p "require('./bench/node/node_modules/ws/package.json').version")"
        echo "herald-cluster: $PROCESSES standalone nodes with --broker redis on one $(redis-server --version | sed -E 's/.* v=([^ ]+).*/redis-server \1/'); ws: $PROCESSES independent processes; $PER connections each, one generator process per server"
        echo "command: bench/run.sh --spread $SPREAD${EXTRA[*]:+ -- ${EXTRA[*]}}"
        echo '```'
    } | tee "$OUT/results.md"
    start_redis
    NODE_SPECS=()
    NODE_PORTS=()
    for ((k = 1; k <= PROCESSES; k++)); do
        HERALD_API_KEY=$API_KEY launch_standalone "$OUT/herald-node$k.log" "--broker redis --redis-url redis://127.0.0.1:$REDIS_PORT/0"
        NODE_SPECS+=("herald-node$k:$STARTED_PORT:$STARTED_PID")
        NODE_PORTS+=("$STARTED_PORT")
    done
    spread_round herald-cluster "${NODE_SPECS[@]}"
    stop_servers
    WS_SPECS=()
    for ((k = 1; k <= PROCESSES; k++)); do
        start_ws "$OUT/ws$k.log"
        WS_SPECS+=("ws$k:$WS_PORT:$WS_PID:$MEM_PORT")
    done
    spread_round ws "${WS_SPECS[@]}"
    exit 0
fi

{
    echo "# Herald vs ws, $(date -u +%Y-%m-%dT%H:%MZ)${QUICK:+ (quick)}"
    echo
    echo '```'
    machine
    echo "Node: $(node --version), ws $(node -p "require('./bench/node/node_modules/ws/package.json').version") (bench/node/server.js, node --expose-gc)"
    echo "command: bench/run.sh ${QUICK} --runtime ${RUNTIME} ${CLUSTER:+--cluster }--scenarios ${SCENARIOS}${EXTRA[*]:+ -- ${EXTRA[*]}}"
    echo '```'
} | tee "$OUT/results.md"

LIMIT=5400
[ -n "$QUICK" ] && LIMIT=900
[ -n "$CLUSTER" ] && LIMIT=$((LIMIT * 3 / 2))
run_generator() {
    # $1: scenarios. The servers were just started; the generator runs Herald first, then (--cluster) the cluster,
    # then ws, per scenario.
    # In the background and waited for, so that a TERM reaches the trap at once (bash runs traps only between
    # foreground commands); timeout passes the TERM on to the generator.
    timeout "$LIMIT" java bench/LoadGenerator.java $QUICK --scenarios "$1" --path "$HERALD_PATH" \
        --server "$HERALD_NAME:$HERALD_PORT:$HERALD_PID" "${CLUSTER_ARGS[@]}" \
        --server "ws:$WS_PORT:$WS_PID:$MEM_PORT" "${EXTRA[@]}" \
        > >(tee -a "$OUT/results.md") &
    local generator=$!
    PIDS+=("$generator")
    wait "$generator"
}

# (a), (b), (c) and (f) share one pair of servers. (d) gets a fresh pair, so its "empty" memory baseline is not what
# (c)'s 20 GB burst left behind (freed memory that the JVM and V8 keep, or that malloc does not return).
FIRST=$(echo "$SCENARIOS" | tr ',' '\n' | grep -E '^[abcf]$' | paste -sd, - || true)
if [ -n "$FIRST" ]; then
    start_herald
    [ "$RUNTIME" = standalone ] || server_jvm | tee -a "$OUT/results.md"
    if [ -n "$CLUSTER" ]; then start_cluster; fi
    start_ws
    run_generator "$FIRST"
fi
# (d) and (e) measure memory from an empty server: each gets a fresh pair.
for MEMORY_SCENARIO in d e; do
    if echo "$SCENARIOS" | tr ',' '\n' | grep -qx "$MEMORY_SCENARIO"; then
        stop_servers
        start_herald
        if [ -n "$CLUSTER" ]; then start_cluster; fi
        start_ws
        run_generator "$MEMORY_SCENARIO"
    fi
done
echo | tee -a "$OUT/results.md"
# Which write path Herald took (it logs it once, with raw-frames): evidence of what was measured.
WRITE_PATH=$(grep -m1 -oE '(frames are written|frames to [^ ]+ go through|raw frames)[^]]*' "$HERALD_LOG" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' || true)
echo "Herald's log on its write path: ${WRITE_PATH:-(no line about it)}" | tee -a "$OUT/results.md"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.md"
if [ -n "$CLUSTER" ]; then
    # What the cluster's nodes logged beyond their start: warnings (a dropped text, a lost link) are evidence too.
    for log in "$OUT/herald-node1.log" "$OUT/herald-node2.log"; do
        echo "$(basename "$log"): $(grep -cE 'WARNING|SEVERE' "$log" || true) warnings or errors" | tee -a "$OUT/results.md"
    done
fi
echo "(tables saved in $OUT/results.md; server logs in $HERALD_LOG${CLUSTER:+, $OUT/herald-node1.log, $OUT/herald-node2.log, $OUT/redis.log} and $OUT/ws.log)" >&2
