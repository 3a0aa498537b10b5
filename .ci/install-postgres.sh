#!/usr/bin/env bash
# A real PostgreSQL server for the persistence test (tests/service/test_service_postgres.py).
# Idempotent; prints the SQLAlchemy URL on its last line.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
pg_lsclusters | grep -q "^$version  *main" || pg_createcluster "$version" main >/dev/null
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='scheduler'\"" | grep -q 1 \
  || su postgres -c "psql -q -c \"CREATE USER scheduler WITH PASSWORD 'scheduler'\""
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='scheduler_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O scheduler scheduler_test"
echo "postgresql+psycopg://scheduler:scheduler@127.0.0.1:5432/scheduler_test"
