#!/usr/bin/env bash
# Brings up what the tests and `npm start` talk to: MySQL (or MariaDB), Redis and Kafka.
# With a Docker engine it uses docker-compose.yml. Without one (the build machines) it uses the
# machine's MariaDB and Redis, starting or installing them if needed, and runs a real single-node
# Kafka (KRaft) from the jars Maven resolves. Idempotent and quick when everything already answers.
# What it starts is recorded in .data/infra/started, and only that is stopped by down.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

MYSQL_WAIT=${MYSQL_WAIT_SECONDS:-60}
REDIS_WAIT=${REDIS_WAIT_SECONDS:-30}
KAFKA_WAIT=${KAFKA_WAIT_SECONDS:-90}

take_lock

# A fresh clone's `npm test` runs this before anything is installed.
ensure_packages

declare -A STATUS=() REASON=() NOTE=() LOGFILE=() T0=() HINT=()

# Runs infra/local/ready.ts on its arguments and fills STATUS/REASON from its lines.
probe() {
  local out name state rest
  out=$("$ROOT/node_modules/.bin/tsx" infra/local/ready.ts "$@" 2>"$INFRA_DIR/ready.err" 9>&-) || true
  if [ -z "$out" ]; then
    tail -n 20 "$INFRA_DIR/ready.err" >&2
    echo "infra: infra/local/ready.ts did not run (is node_modules complete? try 'npm ci')" >&2
    exit 1
  fi
  while read -r name state rest; do
    [ -n "$name" ] || continue
    STATUS[$name]=$state
    REASON[$name]=$rest
  done <<<"$out"
}

install_packages() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    if [ -z "${APT_UPDATED:-}" ]; then
      echo "infra: apt-get update"
      apt-get update -qq >>"$INFRA_DIR/apt.log" 2>&1
      APT_UPDATED=1
    fi
    echo "infra: apt-get install -y $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$INFRA_DIR/apt.log" 2>&1 9>&-; then
      tail -n 20 "$INFRA_DIR/apt.log" >&2
      echo "infra: apt-get install $* FAILED (log: $INFRA_DIR/apt.log)" >&2
      exit 1
    fi
  else
    echo "infra: $* is not installed. Install it, e.g. 'sudo apt-get install -y $*'" \
      "(or 'brew install ${*%-server}'), or run Docker and use docker-compose.yml." >&2
    exit 1
  fi
}

mysql_start() {
  local bin fresh=''
  bin=$(command -v mariadbd mysqld /usr/sbin/mariadbd /usr/sbin/mysqld 2>/dev/null | head -n 1) || true
  if [ -z "$bin" ]; then
    install_packages mariadb-server
    bin=/usr/sbin/mariadbd
    fresh=1
  fi
  if [ "$(id -u)" != 0 ] || ! command -v start-stop-daemon >/dev/null; then
    echo "infra: MariaDB/MySQL is installed but not running on $MYSQL_HOST:$MYSQL_PORT; start it" \
      "(e.g. 'sudo service mariadb start')." >&2
    exit 1
  fi
  id mysql >/dev/null 2>&1 && install -d -o mysql -g mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --output "$INFRA_DIR/mariadb.log" --exec "$bin" 9>&- ||
    return 1
  # The server logs to its log-error file when the configuration names one, else to stderr.
  LOGFILE[mysql]=$(my_print_defaults --mysqld 2>/dev/null | sed -n 's/^--log[-_]error=//p' | tail -n 1)
  [ -n "${LOGFILE[mysql]}" ] || LOGFILE[mysql]="$INFRA_DIR/mariadb.log"
  record_started mysql
  if [ -n "$fresh" ]; then
    # Debian's package lets root in only over the socket; the app connects as root over TCP.
    local tries=30
    until mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1 || [ $((tries -= 1)) -le 0 ]; do sleep 1; done
    mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;" || true
  fi
}

redis_start() {
  command -v redis-server >/dev/null || install_packages redis-server
  LOGFILE[redis]="$INFRA_DIR/redis.log"
  (detached redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save '' \
    --appendonly no --dir "$INFRA_DIR" --pidfile "$INFRA_DIR/redis.pid" --logfile "${LOGFILE[redis]}" \
    </dev/null >/dev/null) || return 1
  record_started redis
}

