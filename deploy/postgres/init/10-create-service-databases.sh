#!/usr/bin/env bash
# One database and one login role per avhopp service.
#
# Run once by the postgres image's entrypoint (/docker-entrypoint-initdb.d) on
# an empty data directory, as the superuser. Each service connects as its own
# role to its own database and cannot connect to another service's database.
# Passwords come from the environment of the postgres container (the same
# variables docker-compose.yml puts into each service's database URL); they
# reach psql as variables, never as part of the SQL text or the command line
# shown in logs.
set -euo pipefail

create_service_database() {
    local name="$1" password="$2"
    if [[ -z "$password" ]]; then
        echo "init: no password given for $name" >&2
        return 1
    fi
    echo "init: creating role and database $name"
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" \
        --dbname "${POSTGRES_DB:-postgres}" --set=service_password="$password" <<EOSQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$name', :'service_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$name')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$name', '$name')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$name')\gexec
REVOKE ALL ON DATABASE "$name" FROM PUBLIC;
GRANT ALL ON DATABASE "$name" TO "$name";
EOSQL
}

create_service_database avhopp_intake "${AVHOPP_INTAKE_DB_PASSWORD:-}"
create_service_database avhopp_threat "${AVHOPP_THREAT_DB_PASSWORD:-}"
create_service_database avhopp_social "${AVHOPP_SOCIAL_DB_PASSWORD:-}"
create_service_database avhopp_followup "${AVHOPP_FOLLOWUP_DB_PASSWORD:-}"
