#!/usr/bin/env bash
# Roles and databases for every service that keeps state in the shared Postgres. Idempotent:
# creates what is missing, re-applies passwords from .env, never drops anything.
# Runs in the postgres image against the `postgres` service (PGHOST/PGUSER/PGPASSWORD set).
set -euo pipefail

# role_and_db ROLE PASSWORD DATABASE
role_and_db() {
  local role="$1" password="$2" db="$3"
  psql -v ON_ERROR_STOP=1 -d postgres -q \
    -v role="$role" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SQL
  if [[ -z "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${db}'")" ]]; then
    psql -v ON_ERROR_STOP=1 -d postgres -q -c "CREATE DATABASE \"${db}\" OWNER \"${role}\""
  fi
  # A database made before this ran (the native stack's Postgres creates `onering` itself) gets its
  # owner too: since Postgres 15 only the owner may create tables in its public schema.
  psql -v ON_ERROR_STOP=1 -d postgres -q -c "ALTER DATABASE \"${db}\" OWNER TO \"${role}\""
  echo "postgres-init: role ${role} owns database ${db}"
}

role_and_db "$ONERING_PG_USER" "$ONERING_PG_PASSWORD" onering
# The Iceberg catalog (JdbcCatalog creates its two tables on first use).
role_and_db "$ONERING_PG_USER" "$ONERING_PG_PASSWORD" iceberg
role_and_db airflow "$AIRFLOW_DB_PASSWORD" airflow
role_and_db metabase "$METABASE_DB_PASSWORD" metabase
role_and_db mlflow "$MLFLOW_DB_PASSWORD" mlflow
role_and_db openmetadata "$OPENMETADATA_DB_PASSWORD" openmetadata_db
role_and_db openmetadata "$OPENMETADATA_DB_PASSWORD" openmetadata_airflow
role_and_db infisical "$INFISICAL_DB_PASSWORD" infisical

# Gold is published by the pipelines' user; Liquibase creates the tables inside this schema.
psql -v ON_ERROR_STOP=1 -d onering -q \
  -c "CREATE SCHEMA IF NOT EXISTS gold AUTHORIZATION \"${ONERING_PG_USER}\""
echo "postgres-init: done"
