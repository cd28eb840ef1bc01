"""OneRing's ML glue in Python: the feature table's contract (pipelines/spec/features.yaml), the
lake reader, and the pieces the Feast repo, the BentoML service, the Streamlit app, the drift
report and the ML DAG's Python steps share. Each service imports it from its own venv
(PYTHONPATH=platform/ml); modules import only what their venv has (contract: PyYAML)."""
