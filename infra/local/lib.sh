# shellcheck shell=bash disable=SC2034 # sourced: the variables are used by up.sh and down.sh
# Shared by infra/local/up.sh, down.sh and packages.sh (sourced, not run).
# Expects ROOT (the repository) to be set and to be the working directory.

DATA="$ROOT/.data"
INFRA_DIR="$DATA/infra"
STARTED="$INFRA_DIR/started" # one service a line: what up.sh started and down.sh may stop

MYSQL_URL="${MYSQL_URL:-mysql://root@127.0.0.1:3306/flashsale}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export MYSQL_URL REDIS_URL KAFKA_BROKERS

# host:port of a URL such as mysql://user:pass@host:port/db, or of a bare host:port.
hostport() {
  local u="${1#*://}"
  u="${u##*@}"
  u="${u%%/*}"
  printf '%s' "${u%%\?*}"
}
host_of() { local hp; hp=$(hostport "$1"); printf '%s' "${hp%:*}"; }
port_of() {
  local hp default="$2"
  hp=$(hostport "$1")
  if [[ "$hp" == *:* ]]; then printf '%s' "${hp##*:}"; else printf '%s' "$default"; fi
}
is_local() { case "$1" in 127.0.0.1 | localhost | ::1 | '[::1]') return 0 ;; *) return 1 ;; esac; }

MYSQL_HOST=$(host_of "$MYSQL_URL")
MYSQL_PORT=$(port_of "$MYSQL_URL" 3306)
REDIS_HOST=$(host_of "$REDIS_URL")
REDIS_PORT=$(port_of "$REDIS_URL" 6379)
KAFKA_HOST=$(host_of "${KAFKA_BROKERS%%,*}")
KAFKA_PORT=$(port_of "${KAFKA_BROKERS%%,*}" 9092)
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"

KAFKA_VERSION=$(sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' infra/local/kafka/pom.xml)
KAFKA_CLUSTER_ID=5L6g3nShT-eMCtK--X86sw # fixed: the data is disposable test data
KAFKA_DIR="$DATA/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_PID="$KAFKA_DIR/kafka.pid"
KAFKA_LOG="$KAFKA_DIR/kafka.log"

line() { printf 'infra: %-6s %s\n' "$1" "$2"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Seconds from epoch-ms $1 to epoch-ms $2 (default now), as "4.2s".
since() { local ms=$((${2:-$(now_ms)} - $1)); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }

was_started() { [ -f "$STARTED" ] && grep -qx "$1" "$STARTED"; }
record_started() { was_started "$1" || echo "$1" >>"$STARTED"; }
forget_started() {
  [ -f "$STARTED" ] || return 0
  grep -vx "$1" "$STARTED" >"$STARTED.tmp" || true
  mv "$STARTED.tmp" "$STARTED"
}

# The pid of the broker up.sh started, if that process still runs.
kafka_pid() {
  local pid
  pid=$(cat "$KAFKA_PID" 2>/dev/null) || return 1
  [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q "kafka.Kafka $KAFKA_DIR/server.properties" &&
    echo "$pid"
}

# Waits up to $2 seconds for process $1 to exit.
wait_exit() {
  local pid=$1 deadline=$(($(date +%s) + $2))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# SIGTERM, then SIGKILL if process $1 has not exited after $2 seconds; fails if it survives both.
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait_exit "$1" "$2" && return 0
  kill -9 "$1" 2>/dev/null || true
  wait_exit "$1" 10
}

# Replaces the current (sub)shell with "$@", every file descriptor above 2 closed first: a daemon
# must not keep its parent's pipes (npm's, CI's) or the lock open. Call it in a subshell: ( ... ) or &.
detached() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
  done
  exec "$@"
}

# npm ci when node_modules is missing or older than package-lock.json (call it under take_lock).
ensure_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "infra: node_modules missing or older than package-lock.json: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Serialises up.sh and down.sh (two `npm test` at once, say). fd 9 must not leak into daemons.
take_lock() {
  mkdir -p "$INFRA_DIR"
  command -v flock >/dev/null || return 0
  exec 9>"$INFRA_DIR/lock"
  if ! flock -w 300 9; then
    echo "infra: another infra/local/up.sh or down.sh holds $INFRA_DIR/lock" >&2
    exit 1
  fi
}
