#!/usr/bin/env bash
# Stops what infra/local/up.sh started (listed in .data/infra/started) and nothing else: a MariaDB
# or Redis that was running before up.sh stays running. Idempotent.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

KAFKA_STOP_SECONDS=${KAFKA_STOP_SECONDS:-30}

take_lock

stop_kafka() {
  local pid t0
  t0=$(now_ms)
  if ! pid=$(kafka_pid); then
    rm -f "$KAFKA_PID"
    line kafka "not running"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  if wait_exit "$pid" "$KAFKA_STOP_SECONDS"; then
    line kafka "stopped in $(since "$t0") (pid $pid)"
  else
    kill -9 "$pid" 2>/dev/null || true
    wait_exit "$pid" 10 || {
      line kafka "FAILED to stop pid $pid" >&2
      return 1
    }
    line kafka "killed (pid $pid, no exit ${KAFKA_STOP_SECONDS}s after SIGTERM)"
  fi
  rm -f "$KAFKA_PID"
}

stop_redis() {
  local pid
  pid=$(cat "$INFRA_DIR/redis.pid" 2>/dev/null) || true
  # By pid, not redis-cli: REDIS_URL may point elsewhere by now.
  if [ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait_exit "$pid" 15 || kill -9 "$pid" 2>/dev/null || true
    line redis "stopped (pid $pid)"
  else
    line redis "not running"
  fi
  rm -f "$INFRA_DIR/redis.pid"
}

stop_mysql() {
  local bin
  bin=$(command -v mariadbd mysqld /usr/sbin/mariadbd /usr/sbin/mysqld 2>/dev/null | head -n 1) || true
  if [ -n "$bin" ] && start-stop-daemon --stop --quiet --retry TERM/60/KILL/5 --exec "$bin"; then
    line mysql "stopped"
  else
    line mysql "not running"
  fi
}

if [ ! -s "$STARTED" ]; then
  echo "infra: nothing to stop (infra:up started nothing that still runs)"
  exit 0
fi

compose=() handled=()
# Newest first: the reverse of the order up.sh started them in.
for service in $(tac "$STARTED"); do
  case $service in
    kafka) stop_kafka ;;
    redis) stop_redis ;;
    mysql) stop_mysql ;;
    compose:*) compose+=("${service#compose:}") ;;
    *) echo "infra: unknown entry '$service' in $STARTED, ignored" >&2 ;;
  esac
  [[ $service == compose:* ]] || forget_started "$service"
  handled+=("${service#compose:}")
done

if [ ${#compose[@]} -gt 0 ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    echo "infra: docker compose rm --stop --force ${compose[*]}"
    docker compose rm --stop --force "${compose[@]}"
  else
    echo "infra: no Docker engine answers; containers ${compose[*]} were left as they are" >&2
  fi
  for service in "${compose[@]}"; do forget_started "compose:$service"; done
fi

for s in mysql redis kafka; do
  [[ " ${handled[*]} " == *" $s "* ]] || line "$s" "left as it was (infra:up did not start it)"
done
