#!/usr/bin/env bash
# A real PostgreSQL server for the service's database tests, from the distribution's packages.
#   scripts/postgres.sh start   installs (if missing) and starts a cluster, creates role + database,
#                               prints the URL to export as CLAIMS_TEST_POSTGRES_URL
#   scripts/postgres.sh stop    stops the cluster again
# Needs root (apt-get, pg_ctlcluster). Used by .ci/run.
set -euo pipefail
ROLE=claims_test
DB=claims_test
PASSWORD=claims_test
PORT=${CLAIMS_PG_PORT:-5432}

cluster() {  # "<version> <name>" of the first cluster, if any
    pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1, $2}'
}

case "${1:-}" in
start)
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
        echo "installing postgresql from the distribution's packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
    if [ -z "$(cluster)" ]; then
        version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
        pg_createcluster "$version" main --port "$PORT" >&2
    fi
    read -r version name <<<"$(cluster)"
    pg_ctlcluster "$version" "$name" start >&2 || pg_ctlcluster "$version" "$name" status >&2
    port=$(pg_lsclusters --no-header | awk -v v="$version" -v n="$name" '$1==v && $2==n {print $3}')
    for _ in $(seq 1 30); do
        su postgres -c "psql -p $port -tAc 'SELECT 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -q" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SQL
    if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = '$DB'\"" | grep -q 1; then
        su postgres -c "createdb -p $port -O $ROLE $DB" >&2
    fi
    echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$port/$DB"
    ;;
stop)
    if [ -n "$(cluster)" ]; then
        read -r version name <<<"$(cluster)"
        pg_ctlcluster "$version" "$name" stop >&2 || true
    fi
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
