#!/usr/bin/env bash
# Start the local services tests need, if they are not running: postgres, redis, mosquitto;
# make sure the broker programs the tests start themselves are installed: brokers.
#
#   scripts/services.sh postgres redis mosquitto brokers
#
# Installs a missing service from Debian packages. Works as root or with sudo and never
# asks a question (CI runs it with no terminal). PG_CLUSTER, PG_PORT and REDIS_PORT pick
# another PostgreSQL cluster or port than the default (main on 5432, 6379).
set -euo pipefail

PG_CLUSTER=${PG_CLUSTER:-main}
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
MQTT_PORT=1883

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_install() { need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }

wait_for() {  # wait_for NAME COMMAND… — up to 30 s
  local name=$1
  shift
  for _ in $(seq 1 60); do "$@" && return; sleep 0.5; done
  echo "$name 未能启动" >&2
  exit 1
}

pg_ready() { pg_isready -h 127.0.0.1 -p "$PG_PORT" -q 2>/dev/null; }

start_postgres() {
  if pg_ready; then return; fi
  local fresh=
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql
    fresh=1
  fi
  local version
  version=$(find /etc/postgresql -mindepth 2 -maxdepth 2 -name "$PG_CLUSTER" 2>/dev/null |
    sort -V | tail -1 | cut -d/ -f4)
  if [ -z "$version" ]; then
    echo "没有 PostgreSQL 集群 $PG_CLUSTER（pg_lsclusters 查看）" >&2
    exit 1
  fi
  if [ -n "$fresh" ]; then
    # A new cluster on a CI machine: the tests connect as postgres from 127.0.0.1
    # without a password (DATABASE_URL=postgres://postgres@127.0.0.1:5432/…).
    local hba=/etc/postgresql/$version/$PG_CLUSTER/pg_hba.conf
    need_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    need_root pg_ctlcluster "$version" "$PG_CLUSTER" reload 2>/dev/null || true
  fi
  # "already running" (the package may have started it) is fine; wait_for decides.
  need_root pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start 2>/dev/null ||
    true
  wait_for PostgreSQL pg_ready
}

redis_ready() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_ready; then return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  redis_ready || redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save "" --appendonly no >/dev/null
  wait_for Redis redis_ready
}

mqtt_ready() { (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null; }

start_mosquitto() {
  if mqtt_ready; then return; fi
  command -v mosquitto >/dev/null || apt_install mosquitto
  # Debian's config writes its pid under /run/mosquitto, which a reboot empties.
  need_root install -d -o mosquitto -g mosquitto /run/mosquitto 2>/dev/null || true
  mqtt_ready || need_root mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_for Mosquitto mqtt_ready
}

# The MQTT tests and bench/ingest.py start their own NATS and Mosquitto (the shipped
# configurations on free ports): only the programs must be there.
install_brokers() {
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || apt_install mosquitto
  command -v openssl >/dev/null || apt_install openssl
}

for service in "$@"; do
  case $service in
    postgres | redis | mosquitto) "start_$service" ;;
    brokers) install_brokers ;;
    *) echo "未知服务：$service（可选 postgres redis mosquitto brokers）" >&2; exit 2 ;;
  esac
done
