"""A stand-in for platform/ml/drift/drift.py in the Java tests: the same arguments and the same three
files, without Evidently (the real script, in the evidently venv, is tested on the Python side). It
checks what the Java drift step passes and records it in drift.json so the test can assert it."""
import argparse
import json
import os
import sys

p = argparse.ArgumentParser()
for a in ("--features", "--reference-start", "--reference-end", "--current-start", "--current-end", "--out"):
    p.add_argument(a, required=True)
args = p.parse_args()
files = [f for f in os.listdir(args.features) if f.endswith(".parquet")]
if not files:
    sys.exit(f"no parquet files in {args.features}")
if not (args.reference_start <= args.reference_end < args.current_start <= args.current_end):
    sys.exit(f"windows out of order: {vars(args)}")
os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "drift.html"), "w") as f:
    f.write("<html><body>stand-in drift report</body></html>")
with open(os.path.join(args.out, "drift.json"), "w") as f:
    json.dump({"stand_in": True, "args": vars(args), "parquet_files": len(files)}, f)
table = [{"name": "zscore_20", "drift_score": 0.42, "stattest": "ks", "drifted": False},
         {"name": "rv_20", "drift_score": 0.001, "stattest": "ks", "drifted": True}]
with open(os.path.join(args.out, "drift_table.json"), "w") as f:
    json.dump(table, f)
print("stand-in drift: 1 of 2 features drifted")
