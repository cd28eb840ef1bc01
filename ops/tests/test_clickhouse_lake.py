"""The ClickHouse server reads the lake through the named collection the Java side names in its
queries (LakeCollection, `s3(onering_lake, filename = ..., format = ...)`), with the keys from its own
environment: the statements the steps send carry no key. Checked on `docker-compose config` (the file
as compose resolves it) and the config.d file the server mounts. (The same file, loaded into the
engine with --config-file, was checked by hand with chDB 26.7: `filename` resolves under `url`, and
the keys cannot be overridden from SQL; no ClickHouse server runs here.)"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# The stack's services as compose resolves them (core and streaming profiles).
from test_streaming_stack import resolved  # noqa: F401  (a fixture)

LAKE_COLLECTION = "pipelines/serving/src/main/java/dev/onering/serving/clickhouse/LakeCollection.java"
LAKE_XML = "platform/clickhouse/config.d/lake.xml"


def collection(root):
    name = re.search(r'String NAME = "(\w+)"', (root / LAKE_COLLECTION).read_text()).group(1)
    found = ET.parse(root / LAKE_XML).getroot().find(f"named_collections/{name}")
    assert found is not None, f"{LAKE_XML} defines no named collection {name}"
    return found


def test_the_server_defines_the_collection_the_queries_name(root):
    c = collection(root)
    assert sorted(child.tag for child in c) == ["access_key_id", "secret_access_key", "url"]
    for key in ("access_key_id", "secret_access_key"):
        # From the environment, never a literal; and not overridable, so SQL cannot read them back
        # or send them elsewhere under another name.
        assert c.find(key).get("from_env") and not (c.find(key).text or "").strip(), key
        assert c.find(key).get("overridable") == "false", key


def test_the_server_has_the_account_and_endpoint_the_steps_use(root, resolved):  # noqa: F811
    c = collection(root)
    server = resolved["clickhouse"]
    step = resolved["onering"]["environment"]
    for key in ("access_key_id", "secret_access_key"):
        var = c.find(key).get("from_env")
        assert server["environment"].get(var), f"the clickhouse service does not set {var}"
        assert server["environment"][var] == step[var], var
    # The steps' files are where the collection points: the same endpoint.
    assert c.find("url").text.rstrip("/") == step["ONERING_S3_ENDPOINT"].rstrip("/")
    mounts = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in server["volumes"]]
    assert {"/etc/clickhouse-server/config.d", "/etc/clickhouse-server/config.d/lake.xml"} & set(mounts), mounts
