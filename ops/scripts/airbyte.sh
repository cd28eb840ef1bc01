#!/usr/bin/env bash
# `make airbyte` (optional): Airbyte installed the supported way and the CSV-to-MinIO connection
# applied as code. Airbyte no longer ships a compose deployment; `abctl` runs it in a local kind
# cluster (about 4 GB of memory more, and a few minutes the first time).
#
#  1. abctl must be installed (see docs/stack.md); `abctl local install` is idempotent.
#  2. The API credentials come from `abctl local credentials`.
#  3. platform/airbyte/{source,destination,connection}.json are created, or updated when an
#     object of the same name exists, through Airbyte's public API (/api/public/v1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"
require_env_file

command -v abctl >/dev/null 2>&1 || die "abctl not found. Install it (https://docs.airbyte.com/platform/using-airbyte/getting-started/oss-quickstart), then run 'make airbyte' again"
command -v python3 >/dev/null 2>&1 || die "python3 not found: it renders and applies the connection files"
[[ -n "$(env_value AIRBYTE_CSV_URL)" ]] || die "set AIRBYTE_CSV_URL in .env to the HTTPS address of an OHLCV CSV, then run 'make airbyte' again"

if abctl local status >/dev/null 2>&1; then
  ok "Airbyte already installed"
else
  log "installing Airbyte with abctl (low-resource mode)"
  abctl local install --low-resource-mode
fi

url="$(env_value AIRBYTE_URL http://localhost:8000)"
retry 600 "Airbyte API at ${url}" curl --fail --silent "${url}/api/public/v1/health"

creds="$(abctl local credentials 2>/dev/null)"
client_id="$(sed -n 's/.*Client-Id: *\([^ ]*\).*/\1/p' <<<"$creds" | tr -d '\r' | head -n 1)"
client_secret="$(sed -n 's/.*Client-Secret: *\([^ ]*\).*/\1/p' <<<"$creds" | tr -d '\r' | head -n 1)"
[[ -n "$client_id" && -n "$client_secret" ]] || die "could not read Client-Id / Client-Secret from 'abctl local credentials'"

AIRBYTE_URL="$url" AIRBYTE_CLIENT_ID="$client_id" AIRBYTE_CLIENT_SECRET="$client_secret" \
AIRBYTE_CSV_URL="$(env_value AIRBYTE_CSV_URL)" \
AIRBYTE_MINIO_ENDPOINT="$(env_value AIRBYTE_MINIO_ENDPOINT http://host.docker.internal:9000)" \
ONERING_S3_ACCESS_KEY="$(env_value ONERING_S3_ACCESS_KEY onering)" \
ONERING_S3_SECRET_KEY="$(env_value ONERING_S3_SECRET_KEY)" \
python3 - "${ONERING_ROOT}/platform/airbyte" <<'PY'
import json, os, sys, urllib.request, urllib.error
from pathlib import Path

base = os.environ["AIRBYTE_URL"].rstrip("/") + "/api/public/v1"
folder = Path(sys.argv[1])
# Only these placeholders are ours; ${STREAM_NAME} and friends belong to Airbyte.
VARS = ["AIRBYTE_CSV_URL", "AIRBYTE_MINIO_ENDPOINT", "ONERING_S3_ACCESS_KEY", "ONERING_S3_SECRET_KEY"]

def render(name):
    text = (folder / name).read_text()
    for v in VARS:
        text = text.replace("${%s}" % v, os.environ[v])
    return json.loads(text)

def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
            return json.loads(raw) if raw else {}
    except urllib.error.HTTPError as e:
        sys.exit(f"FAIL Airbyte {method} {path}: HTTP {e.code} {e.read().decode(errors='replace')[:400]}")

token = call("POST", "/applications/token", {"client_id": os.environ["AIRBYTE_CLIENT_ID"],
             "client_secret": os.environ["AIRBYTE_CLIENT_SECRET"], "grant-type": "client_credentials"})["access_token"]
workspace = call("GET", "/workspaces", token=token)["data"][0]["workspaceId"]

def upsert(kind, id_field, body):
    body["workspaceId"] = workspace
    existing = [o for o in call("GET", f"/{kind}?workspaceIds={workspace}&limit=100", token=token)["data"]
                if o["name"] == body["name"]]
    if existing:
        oid = existing[0][id_field]
        call("PATCH", f"/{kind}/{oid}", {k: v for k, v in body.items() if k != "workspaceId"}, token=token)
        print(f"OK   updated {kind[:-1]} {body['name']}")
        return oid
    oid = call("POST", f"/{kind}", body, token=token)[id_field]
    print(f"OK   created {kind[:-1]} {body['name']}")
    return oid

source_id = upsert("sources", "sourceId", render("source.json"))
destination_id = upsert("destinations", "destinationId", render("destination.json"))
conn = render("connection.json")
conn.update({"sourceId": source_id, "destinationId": destination_id})
conn.pop("workspaceId", None)
existing = [c for c in call("GET", f"/connections?workspaceIds={workspace}&limit=100", token=token)["data"]
            if c["name"] == conn["name"]]
if existing:
    call("PATCH", f"/connections/{existing[0]['connectionId']}",
         {k: v for k, v in conn.items() if k not in ("sourceId", "destinationId")}, token=token)
    print(f"OK   updated connection {conn['name']}")
else:
    call("POST", "/connections", conn, token=token)
    print(f"OK   created connection {conn['name']}")
PY
ok "Airbyte: ${url} (login: 'abctl local credentials'). The connection writes to s3://landing/ohlcv_csv/; the daily DAG's ingest-csv step takes it from there."
