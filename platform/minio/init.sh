#!/bin/sh
# Lake buckets and the pipelines' own account. Idempotent: creates only what is missing and
# never deletes a bucket or an object. Runs in the minio/mc image (POSIX sh, no bash).
set -eu

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null

# The four lake zones (docs/data-model.md), the CSV landing area, Flink checkpoints and MLflow.
for bucket in bronze silver gold quarantine landing checkpoints mlflow; do
  mc mb --ignore-existing "local/$bucket"
done

# Bronze is immutable as received: keep every version of an overwritten object.
mc version enable local/bronze >/dev/null

# The pipelines never use the root account. `user add` also resets the secret to the one in
# .env, so a rotated secret is applied on the next `up`.
mc admin user add local "$ONERING_S3_ACCESS_KEY" "$ONERING_S3_SECRET_KEY" >/dev/null
if ! mc admin user info local "$ONERING_S3_ACCESS_KEY" | grep -q readwrite; then
  mc admin policy attach local readwrite --user "$ONERING_S3_ACCESS_KEY" >/dev/null
fi
echo "minio-init: buckets and the '$ONERING_S3_ACCESS_KEY' account are in place"
