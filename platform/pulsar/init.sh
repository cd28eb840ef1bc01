#!/usr/bin/env bash
# Tenant, namespace and the partitioned ticks topic for the streaming path. Idempotent: each
# object is created only when a lookup says it is missing; nothing is deleted.
set -euo pipefail

admin() { /pulsar/bin/pulsar-admin --admin-url "$PULSAR_ADMIN_URL" "$@"; }

topic="${ONERING_PULSAR_TOPIC:?}"                 # persistent://tenant/namespace/name
path="${topic#*://}"
tenant="${path%%/*}"
namespace="${path%/*}"

if ! admin tenants get "$tenant" >/dev/null 2>&1; then
  admin tenants create "$tenant" --allowed-clusters standalone
fi
if ! admin namespaces policies "$namespace" >/dev/null 2>&1; then
  admin namespaces create "$namespace"
fi
# Partitioned on purpose: the Flink Pulsar source reads non-partitioned topics unreliably.
if ! admin topics get-partitioned-topic-metadata "$topic" 2>/dev/null | grep -q '"partitions" : [1-9]'; then
  admin topics create-partitioned-topic "$topic" --partitions 2
fi
echo "pulsar-init: $topic is in place"
