#!/usr/bin/env bash
# Start the local services tests need, if they are not running: postgres, redis, mosquitto.
set -euo pipefail

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

start_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then return; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  need_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && return; sleep 1; done
  echo "PostgreSQL 未能启动" >&2; exit 1
}

start_redis() {
  if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then return; fi
  command -v redis-server >/dev/null || need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
}

start_mosquitto() {
  if (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then return; fi
  command -v mosquitto >/dev/null || need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q mosquitto >/dev/null
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
}

for service in "$@"; do "start_$service"; done
