"""The ML DAG's `deploy` step as the spec runs it (`python platform/ml/bento_service/deploy.py`,
bentoml venv, from the OneRing folder): the model service loads the model the alias points at now.
onering_ml.deploy does the work (and `python -m onering_ml.deploy --help` documents it)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # onering_ml, from any working directory

from onering_ml import deploy  # noqa: E402

if __name__ == "__main__":
    sys.exit(deploy.main())