# Copies the broker's jars into .data/kafka/libs unless the current pom's are already there.
kafka_jars() {
  local stamp
  stamp=$(sha1sum infra/local/kafka/pom.xml | cut -d' ' -f1)
  [ "$(cat "$KAFKA_LIBS/.pom.sha1" 2>/dev/null)" = "$stamp" ] && return 0
  command -v mvn >/dev/null || {
    echo "infra: Kafka needs Maven and Java 17+ (e.g. 'apt-get install -y maven openjdk-17-jdk-headless')" >&2
    return 1
  }
  echo "infra: kafka  resolving Kafka $KAFKA_VERSION jars with Maven (first run only)"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  if ! mvn -q -B -f infra/local/kafka/pom.xml dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime >"$KAFKA_DIR/mvn.log" 2>&1 9>&-; then
    tail -n 20 "$KAFKA_DIR/mvn.log" >&2
    echo "infra: mvn dependency:copy-dependencies FAILED (log: $KAFKA_DIR/mvn.log)" >&2
    return 1
  fi
  echo "$stamp" >"$KAFKA_LIBS/.pom.sha1"
}

# Writes server.properties and log4j2.properties; formats the storage once per configuration.
kafka_config() {
  local stamp
  sed -e "s|@HOST@|127.0.0.1|g" -e "s|@PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@LOG_DIRS@|$KAFKA_DIR/data|g" \
    infra/local/kafka/server.properties >"$KAFKA_DIR/server.properties" || return 1
  cp infra/local/kafka/log4j2.properties "$KAFKA_DIR/log4j2.properties" || return 1
  # The formatted storage holds the controller's address, so a new configuration means a new format.
  stamp="$KAFKA_VERSION $KAFKA_CLUSTER_ID $(sha1sum <"$KAFKA_DIR/server.properties" | cut -d' ' -f1)"
  if [ -f "$KAFKA_DIR/data/meta.properties" ] && [ "$(cat "$KAFKA_DIR/formatted" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/formatted"
  if ! java "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties" -cp "$KAFKA_LIBS/*" \
    kafka.tools.StorageTool format --standalone -t "$KAFKA_CLUSTER_ID" \
    -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 9>&-; then
    tail -n 20 "$KAFKA_DIR/format.log" >&2
    echo "infra: kafka storage format FAILED (log: $KAFKA_DIR/format.log)" >&2
    return 1
  fi
  echo "$stamp" >"$KAFKA_DIR/formatted"
}

# Sets KAFKA_STARTED_PID to a broker that runs (started now, or by an earlier run and still booting).
kafka_start() {
  if KAFKA_STARTED_PID=$(kafka_pid); then
    return 0
  fi
  rm -f "$KAFKA_PID"
  command -v java >/dev/null || {
    echo "infra: Kafka needs Java 17+ (e.g. 'apt-get install -y openjdk-17-jdk-headless')" >&2
    return 1
  }
  mkdir -p "$KAFKA_DIR"
  kafka_jars || return 1
  kafka_config || return 1
  if [ -f "$KAFKA_LOG" ]; then mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"; fi
  detached nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties" -cp "$KAFKA_LIBS/*" \
    kafka.Kafka "$KAFKA_DIR/server.properties" </dev/null >"$KAFKA_LOG" 2>&1 &
  KAFKA_STARTED_PID=$!
  echo "$KAFKA_STARTED_PID" >"$KAFKA_PID"
  record_started kafka
}

compose_up() {
  local eventstore_up=''
  curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:2113/health/live 2>/dev/null && eventstore_up=1
  probe mysql redis kafka
  local services=() s
  for s in redis mysql kafka; do [ "${STATUS[$s]:-}" = ok ] || services+=("$s"); done
  [ -n "$eventstore_up" ] || services+=(eventstore)
  if [ ${#services[@]} -gt 0 ]; then
    echo "infra: docker compose up -d --wait ${services[*]}"
    if ! docker compose up -d --wait "${services[@]}"; then
      docker compose logs --tail 30 "${services[@]}" >&2 || true
      echo "infra: docker compose up FAILED" >&2
      exit 1
    fi
    for s in "${services[@]}"; do
      record_started "compose:$s"
      [ "$s" = eventstore ] || NOTE[$s]=started
    done
  fi
  line eventstore "${eventstore_up:+up}${eventstore_up:-started} (127.0.0.1:2113)"
  probe "mysql:$MYSQL_WAIT" "redis:$REDIS_WAIT" "kafka:$KAFKA_WAIT"
}

# Starts a service that does not answer with its start function when it belongs on this machine;
# one elsewhere can only be waited for. Adds to the caller's `waits` (bash's dynamic scope).
ensure_service() {
  local name=$1 host=$2 wait=$3 start=$4
  [ "${STATUS[$name]:-}" != ok ] || return 0
  T0[$name]=$(now_ms)
  if ! is_local "$host"; then
    HINT[$name]="not on this machine, so infra:up can only wait for it"
    waits+=("$name:$wait")
  elif "$start"; then
    NOTE[$name]=started
    waits+=("$name:$wait")
  else
    STATUS[$name]=fail
    REASON[$name]="could not start it (see above)"
  fi
}

local_up() {
  local waits=() s
  probe mysql redis kafka
  # The broker's jars also serve tests that run a private broker (tests/support/kafka-broker.ts),
  # so they are resolved even when some other broker already answers on the port.
  if [ "${STATUS[kafka]:-}" = ok ] && command -v java >/dev/null && command -v mvn >/dev/null; then
    mkdir -p "$KAFKA_DIR"
    kafka_jars || echo "infra: kafka  could not resolve the broker jars (tests that run a private broker will fail)" >&2
  fi
  ensure_service mysql "$MYSQL_HOST" "$MYSQL_WAIT" mysql_start
  ensure_service redis "$REDIS_HOST" "$REDIS_WAIT" redis_start
  if [ "${STATUS[kafka]:-}" != ok ]; then
    T0[kafka]=$(now_ms)
    if is_local "$KAFKA_HOST"; then
      LOGFILE[kafka]=$KAFKA_LOG
      if kafka_start; then
        NOTE[kafka]=started
        waits+=("kafka:$KAFKA_WAIT:$KAFKA_STARTED_PID")
      else
        STATUS[kafka]=fail
        REASON[kafka]="could not start the broker (see above)"
      fi
    else
      HINT[kafka]="not on this machine, so infra:up can only wait for it"
      waits+=("kafka:$KAFKA_WAIT")
    fi
  fi
  if [ ${#waits[@]} -gt 0 ]; then
    probe "${waits[@]}"
    for s in mysql redis kafka; do
      if [ "${NOTE[$s]:-}" = started ] && [ "${STATUS[$s]}" = ok ]; then
        NOTE[$s]="started in $(since "${T0[$s]}" "${REASON[$s]}")"
      fi
    done
  fi
  return 0
}

MODE=local
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  MODE=compose
  compose_up
else
  local_up
fi

failed=0
for s in mysql redis kafka; do
  case $s in
    mysql) where="$MYSQL_HOST:$MYSQL_PORT" ;;
    redis) where="$REDIS_HOST:$REDIS_PORT" ;;
    kafka) where="$KAFKA_BROKERS${NOTE[kafka]:+, Kafka $KAFKA_VERSION}" ;;
  esac
  if [ "${STATUS[$s]:-}" = ok ]; then
    line "$s" "${NOTE[$s]:-up} ($where)"
  else
    failed=1
    line "$s" "FAILED ($where): ${REASON[$s]:-no answer}" >&2
    [ -z "${HINT[$s]:-}" ] || line "$s" "(${HINT[$s]})" >&2
    if [ "$MODE" = compose ]; then
      docker compose logs --tail 25 "$s" >&2 || true
    elif [ -n "${LOGFILE[$s]:-}" ] && [ -s "${LOGFILE[$s]}" ]; then
      echo "----- end of ${LOGFILE[$s]} (stack frames left out) -----" >&2
      grep -vE '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "${LOGFILE[$s]}" | tail -n 25 >&2
      echo "-----" >&2
    fi
    if [ "$s" = kafka ] && pid=$(kafka_pid); then
      # A broker that did not answer in time is stopped, so that the next run starts afresh.
      stop_pid "$pid" 15 || true
      line kafka "stopped the broker that did not answer (pid $pid)" >&2
    fi
  fi
done
exit "$failed"
