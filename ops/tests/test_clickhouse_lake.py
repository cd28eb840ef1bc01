"""The ClickHouse server reads the lake through the named collection the Java side names in its
queries (LakeCollection), with the keys from its own environment: the statements the steps send
carry no key. Checked on `docker-compose config` (the file as compose resolves it) and the config.d
file the server mounts. (The same file, loaded into the engine, was checked by hand with chDB 26.7:
the collection resolves `filename` under `url` and refuses `url` from SQL; no ClickHouse server
runs here.)"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# The stack's services as compose resolves them (core and streaming profiles).
from test_streaming_stack import resolved  # noqa: F401  (a fixture)

LAKE_COLLECTION = "pipelines/serving/src/main/java/dev/onering/serving/clickhouse/LakeCollection.java"
LAKE_XML = "platform/clickhouse/config.d/lake.xml"


def test_the_server_defines_the_collection_the_queries_name(root):
    name = re.search(r'String NAME = "(\w+)"', (root / LAKE_COLLECTION).read_text()).group(1)
    collection = ET.parse(root / LAKE_XML).getroot().find(f"named_collections/{name}")
    assert collection is not None, f"{LAKE_XML} defines no named collection {name}"
    assert sorted(child.tag for child in collection) == ["access_key_id", "secret_access_key", "url"]
    for child in collection:
        # From the environment, never a literal; and not overridable, so SQL cannot aim the keys elsewhere.
        assert child.get("from_env") and not (child.text or "").strip(), child.tag
        assert child.get("overridable") == "false", child.tag


def test_the_server_has_the_account_and_endpoint_the_steps_use(root, resolved):  # noqa: F811
    collection = ET.parse(root / LAKE_XML).getroot().find("named_collections")[0]
    server = resolved["clickhouse"]
    step = resolved["onering"]["environment"]
    for child in collection:
        var = child.get("from_env")
        assert server["environment"].get(var), f"the clickhouse service does not set {var}"
        assert server["environment"][var] == step[var], var
    mounts = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in server["volumes"]]
    assert "/etc/clickhouse-server/config.d" in mounts
